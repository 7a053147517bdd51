"""The categories of the department assessment report (督查考核, C2.6, C4.7).

A task's category is its kind, unless the app that owns its subject names a finer one:
consultation registers "implementation of a key consultation activity" for IMPLEMENTATION
tasks on plan items, so the report tells it apart from a proposal's implementation.
"""

from django.contrib.contenttypes.models import ContentType

from xieshang.orgs.models import Role

from .models import Task

_categories: dict[tuple[str, str], str] = {}


def register_category(kind: str, model_label: str, label) -> None:
    """Tasks of `kind` whose subject is a `model_label` (app_label.model_name) count under
    `label`."""
    _categories[(str(kind), model_label.lower())] = label


def category_of(kind: str, content_type_id: int | None):
    if content_type_id:
        label = ContentType.objects.get_for_id(content_type_id)
        found = _categories.get((kind, f"{label.app_label}.{label.model}"))
        if found is not None:
            return found
    try:
        return Task.Kind(kind).label
    except ValueError:
        return kind


def unit_label(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        return role
