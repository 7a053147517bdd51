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
    OPINION_ADOPTED = "opinion_adopted", _("社情民意信息被采用")
    OPINION_INSTRUCTED = "opinion_instructed", _("社情民意信息获领导批示")
    PLENARY_SPEECH = "plenary_speech", _("大会发言")
    INSPECTION = "inspection", _("视察调研")
    SECTOR_CONTACT = "sector_contact", _("联系界别群众")
    STUDIO = "studio", _("委员工作室、委员讲堂活动")
    PLENARY_ABSENCE_UNEXCUSED = "plenary_absence_unexcused", _("无故缺席全体会议")
    PLENARY_ABSENCE_EXCUSED = "plenary_absence_excused", _("请假缺席全体会议")
    ABSENCE_UNEXCUSED = "absence_unexcused", _("无故缺席其他会议活动")
    OTHER = "other", _("其他履职")


class DutyRecord(models.Model):
    class Source(models.TextChoices):
        SYSTEM = "system", _("系统记录")
        MANUAL = "manual", _("委员自报")

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
        indexes = [models.Index(fields=["organisation", "date", "kind"])]
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
        return f"{self.date} {self.member} {self.get_kind_display()}"
