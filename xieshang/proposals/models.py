"""Proposals (提案): submission, review, assignment, handling, answers, evaluation.

Deadlines and written feedback of the departments go through the follow-up engine
(`followups.Task`): every assignment owns one task; this app adds what is proposal-specific
(contacts with the proposer, the answer letter with its outcome category, ratings).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xieshang.core.models import ChoiceLabels, StoredFile, Tracked
from xieshang.core.uploads import RandomName, private_storage


class Proposal(Tracked):
    class Kind(models.TextChoices):
        PLENARY = "plenary", _("大会提案")
        INTERIM = "interim", _("平时提案")

    class ProposerType(models.TextChoices):
        MEMBER = "member", _("委员个人")
        JOINT = "joint", _("委员联名")
        SECTOR = "sector", _("界别")
        GROUP = "group", _("委员小组")
        PARTY = "party", _("党派团体")
        COMMITTEE = "committee", _("专门委员会")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        COSIGNING = "cosigning", _("待联名确认")
        SUBMITTED = "submitted", _("待审查")
        # The review's outcomes read as states, not as the reviewer's buttons (the same
        # Chinese word is both): "Rejected", not "Reject", in English (context "review
        # outcome", shared with the figures' columns and charts).
        RETURNED = "returned", pgettext_lazy("review outcome", "退回修改")
        ACCEPTED = "accepted", _("已立案")
        MERGED = "merged", pgettext_lazy("review outcome", "并案")
        TO_OPINION = "to_opinion", pgettext_lazy("review outcome", "转意见建议")
        TO_INFO = "to_info", pgettext_lazy("review outcome", "转社情民意")
        REJECTED = "rejected", pgettext_lazy("review outcome", "不予立案")
        ASSIGNED = "assigned", _("办理中")
        ANSWERED = "answered", _("已答复")
        CLOSED = "closed", _("已办结")

    class KeyStatus(models.TextChoices):
        NONE = "", _("否")
        SHORTLISTED = "shortlisted", _("拟定重点提案")
        APPROVED = "approved", _("重点提案")

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="proposals"
    )
    session = models.ForeignKey(
        "orgs.Session",
        verbose_name=_("会次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices, default=Kind.INTERIM)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    serial = models.PositiveIntegerField(_("编号"), null=True, blank=True)
    number = models.CharField(_("提案号"), max_length=60, blank=True, db_index=True)
    title = models.CharField(_("案由"), max_length=120)
    facts = models.TextField(_("现状与问题"), blank=True)
    analysis = models.TextField(_("原因分析"), blank=True)
    suggestions = models.TextField(_("具体建议"), blank=True)
    # One of the organisation's configured categories (rules.CATEGORIES), kept as its label:
    # renaming the list later does not rewrite the proposals filed under the old names.
    category = models.CharField(_("提案分类"), max_length=30, blank=True)
    suggested_department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("建议主办单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposer_type = models.CharField(
        _("提出方式"), max_length=12, choices=ProposerType.choices, default=ProposerType.MEMBER
    )
    first_proposer = models.ForeignKey(
        "members.Member",
        verbose_name=_("第一提案人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="first_proposals",
    )
    proposer_body = models.CharField(_("提案单位"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    review_due = models.DateField(_("审查期限"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    review_note = models.TextField(_("审查意见"), blank=True)
    reject_reason = models.CharField(_("不予立案理由"), max_length=100, blank=True)
    returned_count = models.PositiveSmallIntegerField(default=0)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入提案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_proposals",
    )
    is_public_interest = models.BooleanField(_("涉及公共利益，可公开"), default=True)
    proposer_opt_out = models.BooleanField(_("提案人不同意公开"), default=False)
    office_withheld = models.BooleanField(_("不予公开"), default=False)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    key_status = models.CharField(
        _("重点提案"), max_length=12, choices=KeyStatus.choices, default="", blank=True
    )
    leading_leader = models.CharField(_("领办领导"), max_length=50, blank=True)
    rehandled = models.BooleanField(_("已重新办理"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("提案")
        verbose_name_plural = _("提案")
        ordering = ["-year", "serial", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "kind", "serial"],
                condition=models.Q(serial__isnull=False),
                name="proposal_unique_serial",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            # The lists' order: a page is read off this index, whatever the scope's size.
            models.Index(fields=["-year", "-submitted_at", "-id"], name="proposal_list_order"),
            # A search by number ("第0146号") looks the serial up here, then the series.
            models.Index(fields=["serial"], name="proposal_serial"),
            # The portal's list of published answers, newest first, and its count: read off
            # this index alone (a province's were sorted in full for every page, 270 ms).
            # Its condition is portal.selectors.published_proposals()'s filter: change both.
            models.Index(
                fields=["-published_at", "-id"],
                name="proposal_published",
                # The status as two equalities, not IN: PostgreSQL writes an IN over
                # varchar back with casts that read differently once re-created (the bulk
                # load sets indexes aside and restores them from their definitions).
                condition=models.Q(
                    models.Q(status="answered") | models.Q(status="closed"),
                    published_at__isnull=False,
                    is_public_interest=True,
                    proposer_opt_out=False,
                    office_withheld=False,
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title

    def get_absolute_url(self) -> str:
        return f"/proposals/{self.pk}/"

    @property
    def body_length(self) -> int:
        return len(self.facts) + len(self.analysis) + len(self.suggestions)

    @property
    def full_text(self) -> str:
        return "\n".join(filter(None, [self.title, self.facts, self.analysis, self.suggestions]))

    @property
    def is_key(self) -> bool:
        return self.key_status == self.KeyStatus.APPROVED


# The statistics' groups of states, shared by the figures, the roll-up tree and the list's
# state filter so that their counts agree. 收到: submitted at least once, i.e. not these.
NOT_RECEIVED = [Proposal.Status.DRAFT, Proposal.Status.COSIGNING]
# 立案: every proposal that passed review as accepted, whatever happened to it afterwards.
ACCEPTED_OR_LATER = [
    Proposal.Status.ACCEPTED,
    Proposal.Status.ASSIGNED,
    Proposal.Status.ANSWERED,
    Proposal.Status.CLOSED,
]


class Signer(ChoiceLabels):
    """A co-signer (联名提案人). The joint proposal counts only once each has confirmed."""

    class Status(models.TextChoices):
        INVITED = "invited", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        DECLINED = "declined", _("已谢绝")
        WITHDRAWN = "withdrawn", _("已撤回邀请")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="signers")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    responded_at = models.DateTimeField(null=True, blank=True)
    # When the invitation went out (the draft's submission), and when the co-signer was
    # reminded of it, once (`services.cosign_remind`).
    invited_at = models.DateTimeField(_("邀请时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("联名提案人")
        verbose_name_plural = _("联名提案人")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "member"], name="signer_unique_member")
        ]

    def __str__(self) -> str:
        return str(self.member)


class Attachment(StoredFile):
    """附件 of a proposal (supporting material), served through core.files after
    `policies.can_view` of the proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=RandomName("proposals"), storage=private_storage)

    class Meta(StoredFile.Meta):
        verbose_name = _("提案附件")
        verbose_name_plural = _("提案附件")


