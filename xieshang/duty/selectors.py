"""Reads of the duty file: scores, grades and minimum duties, computed set-based."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.text import reader_date
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
    values = config.get_keys([organisation], SCORE_SETTINGS[:3])[organisation.pk]
    return tuple(values[key] for key in SCORE_SETTINGS[:3])


# The settings a score is graded with, read in one query (config.get_keys).
SCORE_SETTINGS = (
    rules.GRADE_EXCELLENT,
    rules.GRADE_GOOD,
    rules.GRADE_COMPETENT,
    rules.MINIMUM_DUTIES,
)


def _minimum_labels(groups) -> list[tuple[list[str], str]]:
    labels = dict(DutyKind.choices)
    return [(list(kinds), _("或").join(str(labels.get(k, k)) for k in kinds)) for kinds in groups]


def minimum_duty_labels(organisation) -> list[tuple[list[str], str]]:
    """Each minimum duty as (kinds, label), e.g. (["inspection"], "视察调研")."""
    return _minimum_labels(config.get(organisation, rules.MINIMUM_DUTIES))


def _points(value) -> str:
    """A threshold as written in a band: 80 → "80", 79.50 → "79.5"."""
    value = Decimal(str(value)).normalize()
    return f"{value:f}"


@dataclass(frozen=True)
class Band:
    """A score band: from `low` (included) up to `high` (not included); None is open."""

    label: str
    low: Decimal | None
    high: Decimal | None

    def __contains__(self, total) -> bool:
        return (self.low is None or total >= self.low) and (self.high is None or total < self.high)


def score_bands(thresholds: tuple) -> list[Band]:
    """The four bands the grade thresholds (excellent, good, competent) cut the scores
    into, lowest first. Half-open, and labelled so: a score on a threshold (80) is in the
    band it opens (≥80且<90), never also in the one below — the chart on the evaluation
    page, the big screen and the Excel export read these same bands."""
    excellent, good, competent = (Decimal(str(t)) for t in thresholds)
    ex, go, co = _points(excellent), _points(good), _points(competent)
    return [
        Band(_("<%(b)s分") % {"b": co}, None, competent),
        Band(_("≥%(a)s且<%(b)s分") % {"a": co, "b": go}, competent, good),
        Band(_("≥%(a)s且<%(b)s分") % {"a": go, "b": ex}, good, excellent),
        Band(_("≥%(a)s分") % {"a": ex}, excellent, None),
    ]


def band_label(bands: list[Band], total) -> str:
    """The label of the band `total` falls in (exactly one)."""
    return next(band.label for band in bands if total in band)


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
    # Why the year's evaluation leaves this member out (`leave_out`), or "": then `grade`
    # reads 不参加考核, never a grade the evaluation page does not give.
    left_note: str = ""

    @property
    def minimum_met(self) -> bool:
        return all(met for _label, met in self.minimum)

    @property
    def not_assessed(self) -> bool:
        """Left out of the year's evaluation (`leave_out`): its minimum duties are not
        asked of the member, and the file and the report say so rather than 未完成."""
        return bool(self.left_note)


def year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def year_ended(year: int) -> bool:
    """Whether `year` is over on the product's clock (settings.TIME_ZONE, Beijing time by
    default). Only a finished year gets a grade or is judged by the yearly discipline
    rules: in November a member may still attend, propose and inspect."""
    return year < timezone.localdate().year


@dataclass
class _Basis:
    """What one organisation's scores of one year are worked out with."""

    table: dict  # kind -> (points per unit, cap or None)
    thresholds: tuple
    minimum: list  # [(kinds, label)]
    provisional: bool
    # (进行中, 优秀, 良好, 称职, 不称职) in the active language, translated once per call.
    grades: tuple = ()

    def add(self, score: Score, kind: str, qty) -> None:
        rule = self.table.get(kind)
        points = (qty or 0) * (rule[0] if rule else 0)
        if rule and rule[1] is not None and points > rule[1]:
            points = rule[1]
        score.by_kind[kind] = (qty, points)
        score.total += points

    def finish(self, score: Score) -> Score:
        score.provisional = self.provisional
        score.thresholds = self.thresholds
        running, excellent, good, competent, failing = self.grades
        total, (excellent_min, good_min, competent_min) = score.total, self.thresholds
        if self.provisional:
            score.grade = running
        elif total >= excellent_min:
            score.grade = excellent
        elif total >= good_min:
            score.grade = good
        elif total >= competent_min:
            score.grade = competent
        else:
            score.grade = failing
        done = score.by_kind.keys()
        score.minimum = [(label, not done.isdisjoint(kinds)) for kinds, label in self.minimum]
        return score


