"""Social-conditions information (社情民意信息): one matter per item, from a member or a
body, edited by the office, published in a numbered bulletin (《社情民意》第N期), reported
upwards, adopted at some level and possibly instructed by a leader (批示).

A leader's instruction asks named departments or offices for written feedback: it is a
`followups.Instruction` (the one mechanism for every item sent to leaders, C4.7) with a
`followups.Task` per body, so reminders and escalation come from the one engine.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xieshang.core.models import Tracked


class AdoptionLevel(models.TextChoices):
    DISTRICT = "district", _("区级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")
    NATIONAL = "national", _("全国")


class Issue(models.Model):
    """One numbered issue of the bulletin, per organisation and year."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="opinion_issues"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("期号"))
    published_on = models.DateField(_("编发日期"))
    editor_note = models.CharField(_("编者按"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("社情民意期刊")
        verbose_name_plural = _("社情民意期刊")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "number"], name="opinion_issue_unique_number"
            )
        ]

    def __str__(self) -> str:
        return _("《社情民意》%(year)s年第%(n)s期") % {"year": self.year, "n": self.number}


class Opinion(Tracked):
    class SourceType(models.TextChoices):
        MEMBER = "member", _("委员")
        PARTY = "party", _("党派团体")
        SECTOR = "sector", _("界别")
        COMMITTEE = "committee", _("专门委员会")
        STAFF = "staff", _("机关工作人员")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        RETURNED = "returned", _("退回修改")
        REJECTED = "rejected", _("不予录用")
        ACCEPTED = "accepted", _("已录用待编发")
        PUBLISHED = "published", _("已编发")
        REPORTED = "reported", pgettext_lazy("opinion status", "已报送")
        # 合并: the same matter reported again; its authors join the item it went into.
        MERGED = "merged", _("已合并")

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="opinions"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("标题"), max_length=120)
    facts = models.TextField(_("基本情况"), blank=True)
    analysis = models.TextField(_("问题分析"), blank=True)
    suggestions = models.TextField(_("意见建议"))
    source_type = models.CharField(
        _("报送方式"), max_length=12, choices=SourceType.choices, default=SourceType.MEMBER
    )
    source_body = models.CharField(_("报送单位"), max_length=100, blank=True)
    authors = models.ManyToManyField(
        "members.Member", verbose_name=_("反映人"), blank=True, related_name="opinions"
    )
    proposal = models.OneToOneField(
        "proposals.Proposal",
        verbose_name=_("来源提案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opinion",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    review_note = models.TextField(_("审核意见"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入信息"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("录用时间"), null=True, blank=True)
    issue = models.ForeignKey(
        Issue,
        verbose_name=_("刊发期号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    # The highest CPPCC node the item has been reported to (None: not reported upwards).
    reported_to = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("报送上级政协"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_opinions",
    )
    reported_to_party = models.BooleanField(_("报送党委"), default=False)
    reported_to_government = models.BooleanField(_("报送政府"), default=False)
    reported_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    # Each office's own day (`reported_at` is the latest report, to whomever): a leader's
    # instruction recorded by that office is not dated before it (`services.instruction_earliest`).
    reported_to_party_at = models.DateTimeField(_("报送党委时间"), null=True, blank=True)
    reported_to_government_at = models.DateTimeField(_("报送政府时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Leaders' instructions on the item (followups.Instruction, C4.7).
    instructions = GenericRelation("followups.Instruction", related_query_name="opinion")

    class Meta:
        verbose_name = _("社情民意信息")
        verbose_name_plural = _("社情民意信息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/opinions/{self.pk}/"

    @property
    def body_length(self) -> int:
        return len(self.facts) + len(self.analysis) + len(self.suggestions)

    @property
    def full_text(self) -> str:
        return "\n".join(filter(None, [self.title, self.facts, self.analysis, self.suggestions]))


class Adoption(models.Model):
    """采用: a level took the item up, on its own (单独采用) or by forwarding it (转报)."""

    class Mode(models.TextChoices):
        STANDALONE = "standalone", _("单独采用")
        FORWARDED = "forwarded", _("转报")

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="adoptions")
    level = models.CharField(_("采用层级"), max_length=10, choices=AdoptionLevel.choices)
    mode = models.CharField(_("采用方式"), max_length=12, choices=Mode.choices)
    adopted_on = models.DateField(_("采用日期"))
    body = models.CharField(_("采用单位"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The optimistic lock of a correction (`services.adoption_update` / `adoption_void`).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("采用情况")
        verbose_name_plural = _("采用情况")
        ordering = ["adopted_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["opinion", "level", "mode"], name="opinion_adoption_unique_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.get_mode_display()}"
