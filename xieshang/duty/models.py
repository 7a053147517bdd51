"""The duty ledger (履职档案): append-only facts about what each member did.

Every module writes here through `duty.services.record_duty`; scores are computed later from
an editable rule table, never stored on these rows.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core.models import StoredFile
from xieshang.core.text import chinese_date
from xieshang.core.uploads import RandomName, private_storage


class DutyKind(models.TextChoices):
    PLENARY_HALF_DAY = "plenary_half_day", _("出席全体会议（半天）")
    MEETING = "meeting", _("参加会议活动")
    TRAINING = "training", _("参加学习培训")
    PROPOSAL_FIRST = "proposal_first", _("提案（第一提案人）")
    PROPOSAL_COSIGNER = "proposal_cosigner", _("提案（联名）")
    KEY_PROPOSAL_FIRST = "key_proposal_first", _("重点提案（第一提案人）")
    KEY_PROPOSAL_COSIGNER = "key_proposal_cosigner", _("重点提案（联名）")
    EXCELLENT_PROPOSAL_FIRST = "excellent_proposal_first", _("优秀提案（第一提案人）")
    EXCELLENT_PROPOSAL_COSIGNER = "excellent_proposal_cosigner", _("优秀提案（联名）")
    OPINION_SUBMITTED = "opinion_submitted", _("报送社情民意信息")
    # Adoption counts by the level that took the item up (issue 12): each level has its own
    # row in the score table, so a city adoption can be worth more than a district one.
    OPINION_ADOPTED = "opinion_adopted", _("社情民意信息被区级采用")
    OPINION_ADOPTED_CITY = "opinion_adopted_city", _("社情民意信息被市级采用")
    OPINION_ADOPTED_PROVINCE = "opinion_adopted_province", _("社情民意信息被省级采用")
    OPINION_ADOPTED_NATIONAL = "opinion_adopted_national", _("社情民意信息被全国政协采用")
    OPINION_INSTRUCTED = "opinion_instructed", _("社情民意信息获领导批示")
    PLENARY_SPEECH = "plenary_speech", _("大会发言")
    # A speech at a consultation activity (专题协商会、协商座谈会…), C2.8 / C3.2.
    CONSULTATION_SPEECH = "consultation_speech", _("协商活动发言")
    INSPECTION = "inspection", _("视察调研")
    SECTOR_CONTACT = "sector_contact", _("联系界别群众")
    STUDIO = "studio", _("委员工作室、委员讲堂活动")
    # C2.10: attending a street or community consultation session (议事会).
    COMMUNITY_CONSULTATION = "community_consultation", _("参加基层协商议事")
    PLENARY_ABSENCE_UNEXCUSED = "plenary_absence_unexcused", _("无故缺席全体会议")
    PLENARY_ABSENCE_EXCUSED = "plenary_absence_excused", _("请假缺席全体会议")
    ABSENCE_UNEXCUSED = "absence_unexcused", _("无故缺席其他会议活动")
    OTHER = "other", _("其他履职")


# The kinds that are a member's attendance (出勤): the annual report counts them under
# 一、会议出勤 and the certificate of participation lists them. One list, so that a kind added
# here reaches both and the two documents never give different counts of the same sittings.
ATTENDANCE_KINDS = (
    DutyKind.PLENARY_HALF_DAY,
    DutyKind.MEETING,
    DutyKind.COMMUNITY_CONSULTATION,
)


class DutyRecord(models.Model):
    class Source(models.TextChoices):
        SYSTEM = "system", _("系统记录")
        MANUAL = "manual", _("委员自报")
        # Years before the platform: carried over from the committee's earlier records, so
        # their proposals and meetings are not in the other modules to link to.
        IMPORTED = "imported", _("历史导入")

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("已确认")
        PENDING = "pending", _("待审核")
        REJECTED = "rejected", _("未通过")

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="duty_records"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="duty_records"
    )
    date = models.DateField(_("日期"), db_index=True)
    kind = models.CharField(_("类别"), max_length=40, choices=DutyKind.choices)
    quantity = models.DecimalField(_("数量"), max_digits=6, decimal_places=2, default=1)
    title = models.CharField(_("事项"), max_length=200)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    source_object = GenericForeignKey("content_type", "object_id")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SYSTEM)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    evidence = models.TextField(_("佐证材料说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("履职记录")
        verbose_name_plural = _("履职记录")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["organisation", "date", "kind"]),
            # The records waiting for review, a handful among millions: the office's home
            # card and review queue count them without reading the organisation's whole file
            # (7 ms for a province's 68,000 records).
            models.Index(
                fields=["organisation"],
                condition=models.Q(status="pending"),
                name="duty_record_pending",
            ),
            # A year's confirmed records, every column a score adds up: the province's
            # roll-up reads its 300,000 records of a year from this index alone (an
            # index-only scan) instead of visiting their rows among ten years' 3 million
            # (2026-12-07: the query ~2× faster; 204 MB beside the table's 549 MB).
            models.Index(
                fields=["date", "organisation", "kind", "member", "quantity"],
                condition=models.Q(status="confirmed"),
                name="duty_record_confirmed_year",
            ),
        ]
        constraints = [
            # The same source fact is recorded once per member and kind: services may be
            # re-run (a scan, a retried task) without counting twice.
            models.UniqueConstraint(
                fields=["member", "kind", "content_type", "object_id"],
                condition=~models.Q(object_id=""),
                name="duty_record_unique_source",
            )
        ]

    def __str__(self) -> str:
        # As the audit log and every page write a date: 2026年11月30日 白兴和 视察调研.
        return f"{chinese_date(self.date)} {self.member} {self.get_kind_display()}"


class EntryAttachment(StoredFile):
    """A file supporting a hand-entered duty record (佐证材料: a photo of the activity, a
    signed sign-in sheet), kept in private storage (core.uploads, policy "evidence") and
    served through core.files to whoever may see the record's member file."""

    record = models.ForeignKey(DutyRecord, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=RandomName("duty"), storage=private_storage)

    class Meta(StoredFile.Meta):
        verbose_name = _("履职佐证材料")
        verbose_name_plural = _("履职佐证材料")


