"""Reads of the duty file: scores, grades and minimum duties, computed set-based."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.orgs import config

from . import rules
from .models import DutyKind, DutyRecord, ScoreRule


def ensure_rules(organisation, year: int) -> list[ScoreRule]:
    """The organisation's score table for `year`, created on first use from the previous
    year's table (or the SPEC defaults)."""
    existing = list(ScoreRule.objects.filter(organisation=organisation, year=year))
    have = {r.kind for r in existing}
    missing = [k for k in DutyKind.values if k not in have]
    if missing:
        previous = {
            r.kind: (r.points, r.cap)
            for r in ScoreRule.objects.filter(organisation=organisation, year=year - 1)
        }
        ScoreRule.objects.bulk_create(
            [
                ScoreRule(
                    organisation=organisation,
                    year=year,
                    kind=k,
                    points=previous.get(k, rules.DEFAULT_SCORES[k])[0],
                    cap=previous.get(k, rules.DEFAULT_SCORES[k])[1],
                )
                for k in missing
            ],
            ignore_conflicts=True,
        )
        existing = list(ScoreRule.objects.filter(organisation=organisation, year=year))
    order = {k: i for i, k in enumerate(DutyKind.values)}
    return sorted(existing, key=lambda r: order.get(r.kind, 99))


def grade_for(organisation, score: Decimal, thresholds: tuple | None = None) -> str:
    excellent, good, competent = thresholds or grade_thresholds(organisation)
    if score >= excellent:
        return _("优秀")
    if score >= good:
        return _("良好")
    if score >= competent:
        return _("称职")
    return _("不称职")


def grade_thresholds(organisation) -> tuple:
    return (
        config.get(organisation, rules.GRADE_EXCELLENT),
        config.get(organisation, rules.GRADE_GOOD),
        config.get(organisation, rules.GRADE_COMPETENT),
    )


def minimum_duty_labels(organisation) -> list[tuple[list[str], str]]:
    """Each minimum duty as (kinds, label), e.g. (["inspection"], "视察调研")."""
    labels = dict(DutyKind.choices)
    groups = config.get(organisation, rules.MINIMUM_DUTIES)
    return [(list(kinds), _("或").join(str(labels.get(k, k)) for k in kinds)) for kinds in groups]


@dataclass
class Score:
    member_id: int
    total: Decimal = Decimal(0)
    by_kind: dict = field(default_factory=dict)  # kind -> (quantity, points)
    grade: str = ""
    minimum: list = field(default_factory=list)  # [(label, met)]
    # The year is still running: `total` is the score so far and `grade` reads 进行中.
    provisional: bool = False
    # (excellent, good, competent) minimum scores the grade was read against.
    thresholds: tuple = ()

    @property
    def minimum_met(self) -> bool:
        return all(met for _label, met in self.minimum)


def year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def year_ended(year: int) -> bool:
    """Whether `year` is over on the product's clock (settings.TIME_ZONE, Beijing time by
    default). Only a finished year gets a grade or is judged by the yearly discipline
    rules: in November a member may still attend, propose and inspect."""
    return year < timezone.localdate().year


def scores(organisation, year: int, member_ids=None) -> dict[int, Score]:
    """Score, grade and minimum duties per member for one year: one aggregate query over
    confirmed records grouped by member and kind, joined in memory to the rule table."""
    table = {r.kind: r for r in ensure_rules(organisation, year)}
    start, end = year_range(year)
    qs = DutyRecord.objects.filter(
        organisation=organisation,
        status=DutyRecord.Status.CONFIRMED,
        date__gte=start,
        date__lte=end,
    )
    if member_ids is not None:
        qs = qs.filter(member_id__in=list(member_ids))
    rows = qs.values("member_id", "kind").annotate(qty=Sum("quantity"), n=Count("id"))
    result: dict[int, Score] = {}
    for mid in member_ids or []:
        result[mid] = Score(member_id=mid)
    for row in rows.order_by():
        score = result.setdefault(row["member_id"], Score(member_id=row["member_id"]))
        rule = table.get(row["kind"])
        points = (row["qty"] or 0) * (rule.points if rule else 0)
        if rule and rule.cap is not None and points > rule.cap:
            points = rule.cap
        score.by_kind[row["kind"]] = (row["qty"], points)
        score.total += points
    thresholds = grade_thresholds(organisation)
    minimum = minimum_duty_labels(organisation)
    provisional = not year_ended(year)
    for score in result.values():
        score.provisional = provisional
        score.thresholds = thresholds
        score.grade = (
            _("进行中") if provisional else grade_for(organisation, score.total, thresholds)
        )
        score.minimum = [
            (label, any(k in score.by_kind for k in kinds)) for kinds, label in minimum
        ]
    return result


def current_term(organisation):
    return organisation.terms.order_by("-number").first()


def evaluation_rows(organisation, year: int, sort: str = "score"):
    """Every seated member of the current term with score, grade and minimum duties."""
    from xieshang.members.models import Membership

    term = current_term(organisation)
    if term is None:
        return []
    memberships = list(
        Membership.objects.filter(term=term)
        .exclude(status__in=[Membership.Status.RESIGNED, Membership.Status.REVOKED])
        .select_related("member", "sector")
    )
    found = scores(organisation, year, [m.member_id for m in memberships])
    rows = [(m, found[m.member_id]) for m in memberships]
    if sort == "name":
        rows.sort(key=lambda r: (r[0].member.pinyin_key, r[0].member_id))
    else:
        rows.sort(key=lambda r: (-r[1].total, r[0].member.pinyin_key))
    return rows


def contributions_by_year(organisation, member_ids, years) -> dict[int, set[int]]:
    """member_id -> the years in which they submitted a proposal or social-conditions item."""
    kinds = [DutyKind.PROPOSAL_FIRST, DutyKind.PROPOSAL_COSIGNER, DutyKind.OPINION_SUBMITTED]
    out: dict[int, set[int]] = defaultdict(set)
    start, end = year_range(min(years))[0], year_range(max(years))[1]
    for mid, date in DutyRecord.objects.filter(
        organisation=organisation,
        member_id__in=list(member_ids),
        kind__in=kinds,
        status=DutyRecord.Status.CONFIRMED,
        date__gte=start,
        date__lte=end,
    ).values_list("member_id", "date"):
        out[mid].add(date.year)
    return out
