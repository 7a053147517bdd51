from django.utils.functional import SimpleLazyObject

from . import access


def navigation(request):
    """What the base layout needs: the user's roles, permissions and unread count.

    Lazy: each runs its query when a template first reads it, so a fragment (an htmx
    partial, a letter, an e-mail) that shows none of them asks the database nothing. A
    template that needs the unread count as a number (`blocktranslate count`) gets it from
    its view (core.views.inbox)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread():
        from .notifications import unread_count

        return unread_count(user)

    return {
        "user_roles": SimpleLazyObject(lambda: access.roles(user)),
        "home_org": SimpleLazyObject(lambda: access.home_organisation(user)),
        "can": _Can(user),
        "unread_count": SimpleLazyObject(unread),
        # The user menu's 接口令牌 (core.api_tokens.may_use: staff and administrators).
        "may_use_api": SimpleLazyObject(lambda: access.is_staff_user(user)),
    }


class _Can:
    """`{% if can.members_view %}` in templates: dots in permission names become underscores."""

    def __init__(self, user):
        self.user = user

    def __getattr__(self, name: str) -> bool:
        if name.startswith("_"):
            raise AttributeError(name)
        # Asked once per page: the menu and the page body ask the same questions.
        allowed = access.can(self.user, name.replace("_", ".", 1))
        setattr(self, name, allowed)
        return allowed