# The statuses of a department's part that handles its proposal (or handled it: answered).
LIVE = ["handling", "answered"]


class AssignmentQuerySet(models.QuerySet):
    def handling(self):
        """The assignments that handle their proposal, as the files name them (the proposals
        list's 承办单位, the figures' 提案清单): not a department the proposal was handed on
        from (改交), nor a co-handler whose part ended with the proposal's return (both
        已改交); the lead and split departments (主办, 分办) first, then the co-handlers
        (协办), each in the order they were assigned.

        Each department once, by its part in the latest round it took part in: after 重新办理
        the lead of round 1 (已答复) is not listed beside its round-2 part, while a co-handler,
        whose view stays with the proposal though re-handling reopens only the answering
        parts, still is. A department that sent its part back (申请退回) or whose part was
        not handed on (不再改交) no longer handles it: it is left out, as 已改交 is. A
        co-handler whose part ended with 办结 before it sent its view was assigned all the
        same, and is listed."""
        later = Assignment.objects.filter(
            proposal=models.OuterRef("proposal"),
            department=models.OuterRef("department"),
            round__gt=models.OuterRef("round"),
            status__in=LIVE,
        )
        return (
            self.filter(
                models.Q(status__in=LIVE)
                | models.Q(role=Assignment.Role.CO, status=Assignment.Status.CLOSED)
            )
            .exclude(models.Exists(later))
            .order_by(
                models.Case(
                    models.When(role=Assignment.Role.CO, then=models.Value(1)),
                    default=models.Value(0),
                ),
                "id",
            )
        )


