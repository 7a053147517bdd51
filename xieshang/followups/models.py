"""The follow-up engine (跟踪督办): a body is asked for written feedback on something by a
due date counted in working days.

Written once and used by every module: a proposal to handle, a consultation outcome, a
leader's instruction (批示), a social-conditions report. The subject is any row (generic
relation); the engine knows deadlines, reminders, escalation, extensions and feedback, and
nothing about proposals.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core.files import file_url
from xieshang.core.models import ChoiceLabels
from xieshang.core.uploads import RandomName, private_storage
from xieshang.orgs.models import Role


class Task(ChoiceLabels):
    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("提案办理")
        CO_HANDLING = "co_handling", _("协办意见")
        OUTCOME = "outcome", _("协商成果反馈")
        INSTRUCTION = "instruction", _("领导批示落实")
        OPINION = "opinion", _("社情民意信息反馈")
        IMPLEMENTATION = "implementation", _("落实情况跟踪")
        OTHER = "other", _("其他督办事项")

    class Status(models.TextChoices):
        OPEN = "open", _("办理中")
        SUBMITTED = "submitted", _("已反馈")
        CLOSED = "closed", _("已办结")
        CANCELLED = "cancelled", _("已撤销")

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="followup_tasks"
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("事项"), max_length=200)
    request = models.TextField(_("办理要求"), blank=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followup_tasks",
    )
    # When the body asked is an office rather than a department (the Party committee
    # office, the government office), its users are found through this role.
    assignee_role = models.CharField(_("承办角色"), max_length=32, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    start_date = models.DateField(_("交办日期"))
    due_date = models.DateField(_("办理期限"), db_index=True)
    remind_days_before = models.PositiveSmallIntegerField(_("提前提醒（工作日）"), default=3)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    reminded_for = models.DateField(_("已提醒的期限"), null=True, blank=True)
    escalated_for = models.DateField(_("已升级督办的期限"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def assignee_display(self) -> str:
        """Who answers: the department, or the label of the role asked (never its code)."""
        if self.department_id:
            return str(self.department)
        try:
            return str(Role(self.assignee_role).label)
        except ValueError:
            return self.assignee_role

    @property
    def assignee_phrase(self):
        """Who answers, as a phrase parameter (`core.phrases`): the department's name, or
        the role's lazy label, read in the reader's language."""
        if self.department_id:
            return str(self.department)
        try:
            return Role(self.assignee_role).label
        except ValueError:
            return self.assignee_role

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.OPEN and self.due_date < today

    @property
    def was_on_time(self) -> bool | None:
        if self.submitted_at is None:
            return None
        return timezone.localtime(self.submitted_at).date() <= self.due_date


class Feedback(models.Model):
    """Written feedback (书面反馈) on a task: text and an optional document."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("反馈内容"))
    document = models.FileField(
        _("附件"),
        upload_to=RandomName("followups"),
        storage=private_storage,
        blank=True,
    )
    # The uploader's file name, for the download; the stored name is random (core.uploads).
    document_name = models.CharField(_("附件文件名"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("书面反馈")
        verbose_name_plural = _("书面反馈")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.task} · {self.created_at:%Y-%m-%d}"

    @property
    def download_url(self) -> str:
        return file_url(self, "document")


class Extension(models.Model):
    """A request to move a task's due date, decided by whoever the subject's module names
    (for proposals: the proposal committee). A request still pending when the task leaves
    OPEN (the feedback was sent, the task cancelled) is withdrawn (`services`): nobody
    decides it, `decided_at` is when it was withdrawn and `decision_note` says why."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已同意")
        REFUSED = "refused", _("未同意")
        WITHDRAWN = "withdrawn", _("已撤回")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("延期理由"))
    requested_due = models.DateField(_("申请延至"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    # A generated note (why it was withdrawn) as a phrase (`core.phrases`), shown in the
    # reader's language; `decision_note` keeps it in the site's language. Empty for a note
    # the decider typed, shown as typed.
    decision_phrase = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=models.Q(status="pending"),
                name="extension_one_pending_per_task",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} → {self.requested_due}"

    @property
    def shown_decision_note(self) -> str:
        from xieshang.core.phrases import shown

        return shown(self.decision_phrase, self.decision_note)


class LeaderLevel(models.TextChoices):
    DISTRICT = "district", _("区级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")
    NATIONAL = "national", _("全国")


class Instruction(models.Model):
    """批示 (C4.7): a leader's written instruction on any item sent to leaders (a key
    proposal, an inspection or research report, a consultation report, a social-conditions
    item). Each named department or office gets an INSTRUCTION task asking for written
    feedback. Which models may carry one is declared by their apps (followups.instructions)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="instructions"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    # The item's title when instructed: lists show it without fetching every item.
    item_title = models.CharField(_("批示事项"), max_length=200)
    leader = models.CharField(_("批示领导"), max_length=50)
    level = models.CharField(_("领导层级"), max_length=10, choices=LeaderLevel.choices)
    instructed_on = models.DateField(_("批示日期"), db_index=True)
    text = models.TextField(_("批示内容"))
    departments = models.ManyToManyField(
        "orgs.Department", verbose_name=_("落实单位"), blank=True, related_name="+"
    )
    # Offices asked to act (党委办公室, 政府办公室): role names, see Task.assignee_role.
    offices = models.JSONField(_("落实办公室"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The office that recorded it (its role: 政协办公室, 提案委员会, 党委办公室, 政府办公室) in
    # `organisation`, beside the clerk (`created_by`): `leader` is who gave it. Empty for
    # instructions recorded before it was kept.
    recorded_as = models.CharField(_("记录机关"), max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        ordering = ["instructed_on", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.leader} {self.instructed_on}"

    @property
    def recorded_as_label(self):
        try:
            return Role(self.recorded_as).label
        except ValueError:
            return ""


class Referral(models.Model):
    """上报 (C2.9): an item sent by a lower CPPCC node to its parent node, which adopts it
    (采用), merges it into its own bulletin (编入本级刊物), forwards it further up (转报: the
    next referral, one level up) or returns it with a reason (退回). Which items may go up is
    declared by their apps (followups.referrals); each adoption level is recorded on the
    item by its app (`after_adopt`)."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("已上报待处理")
        ADOPTED = "adopted", _("已采用")
        MERGED = "merged", _("已编入本级刊物")
        FORWARDED = "forwarded", _("已转报上级")
        RETURNED = "returned", _("已退回")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    # The item's title when sent: queues show it without fetching every item.
    item_title = models.CharField(_("上报事项"), max_length=200)
    from_organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("报送单位"),
        on_delete=models.PROTECT,
        related_name="referrals_sent",
    )
    to_organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("接收单位"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    # The level of the receiving node (orgs.Level), kept for the path and the adoption.
    level = models.CharField(_("层级"), max_length=16)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next"
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=State.choices, default=State.SUBMITTED, db_index=True
    )
    # The return reason, or the bulletin the item was merged into.
    note = models.CharField(_("说明"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("上报时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("上报")
        verbose_name_plural = _("上报")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["to_organisation", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.item_title}（{self.from_organisation} → {self.to_organisation}）"

    def get_level_display(self) -> str:
        from xieshang.orgs.models import Level

        return str(dict(Level.choices).get(self.level, self.level))
