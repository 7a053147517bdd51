"""Residents' issues (民情事项, C2.11): what residents raise on community platforms, by the
portal, in person to a liaison officer or convener, or at a platform session, routed to
whoever can answer it and followed until the resident has an answer.

One model whatever the channel. The resident has no account: they follow their issue with a
ticket number and a check code (only a keyed hash of the code is stored). A department's
written answer comes through the one follow-up engine (`followups.Task`), never a second
deadline mechanism here.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core.models import ChoiceLabels


class ResidentIssue(ChoiceLabels):
    class Channel(models.TextChoices):
        PORTAL = "portal", _("公众平台")
        IN_PERSON = "in_person", _("走访收集")
        SESSION = "session", _("议事会提出")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待受理")
        ACCEPTED = "accepted", _("已受理")
        AGENDA = "agenda", _("已列入议事会")
        SETTLED = "settled", _("议事会协商解决")
        ROUTED = "routed", _("已转职能部门")
        ANSWERED = "answered", _("部门已答复")
        TOPIC = "topic", _("已转协商议题")
        OPINION = "opinion", _("已转社情民意")
        CLOSED = "closed", _("已答复办结")
        REJECTED = "rejected", _("不予受理")

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        DISSATISFIED = "dissatisfied", _("不满意")

    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所在街道/社区"),
        on_delete=models.PROTECT,
        related_name="resident_issues",
    )
    platform = models.ForeignKey(
        "platforms.Platform",
        verbose_name=_("协商议事平台"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident_issues",
    )
    # The session that has the issue on its agenda, or where it was settled.
    session = models.ForeignKey(
        "platforms.PlatformSession",
        verbose_name=_("议事会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident_issues",
    )
    ticket = models.CharField(_("受理编号"), max_length=20, unique=True)
    # Keyed hash of the check code (portal.tickets); the code itself is shown once.
    check_code_hash = models.CharField(max_length=64, editable=False)
    title = models.CharField(_("事项"), max_length=100)
    description = models.TextField(_("具体情况"))
    location = models.CharField(_("发生地点"), max_length=100, blank=True)
    channel = models.CharField(_("来源渠道"), max_length=12, choices=Channel.choices)
    resident_name = models.CharField(_("群众称呼"), max_length=30, blank=True)
    # Personal data: masked on every page and deleted N days after the issue closes.
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    phone_deleted_at = models.DateTimeField(_("号码删除时间"), null=True, blank=True)
    # What portal screening found (portal.screening.Verdict).
    screen_held = models.BooleanField(_("待人工审核"), default=False)
    screen_spam = models.BooleanField(_("疑似垃圾信息"), default=False, db_index=True)
    screen_reasons = models.JSONField(_("筛查理由"), default=list, blank=True)
    screen_score = models.IntegerField(_("筛查分值"), default=0)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resident_issues",
    )
    task = models.OneToOneField(
        "followups.Task",
        verbose_name=_("督办事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident_issue",
    )
    topic = models.ForeignKey(
        "consultation.Topic",
        verbose_name=_("协商议题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opinion = models.ForeignKey(
        "opinions.Opinion",
        verbose_name=_("社情民意信息"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The answer the resident sees on the lookup page (contacts stripped when shown).
    answer = models.TextField(_("答复内容"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    # Answers are published on the portal unless a triager withholds one (with a reason in
    # the audit trail), e.g. when the answer cannot be made anonymous by scrubbing.
    answer_public = models.BooleanField(_("答复公开"), default=True)
    rating = models.CharField(_("满意度"), max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=300, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    # The resident's rating of the first answer, kept when 重新办理 clears `rating` for the
    # new answer: the statistics count it (decisions.md: the first answer is what the
    # handler is assessed on; the rating after re-handling is shown beside it).
    first_rating = models.CharField(
        _("首次答复评价"), max_length=12, choices=Rating.choices, blank=True
    )
    # After a 不满意 rating of an answer (a department's, a direct reply, a session's
    # settlement) the triager either has it handled again once (重新办理; the rating moves
    # to the history and the resident rates the new answer) or keeps the answer and closes
    # it with a written reply.
    rehandled = models.BooleanField(_("已重新办理"), default=False)
    review_reply = models.TextField(_("对评价的答复"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("提出时间"), default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    routed_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    # Set when the issue reaches a final state; the phone is deleted N days after it.
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("民情事项")
        verbose_name_plural = _("民情事项")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        # Where the issue is named on other pages (a follow-up task, a picker), a number the
        # resident typed into the title is masked as on the issue's own staff page.
        from xieshang.core.pii import mask_numbers

        return f"{self.ticket} {mask_numbers(self.title)}"

    def get_absolute_url(self) -> str:
        return f"/residents/{self.pk}/"

    @property
    def answer_superseded(self) -> bool:
        """Handled again after a 不满意 rating and not yet answered again: the answer on the
        issue is the first one (原答复), kept for reading until the new one replaces it."""
        S = self.Status
        return self.rehandled and self.status in (S.ACCEPTED, S.AGENDA, S.ROUTED)

    @property
    def screen_reason_labels(self) -> list[str]:
        """The screening reasons worded in the reader's language (stored as codes)."""
        from xieshang.portal.screening import reason_labels

        return reason_labels(self.screen_reasons)

    @property
    def cppcc_id(self) -> int | None:
        """The CPPCC committee (the nearest district, city or province) above the issue's
        street or community: similar issues are compared across it (`residents.similarity`),
        since residents of two communities of one district often raise the same matter."""
        from xieshang.orgs.models import Level, Organisation

        if self.organisation_id is None:
            return None
        return (
            Organisation.objects.filter(
                pk__in=self.organisation.ancestor_ids(),
                level__in=[Level.DISTRICT, Level.CITY, Level.PROVINCE],
            )
            .order_by("-path")
            .values_list("pk", flat=True)
            .first()
        )


class ResidentSms(models.Model):
    """One text message to a resident about their issue, at most once per status.

    Residents have no account, so `core.notifications` (which sends to users) does not fit;
    this row is the same at-most-once claim for one number: pending → sending (claimed under
    the row lock) → sent, or failed and retried. The unique key makes queuing idempotent."""

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        SKIPPED = "skipped", _("无需发送")

    issue = models.ForeignKey(ResidentIssue, on_delete=models.CASCADE, related_name="sms")
    key = models.CharField(max_length=40)
    text = models.CharField(max_length=300)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("群众短信")
        verbose_name_plural = _("群众短信")
        constraints = [
            models.UniqueConstraint(fields=["issue", "key"], name="resident_sms_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.issue.ticket} · {self.key}"

    @property
    def reference(self) -> str:
        """Our id of the message, given to the provider as its client message id."""
        return f"xs-mq{self.pk}-sms"
