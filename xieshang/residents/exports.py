"""Residents' issues as Excel (core.exports): the queue (each of its tabs) and the
department's routed list, with the rows, scope and filter of the page.

Personal data as the lists show it: the resident's phone masked (`pii.masked`, never whole
in a file) and the numbers they typed into their words masked (`portal.scrub.mask_numbers`).
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xieshang.core import access, exports, pii
from xieshang.core.params import choice_param
from xieshang.core.pii import mask_numbers

from . import policies, selectors
from .models import ResidentIssue


def queue_state(request) -> str:
    """The queue's tab from the query string, the page's and its export's (absent or empty:
    待受理; a tab the page does not offer: 400 naming the tabs)."""
    return choice_param(
        request, "state", selectors.QUEUE_STATES, default="waiting", label=gettext("状态")
    )


def queue_rows(request):
    if not policies.can_see_lists(request.user):
        raise PermissionDenied
    return selectors.queue(request.user, state=queue_state(request))


def routed_rows(request):
    if not access.department_ids(request.user):
        raise PermissionDenied
    return selectors.routed_to(request.user)


def _place(org) -> str:
    """The street and community, as the list's place column (the district is a column)."""
    if org.level == "community" and org.parent_id:
        return f"{org.parent.name} · {org.name}"
    return org.name


def _district(org) -> str:
    if org.level == "community" and org.parent_id:
        return org.parent.parent.name if org.parent.parent_id else ""
    if org.level == "street" and org.parent_id:
        return org.parent.name
    return ""


def cells(i: ResidentIssue) -> list:
    return [
        i.ticket,
        mask_numbers(i.title or ""),
        _district(i.organisation),
        _place(i.organisation),
        pii.masked("phone", i.phone or "") or "—",
        timezone.localdate(i.created_at),
        i.get_status_display(),
        i.department.name if i.department_id else "",
        i.task.due_date if i.task_id else None,
    ]


HEADERS = [
    _("受理编号"),
    _("事项"),
    _("所属政协"),
    _("街道/社区"),
    _("联系电话"),
    _("提出时间"),
    _("状态"),
    _("承办单位"),
    _("答复期限"),
]

exports.register(
    "residents",
    title=_("民情事项"),
    fallback="resident-issues",
    headers=HEADERS,
    rows=queue_rows,
    cells=cells,
)

exports.register(
    "residents_routed",
    title=_("转交本单位的民情事项"),
    fallback="resident-issues-routed",
    headers=HEADERS,
    rows=routed_rows,
    cells=cells,
)
