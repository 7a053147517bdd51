"""Leave requests as Excel (core.exports): the approver's queue of /meetings/leave/, pending
or decided as the tab shows."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.core import exports

from . import selectors
from .models import LeaveRequest


def leave_state(request) -> str:
    return "done" if request.GET.get("state") == "done" else "pending"


def leave_rows(request):
    return selectors.leave_queue(request.user, state=leave_state(request))


def _cells(leave: LeaveRequest) -> list:
    inv = leave.invitation
    if leave.whole_meeting:
        sittings = _("全程")
    else:
        sittings = "、".join(s.title for s in leave.sittings.all())
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
