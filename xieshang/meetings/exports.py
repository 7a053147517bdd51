"""Leave requests as Excel (core.exports): the rows of /meetings/leave/ as the tab shows
them: the approver's queue, pending or decided, or (the office's tab) every leave request of
the year's meetings in the user's scope."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.core import access, exports
from xieshang.core.params import year_param

from . import selectors
from .models import LeaveRequest

ALL = "all"


def sees_all_leave(user) -> bool:
    """Whether the leave page offers the tab of every leave request of the meetings in the
    user's scope (the office's record of the year, whoever decided): `meetings.view`."""
    return access.can(user, "meetings.view")


def leave_state(request) -> str:
    state = request.GET.get("state")
    if state == ALL and sees_all_leave(request.user):
        return ALL
    return "done" if state == "done" else "pending"


def leave_year(request) -> int:
    """The year of the meetings the "all" tab lists: the current one unless asked."""
    return year_param(request, default=timezone.localdate().year)


def leave_rows(request):
    state = leave_state(request)
    if state == ALL:
        return selectors.leave_of_meetings(request.user, year=leave_year(request))
    return selectors.leave_queue(request.user, state=state)


def _cells(leave: LeaveRequest) -> list:
    inv = leave.invitation
    if leave.whole_meeting:
        sittings = _("全程")
    else:
        sittings = _("、").join(s.display_title for s in leave.sittings.all())
    return [
        inv.name,
        inv.sector.name if inv.sector_id else "",
        leave.meeting.title,
        leave.meeting.start,
        sittings,
        leave.reason,
        _("是") if leave.is_late else _("否"),
        leave.submitted_at,
        leave.get_status_display(),
        leave.decided_by.display_name if leave.decided_by_id else "",
        leave.decided_at,
        leave.decision_note,
    ]


exports.register(
    "meetings.leave",
    title=gettext_lazy("请假申请"),
    fallback="leave-requests",
    headers=[
        gettext_lazy("请假人"),
        gettext_lazy("界别"),
        gettext_lazy("会议"),
        gettext_lazy("会议时间"),
        gettext_lazy("会次"),
        gettext_lazy("事由"),
        gettext_lazy("逾期请假"),
        gettext_lazy("申请时间"),
        gettext_lazy("结果"),
        gettext_lazy("审批人"),
        gettext_lazy("审批时间"),
        gettext_lazy("审批意见"),
    ],
    rows=leave_rows,
    cells=_cells,
)
