"""Annual commendation rounds (C5.8): the office proposes awardees of the six award types
from the computed candidate lists, the chairman's meeting approves (or returns the list),
then the office publishes the list on the portal with a commendation decision (表彰决定).

Imported by `duty.models`; the rules and transitions are in `duty.awards`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xieshang.core.models import Tracked


class AwardType(models.TextChoices):
    # In the order of the clause (C5.8) and of the commendation decision.
    GROUP = "group", _("先进委员活动组")
    LEADER = "leader", _("优秀组长")
    MEMBER = "member", _("优秀政协委员")
    DEPARTMENT = "department", _("提案办理先进单位")
    PROPOSER = "proposer", _("优秀提案委员")
    HANDLER = "handler", _("先进承办个人")


class Commendation(Tracked):
    """One organisation's commendation round for one year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("拟定中")
        SUBMITTED = "submitted", _("待主席会议审定")
        RETURNED = "returned", _("主席会议退回")
        APPROVED = "approved", _("主席会议已审定")
        PUBLISHED = "published", _("已公布")

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="commendations"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)
    # The chairman's meeting's last word: its approval note or the reason it returned the list.
    decision_note = models.TextField(_("主席会议意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("年度表彰")
        verbose_name_plural = _("年度表彰")
        ordering = ["-year", "organisation_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="commendation_unique_year"
            )
        ]

    def __str__(self) -> str:
        return _("%(year)s年度表彰") % {"year": self.year}

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def settled_reason(self) -> str:
        """ "2026年度表彰名单已公布": why this round's year is closed (pages say it so)."""
        from .policies import settled_reason

        return settled_reason(self)


class Award(models.Model):
    """One proposed (and, once the round is approved, commended) awardee. The name and unit
    are copied from the records when proposed, so the published list and the decision stay
    as approved whatever is renamed later."""

    commendation = models.ForeignKey(Commendation, on_delete=models.CASCADE, related_name="awards")
    award_type = models.CharField(_("表彰类别"), max_length=12, choices=AwardType.choices)
    # Which record the candidate came from: "member:12", "group:3", "department:7", "user:40".
    ref = models.CharField(max_length=30)
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        "orgs.ActivityGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称或姓名"), max_length=100)
    unit = models.CharField(_("单位或界别"), max_length=100, blank=True)
    rule = models.CharField(_("入选依据"), max_length=300)
    reason = models.CharField(_("推荐理由"), max_length=300, blank=True)
    sort_key = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("表彰对象")
        verbose_name_plural = _("表彰对象")
        ordering = ["commendation", "award_type", "sort_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commendation", "award_type", "ref"], name="award_unique_ref"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_award_type_display()} {self.name}"
