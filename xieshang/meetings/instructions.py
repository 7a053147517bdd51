"""Leaders' instructions (批示, C4.7) on an inspection or research report, through the one
mechanism of followups (found there by autodiscovery): once the report is filed, the
meeting's office records them and each named unit gets a follow-up task."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.followups import instructions

from . import policies
from .models import Meeting, MeetingKind


def _check(meeting: Meeting) -> str:
    if meeting.kind != MeetingKind.INSPECTION:
        return _("只有视察调研报告可以登记领导批示。")
    if not meeting.report:
        return _("调研报告提交后才能登记批示。")
    return ""


instructions.register(
    Meeting,
    label=gettext_lazy("视察调研报告"),
    url_name="meetings:detail",
    can_record=lambda user, m: m.kind == MeetingKind.INSPECTION and policies.can_manage(user, m),
    check=_check,
    applies=lambda m: m.kind == MeetingKind.INSPECTION,
    title=lambda m: m.title,
)
