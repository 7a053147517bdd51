"""Reads of the activity budgets, each with a fixed number of queries.

`year_sheet(organisation, year)` is the yearly sheet (年度经费预算执行表): the organisation's
own lines by category with planned, spent, balance and execution rate, and for a higher
node the totals of each CPPCC organisation directly below it (their whole subtree rolled
up). Spent is always the sum of the entries that are not voided.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from xieshang.orgs.models import Organisation

from . import policies
from .models import MONEY, BudgetLine, Category, SpendingEntry

ZERO = Decimal("0.00")


def _spent_subquery():
    total = (
        SpendingEntry.objects.filter(line=OuterRef("pk"), voided_at__isnull=True)
        .order_by()
        .values("line")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(
        Subquery(total, output_field=DecimalField(**MONEY)),
        Value(ZERO),
        output_field=DecimalField(**MONEY),
    )


def with_spent(qs: QuerySet) -> QuerySet:
    """Budget lines with `spent` annotated (one subquery, no row multiplication)."""
    return qs.annotate(spent=_spent_subquery())


def spent_of(line: BudgetLine) -> Decimal:
    found = (
        SpendingEntry.objects.filter(line=line, voided_at__isnull=True)
        .aggregate(total=Sum("amount"))
        .get("total")
    )
    return Decimal(found or ZERO)


def rate(spent: Decimal, planned: Decimal) -> Decimal | None:
    """Execution rate, spent / planned in per cent with one decimal; None when nothing was
    planned (a rate of a zero budget means nothing)."""
    if not planned:
        return None
    return (Decimal(spent) * 100 / Decimal(planned)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


@dataclass
class Figures:
    planned: Decimal = ZERO
    spent: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        return self.planned - self.spent

    @property
    def rate(self) -> Decimal | None:
        return rate(self.spent, self.planned)

    @property
    def over(self) -> bool:
        return self.spent > self.planned

    def add(self, planned, spent) -> None:
        self.planned += Decimal(planned or ZERO)
        self.spent += Decimal(spent or ZERO)


@dataclass
class Group:
    category: str
    label: str
    lines: list = field(default_factory=list)
    figures: Figures = field(default_factory=Figures)


@dataclass
class ChildRow:
    organisation: Organisation
    figures: Figures = field(default_factory=Figures)


@dataclass
class Sheet:
    organisation: Organisation
    year: int
    groups: list[Group]
    total: Figures
    children: list[ChildRow]
    grand_total: Figures  # own lines and every organisation below

    @property
    def over_count(self) -> int:
        return sum(1 for g in self.groups for line in g.lines if line.over)


def lines_of(organisation: Organisation, year: int) -> list[BudgetLine]:
    """The organisation's own lines of the year, targets and spent included (one query);
    each gets `balance`, `rate` and `over`."""
    lines = list(
        with_spent(BudgetLine.objects.filter(organisation=organisation, year=year))
        .select_related("activity", "training", "liaison_room")
        .order_by("category", "id")
    )
    for line in lines:
        _decorate(line)
    return lines


def _decorate(line: BudgetLine) -> BudgetLine:
    line.balance = line.planned - line.spent
    line.rate = rate(line.spent, line.planned)
    line.over = line.spent > line.planned
    return line


def children_totals(organisation: Organisation, year: int) -> list[ChildRow]:
    """Each CPPCC organisation directly below, with the totals of its whole subtree (three
    queries, whatever the size of the tree)."""
    children = list(
        Organisation.objects.filter(parent=organisation, level__in=policies.CPPCC_LEVELS).order_by(
            "sort_order", "path"
        )
    )
    if not children:
        return []
    below = BudgetLine.objects.filter(
        organisation__path__startswith=organisation.path, year=year
    ).exclude(organisation=organisation)
    planned = below.values("organisation__path").annotate(total=Sum("planned")).order_by()
    spent = (
        SpendingEntry.objects.filter(line__in=below.values("pk"), voided_at__isnull=True)
        .values("line__organisation__path")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    rows = [ChildRow(child) for child in children]

    def row_for(path: str) -> ChildRow | None:
        return next((r for r in rows if path.startswith(r.organisation.path)), None)

    for found in planned:
        row = row_for(found["organisation__path"])
        if row is not None:
            row.figures.add(found["total"], ZERO)
    for found in spent:
        row = row_for(found["line__organisation__path"])
        if row is not None:
            row.figures.add(ZERO, found["total"])
    return rows


def year_sheet(organisation: Organisation, year: int) -> Sheet:
    lines = lines_of(organisation, year)
    groups = {value: Group(value, str(label)) for value, label in Category.choices}
    total = Figures()
    for line in lines:
        group = groups[line.category]
        group.lines.append(line)
        group.figures.add(line.planned, line.spent)
        total.add(line.planned, line.spent)
    children = children_totals(organisation, year)
    grand = Figures(total.planned, total.spent)
    for row in children:
        grand.add(row.figures.planned, row.figures.spent)
    return Sheet(
        organisation=organisation,
        year=year,
        groups=[g for g in groups.values() if g.lines],
        total=total,
        children=children,
        grand_total=grand,
    )


def lines_for_target(**target) -> list[BudgetLine]:
    """The lines of one activity, training or liaison room, newest year first (one query),
    for the panel on the target's own page."""
    lines = list(
        with_spent(BudgetLine.objects.filter(**target))
        .select_related("organisation")
        .order_by("-year", "-id")
    )
    return [_decorate(line) for line in lines]


def entries_of(line: BudgetLine) -> QuerySet:
    return line.entries.select_related("created_by", "voided_by").order_by("date", "id")


def over_budget_count(user) -> int:
    """Lines over budget that the user may read, this year (the home card's badge)."""
    from django.db.models import F
    from django.utils import timezone

    from xieshang.core import access

    return (
        with_spent(access.scope(BudgetLine.objects.all(), user, policies.VIEW))
        .filter(year=timezone.localdate().year, spent__gt=F("planned"))
        .count()
    )
