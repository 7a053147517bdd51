"""The configurable rules of meetings and attendance (SPEC § Meetings and attendance)."""

from django.utils.translation import gettext_lazy as _

from xieshang.orgs.config import define

from .models import MeetingKind

# 0: leave may be asked up to the meeting's own day.
LEAVE_DAYS = {"minimum": 0, "maximum": 60}
LEAVE_DAYS_PLENARY = define(
    "meetings.leave_days_before_plenary", 3, _("全体会议请假截止（会前工作日）"), **LEAVE_DAYS
)
LEAVE_DAYS_STANDING = define(
    "meetings.leave_days_before_standing", 2, _("常委会议请假截止（会前工作日）"), **LEAVE_DAYS
)
LEAVE_DAYS_OTHER = define(
    "meetings.leave_days_before_other", 1, _("其他会议活动请假截止（会前工作日）"), **LEAVE_DAYS
)
# Meeting kinds whose leave the chairman's meeting decides; others go to the committee or
# group head, or to the office when the activity has neither.
CHAIR_APPROVED_KINDS = define(
    "meetings.chair_approved_kinds",
    ["plenary", "standing"],
    _("由主席审批请假的会议类型"),
    choices=lambda: MeetingKind.choices,
)
PLENARY_MIN_SHARE = define(
    "meetings.plenary_min_share",
    2 / 3,
    _("全体会议最低出席比例"),
    _("出席会次少于该比例的，按缺席计（默认三分之二）。"),
    minimum=0.0,
    maximum=1.0,
)
# The reasons a member picks from when asking for leave (the form keeps a free-text detail).
LEAVE_REASONS = define(
    "meetings.leave_reasons",
    ["因公出差", "身体原因", "家庭重要事务", "参加上级组织的会议或活动", "其他"],
    _("请假事由选项"),
    _("委员请假时可选的常见事由；选“其他”须写明。"),
)
SIGNIN_OPEN_MINUTES = define(
    "meetings.signin_open_minutes", 60, _("会前开放签到（分钟）"), minimum=1, maximum=1440
)
# 0: any sign-in after the start is late.
LATE_AFTER_MINUTES = define(
    "meetings.late_after_minutes", 15, _("开始后多少分钟签到算迟到"), minimum=0, maximum=240
)
QR_MAX_AGE_MINUTES = define(
    "meetings.qr_max_age_minutes", 10, _("签到二维码有效期（分钟）"), minimum=1, maximum=1440
)
AUTO_CLOSE_HOURS = define(
    "meetings.auto_close_hours", 48, _("会议结束后自动结束考勤（小时）"), minimum=1, maximum=720
)
COMMITTEE_REPORT_MONTHS = define(
    "meetings.committee_report_months",
    [6, 12],
    _("专委会向主席会议报告工作的月份"),
    _("每年在这些月份月底前报送。"),
    minimum=1,
    maximum=12,
)