def _bases(organisations, year: int, tables: dict[int, dict]) -> dict[int, _Basis]:
    settings = config.get_keys(organisations, SCORE_SETTINGS)
    provisional = not year_ended(year)
    grades = (_("进行中"), _("优秀"), _("良好"), _("称职"), _("不称职"))
    return {
        org.pk: _Basis(
            table=tables[org.pk],
            thresholds=tuple(settings[org.pk][key] for key in SCORE_SETTINGS[:3]),
            minimum=_minimum_labels(settings[org.pk][rules.MINIMUM_DUTIES]),
            provisional=provisional,
            grades=grades,
        )
        for org in organisations
    }


def scores(organisation, year: int, member_ids=None) -> dict[int, Score]:
    """Score, grade and minimum duties per member for one year: one aggregate query over
    confirmed records grouped by member and kind, joined in memory to the rule table.
    Three queries whatever the number of members (the score table, the grading settings,
    the aggregate): one member's live score on their home page costs the same three."""
    table = {r.kind: (r.points, r.cap) for r in ensure_rules(organisation, year)}
    basis = _bases([organisation], year, {organisation.pk: table})[organisation.pk]
    start, end = year_range(year)
    qs = DutyRecord.objects.filter(
        organisation=organisation,
        status=DutyRecord.Status.CONFIRMED,
        date__gte=start,
        date__lte=end,
    )
    if member_ids is not None:
        member_ids = list(member_ids)
        qs = qs.filter(member_id__in=member_ids)
    rows = qs.values("member_id", "kind").annotate(qty=Sum("quantity"))
    result: dict[int, Score] = {}
    for mid in member_ids or []:
        result[mid] = Score(member_id=mid)
    for row in rows.order_by():
        score = result.setdefault(row["member_id"], Score(member_id=row["member_id"]))
        basis.add(score, row["kind"], row["qty"])
    for score in result.values():
        basis.finish(score)
    return result


def _rule_tables(org_ids, year: int) -> dict[int, dict]:
    """org id -> {kind: (points, cap)}: the table `ensure_rules` returns for each, read
    without writing (the year's rows, else the previous year's, else the SPEC defaults)."""
    found: dict[int, dict] = {pk: {} for pk in org_ids}
    rows = (
        ScoreRule.objects.filter(organisation_id__in=org_ids, year__in=[year - 1, year])
        .order_by("year")
        .values_list("organisation_id", "kind", "points", "cap")
    )
    for org_id, kind, points, cap in rows:
        found[org_id][kind] = (points, cap)
    return {
        pk: {kind: table.get(kind, rules.DEFAULT_SCORES[kind]) for kind in DutyKind.values}
        for pk, table in found.items()
    }


def scores_in_scope(organisation, year: int) -> dict[int, dict[int, Score]]:
    """The yearly evaluation of every seated member of every committee in `organisation`'s
    subtree (a province office: the province, its cities and their districts, ~35,000
    members): {committee id: {member id: Score}}, each committee's members scored against
    its own table and settings, exactly as `scores` does for one committee. Five queries
    whatever the size: the committees, the seats of their current terms, their score
    tables, their grading settings, and one aggregate over the year's confirmed records
    grouped by committee, member and kind."""
    from xieshang.members.models import Membership
    from xieshang.members.selectors import current_terms
    from xieshang.orgs.models import Organisation

    subtree = Organisation.objects.filter(path__startswith=organisation.path)
    committees = list(subtree)
    seats = (
        Membership.objects.filter(term__in=current_terms(subtree))
        .exclude(status__in=[Membership.Status.RESIGNED, Membership.Status.REVOKED])
        .values_list("term__organisation_id", "member_id")
    )
    result: dict[int, dict[int, Score]] = {}
    for org_id, mid in seats:
        result.setdefault(org_id, {})[mid] = Score(member_id=mid)
    committees = [org for org in committees if org.pk in result]
    if not committees:
        return {}
    ids = [org.pk for org in committees]
    bases = _bases(committees, year, _rule_tables(ids, year))
    start, end = year_range(year)
    rows = (
        DutyRecord.objects.filter(
            organisation_id__in=ids,
            status=DutyRecord.Status.CONFIRMED,
            date__gte=start,
            date__lte=end,
        )
        .values_list("organisation_id", "member_id", "kind")
        .annotate(qty=Sum("quantity"))
        .order_by()
    )
    for org_id, mid, kind, qty in rows.iterator(chunk_size=10_000):
        score = result[org_id].get(mid)
        if score is not None:  # a resigned or revoked member's records are not evaluated
            bases[org_id].add(score, kind, qty)
    for org_id, members in result.items():
        basis = bases[org_id]
        for score in members.values():
            basis.finish(score)
    return result


