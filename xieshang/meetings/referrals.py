"""Upward reporting (上报, C2.9) of an inspection or research report, through the one
mechanism of followups (found there by autodiscovery): once the report is filed, the
meeting's office sends it to the parent CPPCC node, whose office adopts it, merges it into
its own bulletin, forwards it or returns it.

No duty record on adoption: the participants are credited for the inspection itself
(INSPECTION) and there is no duty kind for its report's adoption higher up; the referral path
on the meeting's page is the record."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.followups import referrals

from .models import Meeting, MeetingKind


def _check(meeting: Meeting) -> str:
    if meeting.kind != MeetingKind.INSPECTION:
        return _("只有视察调研报告可以报送上级政协。")
    if not meeting.report:
        return _("调研报告提交后才能报送上级政协。")
    return ""


referrals.register(
    Meeting,
    label=gettext_lazy("视察调研报告"),
    url_name="meetings:detail",
    permission="meetings.manage",
    organisation=lambda m: m.organisation,
    check=_check,
    applies=lambda m: m.kind == MeetingKind.INSPECTION,
    title=lambda m: m.title,
)
