"""The base layout's main menu, `{% load navigation %}{% main_navigation %}`.

The menu (includes/nav_items.html) reads only the user's roles (`user_roles`) and what
those roles permit anywhere (`can.*`, core.context_processors): two users with the same
roles see the same menu. Rendering it asks some thirty permission questions and reverses
twenty URLs on every page, so each process renders it once per set of roles, superuser flag,
language and URL configuration and reuses the HTML. Role changes take effect at once: the
roles are read from the database on every request, only the HTML for a given set of roles
is kept. A template edit during development empties the store (autoreload's file_changed).
"""

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils import autoreload, translation
from django.utils.safestring import mark_safe

register = template.Library()

TEMPLATE = "includes/nav_items.html"

# (roles, superuser, language, script prefix, urlconf) -> the menu's HTML. Bounded by the
# combinations of roles that users hold: a few dozen.
_rendered: dict[tuple, str] = {}
_LIMIT = 500


@register.simple_tag(takes_context=True)
def main_navigation(context):
    user = context.get("user")
    roles = frozenset(str(role) for role in context.get("user_roles") or ())
    key = (
        roles,
        bool(getattr(user, "is_superuser", False)),
        translation.get_language(),
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
    )
    html = _rendered.get(key)
    if html is None:
        html = get_template(TEMPLATE).render(
            {"user_roles": context.get("user_roles") or set(), "can": context.get("can")}
        )
        if len(_rendered) >= _LIMIT:
            _rendered.clear()
        _rendered[key] = html
    return mark_safe(html)  # rendered by the template engine, which escaped it


def _forget(sender, file_path, **kwargs):
    if file_path.suffix == ".html":
        _rendered.clear()


autoreload.file_changed.connect(_forget, dispatch_uid="xieshang_navigation_forget")
