"""Nomination of members for a new term (换届) or a by-election (增补), C5.1–C5.3, C5.10.

A `NominationRound` of one committee holds the seats (名额) per sector and per category and
the `Candidate`s the two nominating departments put forward: Party members by the
organisation department (组织部), everyone else by the united front department (统战部).
A candidate is a new person (their particulars are kept on the row until the round is
confirmed, when the `members.Member` is created) or an existing member (继续提名). Confirming
the round seats every completed candidate in the target term in one transaction; for a new
term it also creates the `orgs.Term` and ends the old term's seats (届满) through the
members' exit service, so the history stays.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xieshang.core.models import Tracked
from xieshang.members.models import Category, Gender
from xieshang.orgs.models import Role


class RoundKind(models.TextChoices):
    NEW_TERM = "new_term", _("换届提名")
    BY_ELECTION = "by_election", _("增补提名")


class NominatingDepartment(models.TextChoices):
    """The two departments that nominate (C5.1); the values are the `orgs.Role`s they act in."""

    ORGANISATION = Role.ORGANISATION_DEPT.value, _("组织部")
    UNITED_FRONT = Role.UNITED_FRONT.value, _("统战部")


class NominationRound(Tracked):
    class Status(models.TextChoices):
        DRAFT = "draft", _("提名中")
        CONFIRMED = "confirmed", _("名单已确认")
        CANCELLED = "cancelled", _("已取消")

    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所属政协"),
        on_delete=models.PROTECT,
        related_name="nomination_rounds",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=RoundKind.choices)
    title = models.CharField(_("名称"), max_length=100)
    # The term the round starts from: for 换届 the term that ends, for 增补 the term that
    # gains the members.
    base_term = models.ForeignKey(
        "orgs.Term", verbose_name=_("当前届次"), on_delete=models.PROTECT, related_name="+"
    )
    # For 换届: when the new term starts (its seats date from then, the old ones end). For
    # 增补: the standing committee's vote; the seats start then, the list is confirmed from
    # then on. The reference date lies within the year up to it (`services.round_create`).
    effective_date = models.DateField(_("生效日期"))
    # Age limits are counted on this date.
    reference_date = models.DateField(_("年龄计算基准日"))
    note = models.TextField(_("说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    target_term = models.ForeignKey(
        "orgs.Term",
        verbose_name=_("新一届"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("委员提名工作")
        verbose_name_plural = _("委员提名工作")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open round per committee: two lists built at once would count seats twice.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status="draft"),
                name="nomination_round_one_open",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/nominations/{self.pk}/"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class SeatQuota(models.Model):
    """名额: how many seats a sector, or a category, has in the round."""

    round = models.ForeignKey(NominationRound, on_delete=models.CASCADE, related_name="quotas")
    sector = models.ForeignKey(
        "orgs.Sector",
        verbose_name=_("界别"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    category = models.CharField(_("联系类别"), max_length=32, choices=Category.choices, blank=True)
    seats = models.PositiveSmallIntegerField(_("名额"))

    class Meta:
        verbose_name = _("委员名额")
        verbose_name_plural = _("委员名额")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(sector__isnull=False) & models.Q(category=""))
                | (models.Q(sector__isnull=True) & ~models.Q(category="")),
                name="seat_quota_sector_or_category",
            ),
            models.UniqueConstraint(
                fields=["round", "sector"],
                condition=models.Q(sector__isnull=False),
                name="seat_quota_unique_sector",
            ),
            models.UniqueConstraint(
                fields=["round", "category"],
                condition=~models.Q(category=""),
                name="seat_quota_unique_category",
            ),
        ]

    def __str__(self) -> str:
        label = self.sector.name if self.sector_id else self.get_category_display()
        return f"{label} {self.seats}"


class Candidate(Tracked):
    class Status(models.TextChoices):
        NOMINATED = "nominated", _("已提名")
        COMPLETED = "completed", _("提名完成")
        WITHDRAWN = "withdrawn", _("已撤回")
        SEATED = "seated", _("已任委员")

    round = models.ForeignKey(NominationRound, on_delete=models.CASCADE, related_name="candidates")
    # An existing member put forward again (继续提名, C5.3); empty for a new person.
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("现任（原任）委员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    employer = models.CharField(_("工作单位及职务"), max_length=200, blank=True)
    education = models.CharField(_("学历"), max_length=20, blank=True)
    sector = models.ForeignKey(
        "orgs.Sector", verbose_name=_("界别"), on_delete=models.PROTECT, related_name="+"
    )
    party = models.ForeignKey(
        "orgs.Party", verbose_name=_("政治面貌"), on_delete=models.PROTECT, related_name="+"
    )
    # C3.5 categories, as `members.Category` values.
    categories = models.JSONField(_("联系类别"), default=list, blank=True)
    department = models.CharField(
        _("提名部门"), max_length=32, choices=NominatingDepartment.choices, editable=False
    )
    reason = models.TextField(_("提名理由"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.NOMINATED, db_index=True
    )
    stroke_key = models.CharField(max_length=255, db_index=True, editable=False, default="")
    # C5.2: the consultation with the candidate's democratic party or the 工商联.
    consulted_with = models.CharField(_("协商单位"), max_length=100, blank=True)
    consulted_on = models.DateField(_("协商日期"), null=True, blank=True)
    consultation_note = models.TextField(_("协商意见"), blank=True)
    consultation_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # C5.3: the CPPCC Party group's opinion on re-nominating a member, with the duty file
    # summary the product generated at the time (a snapshot: the file keeps growing).
    party_group_agrees = models.BooleanField(_("政协党组是否同意"), null=True, blank=True)
    party_group_opinion = models.TextField(_("政协党组意见"), blank=True)
    party_group_on = models.DateField(_("党组研究日期"), null=True, blank=True)
    party_group_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    duty_summary = models.JSONField(_("履职情况摘要"), default=dict, blank=True)
    seated_member = models.ForeignKey(
        "members.Member",
        verbose_name=_("委员档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("提名人选")
        verbose_name_plural = _("提名人选")
        ordering = ["stroke_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member"],
                condition=models.Q(member__isnull=False) & ~models.Q(status="withdrawn"),
                name="candidate_member_once_per_round",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/nominations/candidates/{self.pk}/"

    @property
    def organisation(self):
        """Audit events on a candidate are filed under the round's committee."""
        return self.round.organisation

    @property
    def is_continuing(self) -> bool:
        return self.member_id is not None

    @property
    def needs_consultation(self) -> bool:
        """C5.2: democratic-party members and non-public-economy people."""
        from xieshang.orgs.models import Party

        return self.party.kind == Party.Kind.DEMOCRATIC or Category.NON_PUBLIC_ECONOMY.value in (
            self.categories or []
        )

    @property
    def consultation_recorded(self) -> bool:
        return bool(self.consulted_on and self.consulted_with)

    @property
    def party_group_recorded(self) -> bool:
        return self.party_group_agrees is not None and bool(self.party_group_on)

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def category_labels(self) -> list[str]:
        labels = dict(Category.choices)
        return [str(labels.get(c, c)) for c in self.categories or []]
