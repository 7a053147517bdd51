"""Consultation (协商): topics, the annual plan and its approval chain, activities, outcomes.

A topic (议题) comes from one of five sources (C2.3) and carries a focus area (C2.1) and a
type (C2.2). The annual plan (年度协商计划) is drafted from topics and goes through the
approval chain of C2.4; each step's hand-over is kept as a `PlanVersion` snapshot, so any two
versions can be compared. Activities (协商活动) of every form (C2.8) record participants and
attendance; outcomes (协商成果) are tracked to closure through the decision procedure or the
follow-up engine (C2.7).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core.models import ChoiceLabels, StoredFile, Tracked
from xieshang.core.uploads import RandomName, private_storage


class TopicType(models.TextChoices):
    """The three functions of the CPPCC; the plan's democratic-supervision share is checked."""

    POLITICAL = "political", _("政治协商")
    SUPERVISION = "supervision", _("民主监督")
    DELIBERATION = "deliberation", _("参政议政")


class ActivityForm(models.TextChoices):
    """The forms of consultation the speech names (C2.8)."""

    PLENARY = "plenary", _("全体会议协商")
    STANDING = "standing", _("常委会会议协商")
    SPECIAL = "special", _("专题协商会")
    SYMPOSIUM = "symposium", _("协商座谈会")
    COUNTERPART = "counterpart", _("对口协商")
    PROPOSAL = "proposal", _("提案办理协商")
    SECTOR = "sector", _("界别协商")


# Plenary and standing-committee consultation do not count towards the special activities
# of C4.9.
NOT_SPECIAL_FORMS = frozenset({ActivityForm.PLENARY, ActivityForm.STANDING})


class FocusArea(models.Model):
    """One area of an organisation's taxonomy of consultation topics (C2.1)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="focus_areas"
    )
    name = models.CharField(_("领域名称"), max_length=50)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("重点领域")
        verbose_name_plural = _("重点领域")
        ordering = ["organisation", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="focus_area_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Topic(ChoiceLabels):
    class Source(models.TextChoices):
        PUBLIC = "public", _("社会征题")
        GRASSROOTS = "grassroots", _("群众出题")
        DEPARTMENT = "department", _("部门点题")
        CPPCC = "cppcc", _("政协集题")
        PARTY = "party", _("党委定题")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        OPEN = "open", _("议题库")
        MERGED = "merged", _("已合并")
        REJECTED = "rejected", _("未采纳")

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="consultation_topics"
    )
    title = models.CharField(_("议题名称"), max_length=100)
    description = models.TextField(_("议题说明"), blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, db_index=True)
    topic_type = models.CharField(
        _("议题类型"), max_length=16, choices=TopicType.choices, default=TopicType.POLITICAL
    )
    focus_area = models.ForeignKey(
        FocusArea,
        verbose_name=_("重点领域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="topics",
    )
    # Who proposed it, as written (a resident's name, a department, a committee, 区委).
    proposer_name = models.CharField(_("提出者"), max_length=100)
    proposer_member = models.ForeignKey(
        "members.Member",
        verbose_name=_("提出委员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposer_department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("提出单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    street = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("街道"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A resident's phone: personal data, shown only to the staff handling topics, and deleted
    # once the suggestion no longer needs it (consultation.privacy); then stamped here.
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    contact_phone_deleted_at = models.DateTimeField(_("号码删除时间"), null=True, blank=True)
    ticket = models.CharField(_("受理编号"), max_length=20, blank=True, db_index=True)
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # The check code given once to the resident with the ticket (portal.tickets), as a keyed
    # hash: the lookup page needs both.
    check_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    # The verdict of the portal's screening step at submission (portal.screening): held items
    # are marked for the moderator with the reasons; spam never reaches a public page.
    screen_held = models.BooleanField(_("待甄别"), default=False)
    screen_spam = models.BooleanField(_("疑似垃圾信息"), default=False, db_index=True)
    screen_reasons = models.JSONField(_("甄别理由"), default=list, blank=True)
    screen_score = models.PositiveIntegerField(default=0, editable=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入议题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_topics",
    )
    moderation_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    # When moderation accepted or rejected it, or it was merged into another topic.
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("提出时间"), default=timezone.now, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("协商议题")
        verbose_name_plural = _("协商议题")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status", "created_at"])]

    @property
    def screen_reason_labels(self) -> list[str]:
        """The screening reasons worded in the reader's language (stored as codes)."""
        from xieshang.portal.screening import reason_labels

        return reason_labels(self.screen_reasons)

    def __str__(self) -> str:
        # Where the topic is named on other pages (a picker, a plan item's choice), a number a
        # resident typed into the title is masked as on the topic's own staff page.
        from xieshang.core.pii import mask_numbers

        return mask_numbers(self.title)