class Assignment(ChoiceLabels):
    """交办: one department's part in handling a proposal, with its follow-up task."""

    objects = AssignmentQuerySet.as_manager()

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        CO = "co", _("协办")
        SPLIT = "split", _("分办")

    class Status(models.TextChoices):
        HANDLING = "handling", _("办理中")
        RETURNED = "returned", _("申请退回")
        WITHDRAWN = "withdrawn", _("已改交")
        # A split part sent back that the proposal committee decided not to hand on (不再改交,
        # `services.returned_part_close`), or that went back with the whole proposal; a
        # co-handler's part the proposal was closed without (`services.proposal_close`).
        CLOSED = "closed", _("不再改交")
        ANSWERED = "answered", _("已答复")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(
        "orgs.Department", on_delete=models.PROTECT, related_name="proposal_assignments"
    )
    role = models.CharField(_("办理方式"), max_length=8, choices=Role.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.HANDLING
    )
    task = models.OneToOneField(
        "followups.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    return_reason = models.TextField(_("退回理由"), blank=True)
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    # 联系提案人时限: the day by which the department should have contacted the proposers,
    # counted when the assignment opens (rules.CONTACT_DAYS working days after it, by
    # core.calendar), as a follow-up task's due date is: a later change of the rule does not
    # move it. None on assignments made before it was kept (the pages count it then).
    contact_due = models.DateField(_("联系提案人期限"), null=True, blank=True)
    # The contact-by date the department was reminded of (`services.contact_remind`, once per
    # date, claimed as a follow-up task's reminder is): None until then.
    contact_reminded_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        ordering = ["proposal", "role", "id"]
        constraints = [
            # One live assignment per department and round: two clerks assigning at once
            # cannot both succeed.
            models.UniqueConstraint(
                fields=["proposal", "department", "round"],
                condition=models.Q(status__in=["handling", "answered"]),
                name="assignment_unique_live",
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal} → {self.department} ({self.get_role_display()})"

    @property
    def contacts_proposers(self) -> bool:
        """Whether this department must contact the proposers (联系提案人): the lead and the
        split departments, which answer them; a co-handler (协办) gives its view to the lead
        and is not asked to (services.contacts reminds the same roles)."""
        return self.role in (self.Role.LEAD, self.Role.SPLIT)

    def get_status_display(self) -> str:
        # WITHDRAWN is both a split part handed on (改交, `assignment_reassign`) and a
        # co-handler's part ended because the proposal went back to the committee
        # (`_withdraw_co_handlers`); only split parts are ever handed on, so the role tells
        # them apart, and a co-handler is not said to have been 改交 when nothing was.
        if self.status == self.Status.WITHDRAWN and self.role == self.Role.CO:
            return str(_("已撤销"))
        # CLOSED for a co-handler: the proposal was closed (办结) before it sent its view
        # (`proposal_close`); no split part was ever 不再改交 there.
        if self.status == self.Status.CLOSED and self.role == self.Role.CO:
            return str(_("协办意见未提出"))
        return super()._get_FIELD_display(self._meta.get_field("status"))


class Contact(models.Model):
    """The department's contact with the proposer (联系提案人): date and way."""

    class Way(models.TextChoices):
        PHONE = "phone", _("电话")
        VISIT = "visit", _("走访")
        MEETING = "meeting", _("面商")
        OTHER = "other", _("其他")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="contacts")
    date = models.DateField(_("联系日期"))
    way = models.CharField(_("联系方式"), max_length=10, choices=Way.choices)
    note = models.TextField(_("沟通情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("联系记录")
        verbose_name_plural = _("联系记录")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_way_display()}"


class AnswerQuerySet(models.QuerySet):
    def sent(self):
        """Answers that went to the proposers: the only ones anybody outside the answering
        department sees or counts (a clerk's answer waits for the leader's sign-off)."""
        return self.filter(sent_at__isnull=False)

    def awaiting_sign_off(self):
        """Answers waiting for the leader's sign-off (待签发): not sent, and not sent back to
        the clerk for revision (退回修改: those wait for the clerk)."""
        return self.filter(sent_at__isnull=True, sent_back_at__isnull=True)


class Answer(ChoiceLabels):
    """答复函: the department's answer letter, signed off by its responsible leader."""

    objects = AnswerQuerySet.as_manager()

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="answers")
    category = models.CharField(_("办理结果"), max_length=4)
    text = models.TextField(_("答复内容"))
    signed_by = models.CharField(_("签发领导"), max_length=50)
    contact_person = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=30)
    # The department's own document number (发文字号, e.g. 区住建函〔2026〕12号): given by
    # its registry, so entered by the clerk, not generated here.
    doc_number = models.CharField(_("发文字号"), max_length=60, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the answer went to the proposers. A clerk's answer waits (None) for the
    # department leader's sign-off; only sent answers are shown outside the department.
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    # 签发: the department leader's sign-off in the system, which sends a waiting answer
    # and opens the upload of the stamped, signed scan, the letter of record (正式答复函).
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    record_scan = models.FileField(
        _("正式答复函（盖章扫描件）"),
        upload_to=RandomName("answers"),
        storage=private_storage,
        blank=True,
    )
    # The uploader's file name, for the download; the stored name is random (core.uploads).
    record_scan_name = models.CharField(_("扫描件文件名"), max_length=255, blank=True)
    # 退回修改: the leader did not sign the waiting answer and sent it back to the clerk with
    # remarks. It waits for the clerk, not for the leader, until the clerk submits it again
    # (which clears these); every send-back stays in the audit trail.
    sent_back_at = models.DateTimeField(_("退回修改时间"), null=True, blank=True)
    sent_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("退回修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_back_note = models.TextField(_("修改意见"), blank=True)
    # Raised by every revision of a waiting answer (core.audit.save_versioned): a revision
    # or a sign-off made on a page showing an older text is refused, not applied.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("答复函")
        verbose_name_plural = _("答复函")
        ordering = ["answered_at", "id"]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.category}"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Evaluation(models.Model):
    """A proposer's rating of an answer: on the handling process and on the result."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evaluations")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    process = models.CharField(_("办理过程"), max_length=12, choices=Rating.choices)
    result = models.CharField(_("办理结果"), max_length=12, choices=Rating.choices)
    comment = models.TextField(_("意见"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("办理评价")
        verbose_name_plural = _("办理评价")
        constraints = [
            models.UniqueConstraint(fields=["answer", "member"], name="evaluation_unique_member")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_result_display()}"


class Supervision(models.Model):
    """督办 records of a key proposal: 协商座谈, 实地考察, 专题调研, 走访."""

    class Way(models.TextChoices):
        SYMPOSIUM = "symposium", _("协商座谈")
        FIELD = "field", _("实地考察")
        RESEARCH = "research", _("专题调研")
        VISIT = "visit", _("走访")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supervisions")
    date = models.DateField(_("日期"))
    way = models.CharField(_("方式"), max_length=10, choices=Way.choices)
    note = models.TextField(_("情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.proposal} · {self.get_way_display()}"


class SuggestionModel(models.Model):
    """An organisation's stored department-suggestion model (routing.py): built by the task
    worker from its assignment history, loaded by every process instead of rebuilt.
    `fingerprint` is that of its active units (names and remits) when it was built,
    `last_assignment` the newest assignment id on record then (a newer one makes it stale),
    `data` the term weights as zlib-compressed JSON."""

    organisation = models.OneToOneField(
        "orgs.Organisation", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    fingerprint = models.CharField(max_length=32)
    last_assignment = models.BigIntegerField(default=0)
    built_at = models.DateTimeField(default=timezone.now)
    data = models.BinaryField()

    def __str__(self) -> str:
        return f"{self.organisation_id} @ {self.built_at:%Y-%m-%d %H:%M}"


class FiguresSnapshot(models.Model):
    """A closed year's 办理统计 of one organisation, stored (figures_store.py): the page's
    figures (`export` false) or the Excel's (true, only for an organisation with committees
    below, whose file lists every unit rather than rolling them up), as `figures.figures`
    computed them at `counted_at`. `data` is empty once a change to what they count has
    invalidated them (signals, figures_store.invalidate), which also raises `generation`, so
    a fill computed meanwhile is not written over it; the nightly job counts them again."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    export = models.BooleanField(default=False)
    data = models.JSONField(null=True, blank=True)
    counted_at = models.DateTimeField(null=True, blank=True)
    generation = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "export"], name="figures_snapshot_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year}{' export' if self.export else ''}"
