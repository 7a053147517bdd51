"""Meetings and activities, their sittings, invitations, leave, attendance and speeches;
briefings to members and the committees' periodic work reports.

One `Meeting` model serves every form (plenary, standing committee, activities, inspections,
studios, training) so that invitations, leave and sign-in are written once. A meeting has
one or more `Sitting`s (会次: a plenary's opening, group discussions, closing; a one-off
activity has one); attendance is kept per sitting, and the meeting-level outcome of each
invitee is written on the `Invitation` when the attendance is closed.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core.models import ChoiceLabels, Tracked


def _nonce() -> str:
    return secrets.token_hex(8)


class MeetingKind(models.TextChoices):
    PLENARY = "plenary", _("全体会议")
    STANDING = "standing", _("常务委员会会议")
    CHAIRMAN = "chairman", _("主席会议")
    SPECIAL_CONSULTATION = "special_consultation", _("专题协商会")
    SYMPOSIUM = "symposium", _("协商座谈会")
    COMMITTEE = "committee", _("专委会活动")
    GROUP = "group", _("委员活动小组活动")
    INSPECTION = "inspection", _("视察调研")
    STUDIO = "studio", _("委员工作室活动")
    LECTURE = "lecture", _("委员讲堂")
    TRAINING = "training", _("学习培训")
    # Recorded events: no invitations or attendance, just what happened (C6.1, C4.8).
    PARTY_REPORT = "party_report", _("向党委常委会汇报工作")
    PARTY_INVITATION = "party_invitation", _("应邀出席党委政府会议")


RECORD_KINDS = frozenset({MeetingKind.PARTY_REPORT, MeetingKind.PARTY_INVITATION})


class Meeting(Tracked):
    class Mode(models.TextChoices):
        COMPULSORY = "compulsory", _("应到会")
        SIGNUP = "signup", _("自愿报名")

    class Status(models.TextChoices):
        DRAFT = "draft", _("筹备中")
        PUBLISHED = "published", _("已通知")
        CLOSED = "closed", _("考勤已结束")
        CANCELLED = "cancelled", _("已取消")

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("类型"), max_length=24, choices=MeetingKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    session = models.ForeignKey(
        "orgs.Session",
        verbose_name=_("届次会议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    committee = models.ForeignKey(
        "orgs.Committee",
        verbose_name=_("专门委员会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    activity_group = models.ForeignKey(
        "orgs.ActivityGroup",
        verbose_name=_("委员活动小组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    series = models.CharField(
        _("工作室或讲堂名称"),
        max_length=100,
        blank=True,
        help_text=_("委员工作室、委员讲堂活动填写。"),
    )
    host = models.CharField(_("主办或召集单位"), max_length=100, blank=True)
    location = models.CharField(_("地点"), max_length=200, blank=True)
    start = models.DateTimeField(_("开始时间"), db_index=True)
    end = models.DateTimeField(_("结束时间"))
    description = models.TextField(_("内容"), blank=True)
    mode = models.CharField(
        _("参会方式"), max_length=12, choices=Mode.choices, default=Mode.COMPULSORY
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Inspections and research (C2.13) file a report; recorded events (C6.1, C4.8) a summary
    # of what happened and who went.
    report = models.TextField(_("调研报告或会议情况"), blank=True)
    report_filed_at = models.DateTimeField(_("报告提交时间"), null=True, blank=True)
    # An inspection or research report sent to the Party committee or the government (报送
    # 党委 / 报送政府, C4.7), the day it went: their offices find it and record their leaders'
    # instructions on it (meetings/instructions.py). Empty: not sent there.
    report_to_party_on = models.DateField(_("报送党委日期"), null=True, blank=True)
    report_to_government_on = models.DateField(_("报送政府日期"), null=True, blank=True)
    attendees_text = models.CharField(_("出席人员"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("考勤结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("会议活动")
        verbose_name_plural = _("会议活动")
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["organisation", "start"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def is_record(self) -> bool:
        return self.kind in RECORD_KINDS

    @property
    def is_plenary(self) -> bool:
        return self.kind == MeetingKind.PLENARY


class Sitting(models.Model):
    """会次: one half-day or session of a meeting; attendance is kept per sitting."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("开幕会")
        GROUP = "group", _("分组讨论")
        JOINT = "joint", _("联组讨论")
        SPEECHES = "speeches", _("大会发言")
        CLOSING = "closing", _("闭幕会")
        MAIN = "main", _("全程")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sittings")
    kind = models.CharField(_("会次类型"), max_length=12, choices=Kind.choices, default=Kind.MAIN)
    title = models.CharField(_("名称"), max_length=100)
    start = models.DateTimeField(_("开始时间"))
    end = models.DateTimeField(_("结束时间"))
    location = models.CharField(_("地点"), max_length=200, blank=True)
    # Part of the QR signing salt: changing it invalidates every code shown so far.
    qr_nonce = models.CharField(max_length=32, default=_nonce, editable=False)
    # The optimistic lock of the sitting's edit form (core.audit.save_versioned), as a
    # meeting's `version` is of the meeting's.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("会次")
        verbose_name_plural = _("会次")
        ordering = ["start", "id"]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.title}"

    @property
    def title_label(self):
        """The title to render later in the reader's language: the one sitting a meeting
        other than a plenary gets on its own is stored as 全程 (data, in Chinese) and is its
        kind's lazy label ("Whole meeting" in English, as a whole-meeting leave reads); any
        other title is the stored text. Usable as a phrase parameter (core.phrases)."""
        if self.kind == self.Kind.MAIN and self.title == "全程":
            return self.Kind.MAIN.label
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the current language (see title_label)."""
        return str(self.title_label)


class Invitation(ChoiceLabels):
    """One invitee of a meeting: a member, a leader (党政领导) or a department head.

    `outcome` is the meeting-level result written when attendance closes."""

    class Category(models.TextChoices):
        MEMBER = "member", _("委员")
        LEADER = "leader", _("党政领导")
        DEPARTMENT = "department", _("部门负责人")
        GUEST = "guest", _("列席人员")

    class Response(models.TextChoices):
        NONE = "", _("未回复")
        SIGNED_UP = "signed_up", _("已报名")

    class Outcome(models.TextChoices):
        PENDING = "", _("未统计")
        PRESENT = "present", _("出席")
        LATE = "late", _("迟到")
        EXCUSED = "excused", _("请假")
        ABSENT = "absent", _("缺席")
        NOT_EXPECTED = "not_expected", _("未报名")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    category = models.CharField(
        _("类别"), max_length=12, choices=Category.choices, default=Category.MEMBER
    )
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_invitations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    # Sector and standing flag at the time of the invitation, for the per-sector figures.
    sector = models.ForeignKey(
        "orgs.Sector", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sort_key = models.CharField(max_length=255, blank=True, default="")
    via = models.CharField(_("邀请方式"), max_length=100, blank=True)
    response = models.CharField(
        _("报名"), max_length=12, choices=Response.choices, default=Response.NONE, blank=True
    )
    outcome = models.CharField(
        _("出勤结果"), max_length=14, choices=Outcome.choices, default=Outcome.PENDING, blank=True
    )
    notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("参会邀请")
        verbose_name_plural = _("参会邀请")
        ordering = ["meeting", "category", "sort_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=models.Q(member__isnull=False),
                name="invitation_unique_member",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=models.Q(user__isnull=False),
                name="invitation_unique_user",
            ),
        ]
        indexes = [models.Index(fields=["member", "meeting"])]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.name}"

    @property
    def account(self):
        """The login of the invitee: a member's own account, else the invited user."""
        return self.member.user if self.member_id else self.user

    @property
    def account_id(self):
        return self.member.user_id if self.member_id else self.user_id

    @property
    def is_leader(self) -> bool:
        return self.category in (self.Category.LEADER, self.Category.DEPARTMENT)

    def is_expected(self, meeting: Meeting | None = None) -> bool:
        meeting = meeting or self.meeting
        return meeting.mode == Meeting.Mode.COMPULSORY or self.response == self.Response.SIGNED_UP


class LeaveRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("未批准")
        WITHDRAWN = "withdrawn", _("已撤回")
        # Closed undecided with its meeting (services.leave.leave_close_pending): a request
        # nobody can decide any more is not left waiting for ever.
        CANCELLED = "cancelled", _("会议已取消")
        LAPSED = "lapsed", _("未审批（考勤已结束）")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="leave_requests")
    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="leave_requests"
    )
    whole_meeting = models.BooleanField(_("全程请假"), default=True)
    sittings = models.ManyToManyField(
        Sitting, verbose_name=_("请假会次"), blank=True, related_name="leave_requests"
    )
    reason = models.TextField(_("请假事由"))
    due_date = models.DateField(_("请假截止日期"))
    is_late = models.BooleanField(_("逾期请假"), default=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("请假申请")
        verbose_name_plural = _("请假申请")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.invitation.name} · {self.meeting}"

    @property
    def organisation(self):
        return self.meeting.organisation


class LeaveDelegation(models.Model):
    """The chair hands the approval of chair-approved leave to someone (usually the
    secretary-general or the office director) until revoked."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="leave_delegations"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受托人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("请假审批委托")
        verbose_name_plural = _("请假审批委托")

    def __str__(self) -> str:
        return f"{self.organisation} → {self.delegate}"


class Attendance(models.Model):
    """One invitee's state at one sitting. Rows exist for whoever was marked or signed in;
    closing the meeting writes the remaining rows (excused or absent)."""

    class State(models.TextChoices):
        PRESENT = "present", _("出席")
        LATE = "late", _("迟到")
        EXCUSED = "excused", _("请假")
        ABSENT = "absent", _("缺席")

    class Method(models.TextChoices):
        QR = "qr", _("扫码签到")
        STAFF = "staff", _("工作人员登记")
        CLOSE = "close", _("考勤结束时统计")

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="attendance")
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="attendance")
    state = models.CharField(_("出勤"), max_length=10, choices=State.choices)
    method = models.CharField(_("方式"), max_length=10, choices=Method.choices)
    signed_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("出勤记录")
        verbose_name_plural = _("出勤记录")
        constraints = [
            models.UniqueConstraint(fields=["sitting", "invitation"], name="attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.sitting} · {self.invitation.name} · {self.get_state_display()}"

    @property
    def attended(self) -> bool:
        return self.state in (self.State.PRESENT, self.State.LATE)


class Speech(models.Model):
    """大会发言 (C4.4): submitted by a member or a body, selected by the office, scheduled in
    a sitting, delivered; who listened is recorded."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        SELECTED = "selected", _("已选用")
        DECLINED = "declined", _("未选用")
        SCHEDULED = "scheduled", _("已安排")
        DELIVERED = "delivered", _("已发言")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="speeches")
    title = models.CharField(_("发言题目"), max_length=200)
    body = models.TextField(_("发言稿"))
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("发言委员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="speeches",
    )
    body_name = models.CharField(
        _("提交单位"),
        max_length=100,
        blank=True,
        help_text=_("以党派、界别、专委会名义提交时填写。"),
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    sitting = models.ForeignKey(
        Sitting,
        verbose_name=_("发言会次"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="speeches",
    )
    order = models.PositiveSmallIntegerField(_("发言顺序"), default=0)
    listeners = models.ManyToManyField(
        Invitation, verbose_name=_("听取发言的领导和部门"), blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("大会发言")
        verbose_name_plural = _("大会发言")
        ordering = ["meeting", "order", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation(self):
        return self.meeting.organisation

    @property
    def speaker(self) -> str:
        return self.member.name if self.member_id else self.body_name


class Briefing(models.Model):
    """情况通报 (C2.14): a department's or the office's briefing published to members."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    class Kind(models.TextChoices):
        # C2.9: the same briefing goes down the tree as a notice or a work arrangement.
        BRIEFING = "briefing", _("情况通报")
        NOTICE = "notice", _("通知")
        ARRANGEMENT = "arrangement", _("工作安排")

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="briefings"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices, default=Kind.BRIEFING)
    title = models.CharField(_("标题"), max_length=200)
    source = models.CharField(_("通报单位"), max_length=100, blank=True)
    body = models.TextField(_("内容"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    recipients_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("情况通报")
        verbose_name_plural = _("情况通报")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class BriefingReceipt(models.Model):
    """One member's copy of a briefing; `read_at` is the read receipt."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="receipts")
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="briefing_receipts"
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("通报阅读回执")
        verbose_name_plural = _("通报阅读回执")
        constraints = [
            models.UniqueConstraint(fields=["briefing", "member"], name="briefing_receipt_unique")
        ]

    def __str__(self) -> str:
        return f"{self.briefing} · {self.member}"


class BriefingNodeReceipt(models.Model):
    """C2.9: a lower node's copy of a briefing sent down the tree; `read_at` is that node
    office's read receipt, `passed_on_at` when it was passed on to the node's members."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="node_receipts")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="briefing_receipts"
    )
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    passed_on_at = models.DateTimeField(_("转发委员时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("下级阅读回执")
        verbose_name_plural = _("下级阅读回执")
        ordering = ["organisation__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["briefing", "organisation"], name="briefing_node_receipt_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.briefing} · {self.organisation}"


def report_period(year: int, month: int) -> str:
    """The period a committee's report due at the end of `month` covers, in the active
    language: 2026年上半年 / First half of 2026."""
    from django.utils.translation import gettext

    if month == 12:
        return gettext("%(y)d年下半年") % {"y": year}
    if month == 6:
        return gettext("%(y)d年上半年") % {"y": year}
    return gettext("%(y)d年截至%(m)d月") % {"y": year, "m": month}


class CommitteeReport(models.Model):
    """A special committee's periodic work report to the chairman's meeting (C4.10)."""

    class Status(models.TextChoices):
        DUE = "due", _("待报送")
        FILED = "filed", _("已报送")

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="committee_reports"
    )
    committee = models.ForeignKey(
        "orgs.Committee", on_delete=models.CASCADE, related_name="work_reports"
    )
    period = models.CharField(_("报告期"), max_length=40)
    due_date = models.DateField(_("报送期限"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DUE)
    content = models.TextField(_("工作报告"), blank=True)
    filed_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("报告的主席会议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="committee_reports",
    )

    class Meta:
        verbose_name = _("专委会工作报告")
        verbose_name_plural = _("专委会工作报告")
        ordering = ["-due_date", "committee__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "period"], name="committee_report_unique_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee} · {self.period_text}"

    def is_missing(self, today) -> bool:
        return self.status == self.Status.DUE and self.due_date < today

    @property
    def period_text(self) -> str:
        """The period in the reader's language (`period` is stored in the site's: it is the
        report's identity, one per committee and period)."""
        return report_period(self.due_date.year, self.due_date.month)


class CalendarFeed(models.Model):
    """The current key of a user's personal calendar feed. The feed address is a signed
    (user, key) pair; a new key voids every address given out before (a leaked link)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    key = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("日历订阅地址")
        verbose_name_plural = _("日历订阅地址")

    def __str__(self) -> str:
        return f"{self.user} · {self.changed_at:%Y-%m-%d}"