def current_term(organisation):
    return organisation.terms.order_by("-number").first()


def left_by(year: int, prefix: str = ""):
    """The seats resigned or revoked by the end of `year` (a Q, `prefix` for a relation):
    left out of that year's evaluation (`members.selectors.left_by`, which the members'
    own yearly reports use too)."""
    from xieshang.members.selectors import left_by as members_left_by

    return members_left_by(year, prefix)


def not_seated_in(year: int, prefix: str = ""):
    """The seats a year's evaluation leaves out: resigned or revoked by its end (`left_by`)
    or added (增补) after it (`members.selectors.not_seated_in`)."""
    from xieshang.members.selectors import not_seated_in as members_not_seated_in

    return members_not_seated_in(year, prefix)


def term_of_year(organisation, year: int):
    """The term whose members a year is evaluated for (`members.selectors.term_of_year`):
    the latest one begun by the year's last day, so a new term seated in January does not
    take over the year before; None for a year before the first term (no one to evaluate)."""
    from xieshang.members.selectors import term_of_year as members_term_of_year

    return members_term_of_year(organisation, year)


def first_term_year(organisation) -> int | None:
    """The year the committee's first term began (None when it has no term): an earlier
    year has no members to evaluate (`term_of_year` answers None for it): the evaluation
    names this year when it refuses an earlier one, and its year selector starts there."""
    from xieshang.members.selectors import first_term_year as members_first_term_year

    return members_first_term_year(organisation)


def report_years(organisation, year: int, *, first=...) -> tuple[range, int | None]:
    """A year-end page's year selector (this year and the four before it, none before the
    first term) and the first term's year when `year` lies before it (the page then says
    so instead of showing a table of zeros), else None. `first`: the first term's year
    when the caller has read it already."""
    if first is ...:
        first = first_term_year(organisation)
    this_year = timezone.localdate().year
    years = range(this_year, max(this_year - 5, (first or 0) - 1), -1)
    return years, first if first is not None and year < first else None


def left_seat(member, year: int, seat=None):
    """The member's seat in the year's term (`term_of_year`) when it was resigned or revoked
    by the year's end, or added after it (`not_seated_in`): the evaluation page leaves such
    a member out of the year. `seat`, when the caller has it, saves the look-up for a seat
    still held and begun by then (no query)."""
    from xieshang.members.models import Membership

    left = (Membership.Status.RESIGNED, Membership.Status.REVOKED)
    if seat is not None and seat.status not in left and not _began_after(seat, year):
        return None
    term = term_of_year(member.organisation, year)
    if term is None:
        return None
    return (
        Membership.objects.filter(member=member, term=term)
        .filter(not_seated_in(year))
        .select_related("term")
        .first()
    )


def _began_after(seat, year: int) -> bool:
    return seat.start_date is not None and seat.start_date > dt.date(year, 12, 31)


def leave_out(score: Score, seat, year: int) -> Score:
    """The file and the annual report of a member who left during `year`, or whose seat
    began after it (`left_seat`): the score of the records kept, but no grade, and the
    reason in words — the year's evaluation, its export and the commendation candidates
    leave the member out."""
    if seat is None:
        return score
    score.grade = _("不参加考核")
    score.provisional = False
    if _began_after(seat, year):
        score.left_note = _("%(date)s起任委员，不参加%(year)s年度考核。") % {
            "date": reader_date(seat.start_date),
            "year": year,
        }
        return score
    what = seat.get_status_display()
    if seat.status_changed_on:
        score.left_note = _("已于%(date)s%(what)s，不参加%(year)s年度考核。") % {
            "date": reader_date(seat.status_changed_on),
            "what": what,
            "year": year,
        }
    else:
        score.left_note = _("已%(what)s，不参加%(year)s年度考核。") % {"what": what, "year": year}
    return score


