"""Server-searched pickers of the follow-up pages (core.pickers, issue 14).

`instruction-departments`: the units a leader's instruction on item `item=<pk>` of kind
`target=<key>` (followups.instructions) may be handed to, i.e. the active departments of the
item's organisation, for a user who may record an instruction on that item. It is the
queryset `InstructionForm` validates with; any other item or user gets "not found", as the
instruction form's own page answers.
"""

from django.http import Http404

from xieshang.core import pickers
from xieshang.core.picker_sources import int_param
from xieshang.orgs.models import Department

from .instructions import target_by_key


def instruction_departments(organisation):
    return Department.objects.filter(organisation=organisation, is_active=True).order_by(
        "sort_order", "name"
    )


def recordable_item(user, key: str, pk):
    """(target, item) where `user` may record an instruction; Http404 otherwise (the same
    answer for "no such item", "not an item that takes instructions" and "not yours")."""
    target = target_by_key(key or "")
    item = target.model._default_manager.filter(pk=pk).first() if target and pk else None
    if item is None or not target.applies(item) or not target.can_record(user, item):
        raise Http404
    return target, item


def _departments(user, params):
    target, item = recordable_item(user, params.get("target"), int_param(params, "item"))
    return instruction_departments(target.organisation(item, user))


pickers.register(
    "instruction-departments",
    queryset_for_user=_departments,
    label=lambda d: d.name,
    search_fields=("name",),
)