class ScoreRule(models.Model):
    """Points per unit of one duty kind in one organisation and year, with an optional cap
    on the points the kind can earn a member in that year. Edited by the office."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="duty_score_rules"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类别"), max_length=40, choices=DutyKind.choices)
    points = models.DecimalField(_("每项分值"), max_digits=6, decimal_places=2)
    cap = models.DecimalField(_("年度上限"), max_digits=6, decimal_places=2, null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("履职计分规则")
        verbose_name_plural = _("履职计分规则")
        ordering = ["organisation", "year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "kind"], name="duty_score_rule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()}"


class DisciplineCase(models.Model):
    """A member flagged by a discipline rule (C5.11). A person decides what follows."""

    class Rule(models.TextChoices):
        ABSENCE_REMINDER = "absence_reminder", _("无故缺席全体会议（提醒谈话）")
        ABSENCE_WARNING = "absence_warning", _("多次无故缺席全体会议（警告并建议撤销资格）")
        NO_CONTRIBUTION = "no_contribution", _("连续两年未提交提案和社情民意信息")
        LOW_SCORE = "low_score", _("连续两年考核不称职")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        REMINDED = "reminded", _("已提醒谈话")
        WARNED = "warned", _("已警告")
        REVOCATION_PROPOSED = "revocation_proposed", _("已建议撤销委员资格")
        DISMISSED = "dismissed", _("不予处理")

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="discipline_cases"
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="discipline_cases"
    )
    rule = models.CharField(_("事由"), max_length=30, choices=Rule.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    facts = models.CharField(_("情况"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    decision_note = models.TextField(_("处理意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("履职纪律事项")
        verbose_name_plural = _("履职纪律事项")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "rule", "year"], name="discipline_case_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_rule_display()}"


class ExitProposal(models.Model):
    """A pending exit (C5.10) opened by a discipline decision (C5.11): the proposal to revoke
    a member's seat waits for the chairman's meeting. Nothing changes on the seat until the
    office records the meeting's confirmation, which ends the seat through the members'
    exit service (`membership_revoke`), with its own audit event; a declined proposal
    leaves the seat as it was."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待主席会议确认")
        CONFIRMED = "confirmed", _("主席会议已确认")
        DECLINED = "declined", _("主席会议未同意")

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="exit_proposals"
    )
    membership = models.ForeignKey(
        "members.Membership",
        verbose_name=_("委员任职"),
        on_delete=models.PROTECT,
        related_name="exit_proposals",
    )
    case = models.OneToOneField(
        DisciplineCase,
        verbose_name=_("履职纪律事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exit_proposal",
    )
    reason = models.CharField(_("建议理由"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("主席会议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = models.DateField(_("主席会议日期"), null=True, blank=True)
    decision_note = models.TextField(_("会议意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("撤销委员资格建议")
        verbose_name_plural = _("撤销委员资格建议")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # One open exit step per seat at a time.
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(status="pending"),
                name="exit_proposal_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership.member} {self.get_status_display()}"


class Certificate(models.Model):
    """A printed certificate of participation (参加政协活动证明), checkable on the portal."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="duty_certificates"
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="duty_certificates"
    )
    code = models.CharField(_("验证码"), max_length=16, unique=True)
    start_date = models.DateField(_("起始日期"))
    end_date = models.DateField(_("截止日期"))
    activity_count = models.PositiveIntegerField(_("活动次数"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("参加政协活动证明")
        verbose_name_plural = _("参加政协活动证明")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.code


# The commendation rounds (C5.8) live in their own module; imported here so Django sees them.
from .award_models import Award, AwardType, Commendation  # noqa: E402, F401