def evaluation_rows(organisation, year: int, sort: str = "score"):
    """Every member seated in the year's term (`term_of_year`) with score, grade and minimum
    duties; seats resigned or revoked by the year's end are left out (`left_by`)."""
    from xieshang.members.models import Membership

    term = term_of_year(organisation, year)
    if term is None:
        return []
    memberships = list(
        Membership.objects.filter(term=term)
        .exclude(not_seated_in(year))
        .select_related("member", "sector")
    )
    found = scores(organisation, year, [m.member_id for m in memberships])
    rows = [(m, found[m.member_id]) for m in memberships]
    rows.sort(key=lambda r: (_name_key(r[0].member, sort), r[0].member_id))
    if sort not in EVALUATION_NAME_SORTS:
        rows.sort(key=lambda r: -r[1].total)  # stable: equal scores stay in stroke order
    return rows


# The evaluation's name orders: `name` is the official one, by surname strokes (姓氏笔画), as
# the members list and the printed annual reports are; pinyin is the option.
EVALUATION_NAME_SORTS = ("name", "pinyin")


def _name_key(member, sort: str) -> str:
    return member.pinyin_key if sort == "pinyin" else member.stroke_key


def evaluation_sectors(rows) -> list:
    """The sectors of the evaluated seats, in the committee's order: the choices of the
    evaluation's 界别 filter, read from the rows already loaded (no query)."""
    found = {m.sector.pk: m.sector for m, _score in rows if m.sector is not None}
    return sorted(found.values(), key=lambda s: (s.sort_order, s.pk))


def filter_evaluation(rows, *, sector_id: int | None = None, unmet: bool = False) -> list:
    """The evaluation rows of one sector and/or of the members below the minimum duty
    requirements (未达到最低履职要求), in the order given: the page and its export."""
    return [
        (m, score)
        for m, score in rows
        if (sector_id is None or m.sector_id == sector_id) and not (unmet and score.minimum_met)
    ]


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


# Two texts this alike (`textsim.similarity`, 0–1) are the same matter told twice: a title
# with a word added or a number changed ("…河道整治" / "…河道整治工作" is 0.96), while another
# matter on the same day shares less ("…视察河道整治" / "…视察垃圾分类" is 0.67).
DUPLICATE_SIMILARITY = 0.8
# Evidence descriptions shorter than this ("见照片") say nothing about which fact they back.
DUPLICATE_EVIDENCE_CHARS = 10


def _same_matter(a, b) -> bool:
    """Whether two duty records of one member, kind and date tell the same fact: the same
    or a very similar 事项, or the same (not trivially short) evidence description."""
    from xieshang.textsim.similarity import similarity
    from xieshang.textsim.text import normalise

    if normalise(a.title) == normalise(b.title):
        return True
    evidence = normalise(a.evidence)
    if len(evidence.replace(" ", "")) >= DUPLICATE_EVIDENCE_CHARS and evidence == normalise(
        b.evidence
    ):
        return True
    return similarity(a.title, b.title) >= DUPLICATE_SIMILARITY


def duplicate_records(records) -> dict[int | None, list[DutyRecord]]:
    """疑似重复: for each of `records` (saved or not yet), the other records, pending or
    confirmed, of the same member, kind and date that tell the same matter (`_same_matter`),
    oldest first, keyed by the record's pk (None for an unsaved one). One query for all:
    the office's review list flags its rows, a report about to be sent warns its member.
    A returned record (未通过) counts nothing and is not one."""
    records = list(records)
    if not records:
        return {}
    candidates = defaultdict(list)
    for other in (
        DutyRecord.objects.filter(
            member_id__in={r.member_id for r in records},
            date__in={r.date for r in records},
            kind__in={r.kind for r in records},
            status__in=[DutyRecord.Status.PENDING, DutyRecord.Status.CONFIRMED],
        )
        .select_related("member")
        .order_by("created_at", "id")
    ):
        candidates[other.member_id, other.kind, other.date].append(other)
    return {
        r.pk: [
            other
            for other in candidates[r.member_id, r.kind, r.date]
            if other.pk != r.pk and _same_matter(r, other)
        ]
        for r in records
    }
