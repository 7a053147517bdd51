"""Activity budgets (C6.4 财政部门要保障委员教育培训、履职活动经费): what each CPPCC organisation
planned to spend in a year and what it spent, per activity, per liaison room and per training.

A `BudgetLine` belongs to a CPPCC organisation (province, city or district: the office of
that committee keeps the books) and a year. It is for one thing: a consultation activity,
a training (a meeting of the training kind) or a liaison room (for the year), or, when no
record exists for it, a free-text item with a category. What was spent is the sum of its
`SpendingEntry` rows that are not voided; a wrong entry is voided with a reason, never
deleted, so the books keep every figure that was ever entered.

Money is `Decimal` yuan with two places.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core.files import file_url
from xieshang.core.models import Tracked
from xieshang.core.uploads import RandomName, private_storage

MONEY = {"max_digits": 14, "decimal_places": 2}


class Category(models.TextChoices):
    ACTIVITY = "activity", _("活动经费")
    LIAISON_ROOM = "liaison_room", _("联络室经费")
    TRAINING = "training", _("教育培训经费")
    OTHER = "other", _("其他")


class BudgetLine(Tracked):
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("组织"),
        on_delete=models.PROTECT,
        related_name="budget_lines",
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    category = models.CharField(_("经费类别"), max_length=16, choices=Category.choices)
    # At most one of the three targets; none for a free-text item. Real foreign keys rather
    # than a generic relation: an activity with a budget cannot be deleted from under it,
    # and the yearly sheet reads every target in the same single query.
    activity = models.ForeignKey(
        "consultation.Activity",
        verbose_name=_("协商活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_lines",
    )
    training = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("学习培训"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_lines",
    )
    liaison_room = models.ForeignKey(
        "orgs.LiaisonRoom",
        verbose_name=_("委员联络室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_lines",
    )
    item = models.CharField(_("预算项目"), max_length=100)
    planned = models.DecimalField(_("预算金额（元）"), **MONEY)
    note = models.TextField(_("备注"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("经费预算")
        verbose_name_plural = _("经费预算")
        ordering = ["organisation__path", "year", "category", "id"]
        indexes = [models.Index(fields=["organisation", "year"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned__gte=0), name="budget_line_planned_not_negative"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(activity__isnull=True, training__isnull=True)
                    | models.Q(activity__isnull=True, liaison_room__isnull=True)
                    | models.Q(training__isnull=True, liaison_room__isnull=True)
                ),
                name="budget_line_one_target",
            ),
            # One line per activity and per training; a liaison room has one per year.
            models.UniqueConstraint(
                fields=["activity"],
                condition=models.Q(activity__isnull=False),
                name="budget_line_one_per_activity",
            ),
            models.UniqueConstraint(
                fields=["training"],
                condition=models.Q(training__isnull=False),
                name="budget_line_one_per_training",
            ),
            models.UniqueConstraint(
                fields=["liaison_room", "year"],
                condition=models.Q(liaison_room__isnull=False),
                name="budget_line_one_per_room_year",
            ),
        ]

    def __str__(self) -> str:
        return self.item

    def get_absolute_url(self) -> str:
        return f"/budgets/{self.pk}/"

    @property
    def target(self):
        return self.activity or self.training or self.liaison_room


class SpendingEntry(models.Model):
    """One payment charged to a budget line (支出记录), with its voucher (凭证号)."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="entries")
    date = models.DateField(_("支出日期"))
    amount = models.DecimalField(_("支出金额（元）"), **MONEY)
    purpose = models.CharField(_("用途"), max_length=200)
    voucher_no = models.CharField(_("凭证号"), max_length=50, blank=True)
    receipt = models.FileField(
        _("票据"), upload_to=RandomName("budgets"), storage=private_storage, blank=True
    )
    # The uploader's file name, for the download; the stored name is random (core.uploads).
    receipt_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作废人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("支出记录")
        verbose_name_plural = _("支出记录")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=Decimal("0")), name="spending_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.purpose}"

    @property
    def organisation(self):
        """The line's organisation, so audit events and file checks land in its scope."""
        return self.line.organisation

    @property
    def receipt_url(self) -> str:
        return file_url(self, "receipt")

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None
