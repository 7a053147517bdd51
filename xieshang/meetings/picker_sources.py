"""Server-searched pickers of the meeting pages (core.pickers, issue 14).

`meeting-departments`: the active units of meeting `meeting=<id>`'s organisation, for a
user who manages that meeting (the invitation form's "邀请部门负责人"; committee staff
manage their committee's meetings without holding `meetings.manage`, hence a source of its
own rather than core's `departments`). It is the queryset the form validates with.
"""

from django.http import Http404

from xieshang.core import pickers
from xieshang.core.picker_sources import int_param
from xieshang.orgs.models import Department

from . import policies
from .models import Meeting


def invitable_departments(organisation):
    return Department.objects.filter(organisation=organisation, is_active=True).order_by(
        "sort_order", "name"
    )


def _departments(user, params):
    meeting = (
        Meeting.objects.select_related("organisation")
        .filter(pk=int_param(params, "meeting"))
        .first()
    )
    if meeting is None or not policies.can_manage(user, meeting):
        raise Http404
    return invitable_departments(meeting.organisation)


pickers.register(
    "meeting-departments",
    queryset_for_user=_departments,
    label=lambda d: d.name,
    search_fields=("name",),
)