class ConsultationPlan(Tracked):
    """年度协商计划: one per organisation and year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("起草中（政协办公室）")
        REVISION = "revision", _("会签修改（党委办、政府办）")
        REVIEW = "review", _("主席会议审议")
        APPROVAL = "approval", _("党委常委会审定")
        PUBLISHED = "published", _("已印发")

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="consultation_plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("计划名称"), max_length=100)
    preface = models.TextField(_("总体要求"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    approved_on = models.DateField(_("审定日期"), null=True, blank=True)
    doc_number = models.CharField(_("文号"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("年度协商计划")
        verbose_name_plural = _("年度协商计划")
        ordering = ["-year", "organisation"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="plan_unique_year")
        ]

    def __str__(self) -> str:
        return self.title


class PlanItem(models.Model):
    plan = models.ForeignKey(ConsultationPlan, on_delete=models.CASCADE, related_name="items")
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("来源议题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_items",
    )
    title = models.CharField(_("协商议题"), max_length=100)
    form = models.CharField(_("协商形式"), max_length=16, choices=ActivityForm.choices)
    topic_type = models.CharField(_("议题类型"), max_length=16, choices=TopicType.choices)
    focus_area = models.ForeignKey(
        FocusArea,
        verbose_name=_("重点领域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_items",
    )
    month = models.PositiveSmallIntegerField(_("计划月份"))
    lead_leader = models.CharField(_("牵头政协领导"), max_length=50)
    committee = models.ForeignKey(
        "orgs.Committee",
        verbose_name=_("承办专委会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    departments = models.ManyToManyField(
        "orgs.Department", verbose_name=_("参加部门"), blank=True, related_name="+"
    )
    # C4.3: activities organised together with democratic parties and the federation.
    co_organisers = models.ManyToManyField(
        "orgs.Party", verbose_name=_("联合举办党派团体"), blank=True, related_name="+"
    )
    is_key = models.BooleanField(_("重点协商活动"), default=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("计划事项")
        verbose_name_plural = _("计划事项")
        ordering = ["month", "sort_order", "id"]

    def __str__(self) -> str:
        return self.title


class PlanVersion(models.Model):
    """The plan as one step handed it to the next: a readable snapshot (header and items
    with display values), kept for ever and compared by `diff.plan_diff`."""

    plan = models.ForeignKey(ConsultationPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    status = models.CharField(_("环节"), max_length=12, choices=ConsultationPlan.Status.choices)
    snapshot = models.JSONField(default=dict)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("计划版本")
        verbose_name_plural = _("计划版本")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class PlanComment(models.Model):
    """A comment made on the plan by one of the bodies in the approval chain."""

    plan = models.ForeignKey(ConsultationPlan, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body_label = models.CharField(_("提出单位"), max_length=50)
    status = models.CharField(_("环节"), max_length=12, choices=ConsultationPlan.Status.choices)
    text = models.TextField(_("意见"))
    is_send_back = models.BooleanField(_("退回意见"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("计划修改意见")
        verbose_name_plural = _("计划修改意见")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:30]


class PartyPlan(models.Model):
    """年度政党协商计划 (C4.1): drafted by the Party office or the United Front department and
    sent to the CPPCC for its comments on topics, timing and who takes part."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("起草中")
        SENT = "sent", _("征求政协意见中")
        FINAL = "final", _("已定稿")

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="party_plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("计划名称"), max_length=100)
    body = models.TextField(_("计划内容"))
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("政党协商计划")
        verbose_name_plural = _("政党协商计划")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class PartyPlanComment(models.Model):
    plan = models.ForeignKey(PartyPlan, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("意见建议"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("政协意见建议")
        verbose_name_plural = _("政协意见建议")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:30]


class Activity(Tracked):
    """A consultation activity, for a plan item or ad hoc (a sector consultation, C4.12)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("筹备中")
        HELD = "held", _("已召开")

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="consultation_activities"
    )
    plan_item = models.ForeignKey(
        PlanItem,
        verbose_name=_("计划事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    title = models.CharField(_("活动名称"), max_length=100)
    form = models.CharField(_("协商形式"), max_length=16, choices=ActivityForm.choices)
    sector = models.ForeignKey(
        "orgs.Sector",
        verbose_name=_("界别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    co_organisers = models.ManyToManyField(
        "orgs.Party", verbose_name=_("联合举办党派团体"), blank=True, related_name="+"
    )
    date = models.DateField(_("活动日期"), db_index=True)
    place = models.CharField(_("地点"), max_length=100)
    agenda = models.TextField(_("议程"), blank=True)
    minutes = models.TextField(_("会议记录"), blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.PLANNED, db_index=True
    )

    class Meta:
        verbose_name = _("协商活动")
        verbose_name_plural = _("协商活动")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title


class Participant(models.Model):
    class Kind(models.TextChoices):
        MEMBER = "member", _("政协委员")
        DEPARTMENT_HEAD = "department_head", _("部门负责人")
        LEADER = "leader", _("受邀党政领导")

    class Attendance(models.TextChoices):
        INVITED = "invited", _("已邀请")
        ATTENDED = "attended", _("出席")
        EXCUSED = "excused", _("请假")
        ABSENT = "absent", _("缺席")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # An invited Party/government leader's platform account, chosen by the office: the one
    # account that reads the activity as this participant (consultation.policies). Name and
    # title stay what the page shows; a leader without a link reads nothing through it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("平台账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("单位及职务"), max_length=100, blank=True)
    attendance = models.CharField(
        _("出席情况"), max_length=10, choices=Attendance.choices, default=Attendance.INVITED
    )

    class Meta:
        verbose_name = _("参加人员")
        verbose_name_plural = _("参加人员")
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "member"],
                condition=models.Q(member__isnull=False),
                name="participant_unique_member",
            ),
            models.UniqueConstraint(
                fields=["activity", "user"],
                condition=models.Q(user__isnull=False),
                name="participant_unique_user",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Speech(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="speeches")
    speaker = models.CharField(_("发言人"), max_length=50)
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("发言题目"), max_length=100)
    text = models.TextField(_("发言内容"), blank=True)

    class Meta:
        verbose_name = _("协商发言")
        verbose_name_plural = _("协商发言")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Attachment(StoredFile):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("名称"), max_length=100)
    file = models.FileField(
        _("文件"), upload_to=RandomName("consultation"), storage=private_storage
    )

    class Meta(StoredFile.Meta):
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.name


class Outcome(Tracked):
    """协商成果. Outcomes of plan activities go through the decision procedure; others ask the
    named bodies for written feedback through the follow-up engine (C2.7)."""

    class Kind(models.TextChoices):
        MINUTES = "minutes", _("协商纪要")
        RECOMMENDATION = "recommendation", _("建议案")
        BULLETIN = "bulletin", _("协商专报")

    class Status(models.TextChoices):
        DRAFT = "draft", _("起草中")
        SUBMITTED = "submitted", _("已报送待决策")
        IN_DECISION = "in_decision", _("决策程序中")
        DECIDED = "decided", _("已决策")
        AWAITING_FEEDBACK = "awaiting_feedback", _("待书面反馈")
        CLOSED = "closed", _("已办结")

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="consultation_outcomes"
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("协商活动"), on_delete=models.PROTECT, related_name="outcomes"
    )
    kind = models.CharField(_("成果类型"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"))
    # The bodies asked for written feedback (non-plan outcomes).
    departments = models.ManyToManyField(
        "orgs.Department", verbose_name=_("反馈单位"), blank=True, related_name="+"
    )
    to_party_office = models.BooleanField(_("报党委办公室"), default=True)
    to_government_office = models.BooleanField(_("报政府办公室"), default=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    submitted_on = models.DateField(_("报送日期"), null=True, blank=True)
    decision = models.TextField(_("决策结果"), blank=True)
    decided_on = models.DateField(_("决策日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("协商成果")
        verbose_name_plural = _("协商成果")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultation:outcome", args=[self.pk])

    @property
    def is_plan_outcome(self) -> bool:
        return self.activity.plan_item_id is not None
