"""Proposal figures (C4.6 target assessment, C4.2 key-proposal share) and their pages.

Two tables for an organisation (and everything below it) and a year:

- per department: assigned, answered, on time, contact rate, face-to-face rate,
  satisfaction on process and on result, outcome-category shares, re-handlings;
- per session (plenary proposals) and between sessions: received, review outcomes, key
  proposals and the share of them whose first proposer is from a democratic party or
  non-party, against the configurable target.

Every number comes from a few grouped queries (GROUP BY department / session), never a
query per row. For an organisation with committees below it (a province, a city) the page
lists its own departments (本级承办单位) and its own sessions in full and then one row per
committee directly below, that committee's whole subtree rolled up the way the roll-up page
does it (core.tree.rollup: one grouped query whatever the number of committees), linking
to that committee's own figures: a province's page is no heavier than a district's. The
Excel export keeps every department and every committee's sessions.

A handling unit's clerk or leader, who holds no `proposals.view`, gets the same figures for
its own unit only (`unit_figures`): the numbers it is assessed on (contact, face-to-face,
satisfaction, category shares), without any other unit's row, a total or the sessions.
Definitions (also shown under the tables):

- The counted assignments are the answering ones (lead and split, not co-handlers) that
  are live (not returned as the wrong department). "Assigned", "answered", "on time",
  "contacted" and "face to face" count the first round; "re-handled" counts later rounds.
- On time: the answer's follow-up task was submitted on or before its due date (after
  any approved extension).
- Satisfaction: (满意 + 基本满意) / ratings given, over every rating of the department's
  answers; category shares over every answer letter of the department.
- Per session, every received proposal (submitted at least once) is in exactly one of
  待审查 (waiting for the committee: the review queue), 立案 (accepted, whatever came
  after), 并案, 转意见建议, 转社情民意, 不予立案 and 退回修改 (with the proposer for
  revision now, not resubmitted): the row adds up to 收到. A proposal returned and
  submitted again is counted where it is now.
"""

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Count, Exists, ExpressionWrapper, F, OuterRef, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_safe

from xieshang.core import access, jobs, pickers, tree
from xieshang.core.excel import Book, append_row, xlsx_response
from xieshang.core.text import rate
from xieshang.core.years import closing_year
from xieshang.members.models import Membership
from xieshang.orgs import config
from xieshang.orgs.models import Level, Organisation, Party, ordinal

from .list_filters import ANSWERED, ANSWERING, BETWEEN_SESSIONS, LIVE, ON_TIME, OWN
from .models import (
    ACCEPTED_OR_LATER,
    NOT_RECEIVED,
    Answer,
    Assignment,
    Contact,
    Evaluation,
    Proposal,
    Rating,
)

KEY_NONPARTY_TARGET = config.define(
    "proposals.key_nonparty_target_percent",
    30,
    gettext_lazy("重点提案中民主党派、无党派人士提案占比目标（%）"),
    minimum=0,
    maximum=100,
)

S = Proposal.Status
POSITIVE = [Rating.SATISFIED, Rating.BASICALLY]
COMMITTEE_LEVELS = [Level.PROVINCE, Level.CITY, Level.DISTRICT]


def committees_below(organisation: Organisation) -> list[Organisation]:
    """The committees directly below (a province's cities, a city's districts) in the
    roll-up page's order; a district has none (streets hold no proposals), asked nothing."""
    if organisation.level not in (Level.PROVINCE, Level.CITY):
        return []
    return tree.child_nodes(organisation, level__in=COMMITTEE_LEVELS)


def outside(field: str, below) -> Q:
    """Rows whose `field` organisation is in none of the subtrees of `below`."""
    q = Q()
    for org in below:
        q &= ~Q(**{f"{field}__path__startswith": org.path})
    return q


# --- Per department --------------------------------------------------------------------


@dataclass
class DepartmentRow:
    department_id: int | None
    name: str
    organisation: str = ""
    assigned: int = 0
    answered: int = 0
    on_time: int = 0
    contacted: int = 0
    met: int = 0
    rehandled: int = 0
    rated: int = 0
    process_ok: int = 0
    result_ok: int = 0
    answers: int = 0
    categories: dict[str, int] = field(default_factory=dict)
    shares: list[float | None] = field(default_factory=list)  # in the order of the scheme
    # A committee below's row: its whole subtree (all its departments), linking to its page.
    committee: Organisation | None = None
    # The proposal list's filter giving this department's proposals (list_filters): the
    # year, the organisation as counted here and the department; none for a committee's
    # row, the total (a proposal split between two units is counted by each) and the export.
    list_filter: dict = field(default_factory=dict)

    @property
    def list_queries(self) -> dict[str, str]:
        """For 交办, 已答复 and 按时答复, the querystring of /proposals/ listing those
        proposals (a department answers a proposal once a round: one row each)."""
        if not self.list_filter:
            return {}
        return {
            "assigned": urlencode(self.list_filter),
            "answered": urlencode({**self.list_filter, "handled": "answered"}),
            "on_time": urlencode({**self.list_filter, "handled": "on_time"}),
        }

    @property
    def answered_rate(self):
        return rate(self.answered, self.assigned)

    @property
    def on_time_rate(self):
        return rate(self.on_time, self.assigned)

    @property
    def contact_rate(self):
        return rate(self.contacted, self.assigned)

    @property
    def meeting_rate(self):
        return rate(self.met, self.assigned)

    @property
    def process_rate(self):
        return rate(self.process_ok, self.rated)

    @property
    def result_rate(self):
        return rate(self.result_ok, self.rated)

    def category_shares(self, codes: list[str]) -> list[float | None]:
        return [rate(self.categories.get(code, 0), self.answers) for code in codes]

    def add(self, other: "DepartmentRow") -> None:
        for name in (
            "assigned",
            "answered",
            "on_time",
            "contacted",
            "met",
            "rehandled",
            "rated",
            "process_ok",
            "result_ok",
            "answers",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for code, n in other.categories.items():
            self.categories[code] = self.categories.get(code, 0) + n


def answering_scope(
    organisation: Organisation,
    year: int,
    prefix: str,
    *,
    own: bool = False,
    below=(),
    departments=None,
) -> Q:
    """The answering assignments (lead and split, handling or answered: not returned) of
    the year's proposals of `organisation` and every committee below it, or with `own` of
    its own proposals only, or without the subtrees of the committees `below`, and with
    `departments` (ids) those units' only; `prefix` is the path to the assignment from the
    queried model."""
    where = (
        {f"{prefix}proposal__organisation": organisation}
        if own
        else {f"{prefix}proposal__organisation__path__startswith": organisation.path}
    )
    if departments is not None:
        where[f"{prefix}department_id__in"] = list(departments)
    return outside(f"{prefix}proposal__organisation", below) & Q(
        **{
            **where,
            f"{prefix}proposal__year": year,
            f"{prefix}role__in": ANSWERING,
            f"{prefix}status__in": LIVE,
        }
    )


def _assignments(scope: Q):
    contacts = Contact.objects.filter(assignment=OuterRef("pk"))
    return Assignment.objects.filter(scope).annotate(
        has_contact=Exists(contacts),
        has_meeting=Exists(contacts.filter(way=Contact.Way.MEETING)),
    )


def _assignment_counts() -> dict:
    """The per-department counts over `_assignments` (the module's definitions)."""
    first = Q(round=1)
    return {
        "assigned": Count("pk", filter=first),
        "answered": Count("pk", filter=first & ANSWERED),
        "on_time": Count("pk", filter=first & ON_TIME),
        "contacted": Count("pk", filter=first & Q(has_contact=True)),
        "met": Count("pk", filter=first & Q(has_meeting=True)),
        "rehandled": Count("pk", filter=Q(round__gt=1)),
    }


def _rating_counts() -> dict:
    return {
        "rated": Count("pk"),
        "process_ok": Count("pk", filter=Q(process__in=POSITIVE)),
        "result_ok": Count("pk", filter=Q(result__in=POSITIVE)),
    }


def department_figures(
    organisation: Organisation, year: int, *, own: bool = False, below=(), departments=None
) -> list[DepartmentRow]:
    """One row per department with answering assignments in the year, by name (3 queries):
    of the proposals of `organisation` and every committee below it, or with `own` of its
    own proposals only (a committee commends the units that answered its members), or
    without those of the committees `below` and their subtrees (the page's 本级 rows); with
    `departments` (ids), those units' rows only."""
    scope = {"own": own, "below": below, "departments": departments}
    grouped = (
        _assignments(answering_scope(organisation, year, "", **scope))
        .values("department_id", "department__name", "department__organisation__name")
        .annotate(**_assignment_counts())
        .order_by()
    )
    rows = {
        g["department_id"]: DepartmentRow(
            department_id=g["department_id"],
            name=g["department__name"],
            organisation=g["department__organisation__name"],
            assigned=g["assigned"],
            answered=g["answered"],
            on_time=g["on_time"],
            contacted=g["contacted"],
            met=g["met"],
            rehandled=g["rehandled"],
        )
        for g in grouped
    }
    ratings = (
        Evaluation.objects.filter(
            answering_scope(organisation, year, "answer__assignment__", **scope)
        )
        .values("answer__assignment__department_id")
        .annotate(**_rating_counts())
        .order_by()
    )
    for g in ratings:
        row = rows.get(g["answer__assignment__department_id"])
        if row is not None:
            row.rated, row.process_ok, row.result_ok = g["rated"], g["process_ok"], g["result_ok"]
    answers = (
        Answer.objects.sent()
        .filter(answering_scope(organisation, year, "assignment__", **scope))
        .values("assignment__department_id", "category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for g in answers:
        row = rows.get(g["assignment__department_id"])
        if row is not None:
            row.categories[g["category"]] = g["n"]
            row.answers += g["n"]
    return sorted(rows.values(), key=lambda r: (r.organisation, r.name))


def committee_department_figures(
    organisation: Organisation, year: int, below: list[Organisation], codes: list[str]
) -> list[DepartmentRow]:
    """One row per committee `below` (directly below `organisation`): the department
    figures of its whole subtree added up, in 3 grouped queries (core.tree.rollup) whatever
    the number of committees and departments; answer letters counted for the scheme's
    `codes`."""
    if not below:
        return []
    field = "proposal__organisation"
    counts = tree.rollup(
        _assignments(answering_scope(organisation, year, "")),
        organisation,
        below,
        field=field,
        **_assignment_counts(),
    )
    ratings = tree.rollup(
        Evaluation.objects.filter(answering_scope(organisation, year, "answer__assignment__")),
        organisation,
        below,
        field=f"answer__assignment__{field}",
        **_rating_counts(),
    )
    letters = {f"code_{i}": Count("pk", filter=Q(category=code)) for i, code in enumerate(codes)}
    answers = tree.rollup(
        Answer.objects.sent().filter(answering_scope(organisation, year, "assignment__")),
        organisation,
        below,
        field=f"assignment__{field}",
        answers=Count("pk"),
        **letters,
    )
    rows = []
    for committee in below:
        sent = answers[committee.pk]
        rows.append(
            DepartmentRow(
                department_id=None,
                name=committee.name,
                committee=committee,
                **counts[committee.pk],
                **ratings[committee.pk],
                answers=sent["answers"],
                categories={code: sent[f"code_{i}"] for i, code in enumerate(codes)},
            )
        )
    return rows


def department_total(rows: list[DepartmentRow]) -> DepartmentRow:
    total = DepartmentRow(department_id=None, name=_("合计"))
    for row in rows:
        total.add(row)
    return total


@dataclass
class UnitFigures:
    """A handling unit's own figures for a year: one row per unit the user answers for
    (usually one), nothing of any other unit."""

    year: int
    categories: list[tuple[str, str]]
    departments: list[DepartmentRow]

    @property
    def category_codes(self) -> list[str]:
        return [code for code, _label in self.categories]


def category_labels(organisation) -> list[tuple[str, str]]:
    """The outcome categories as the figures, the work report and their exports show them:
    the default labels in the reader's language, an organisation's own as typed
    (`services.outcome_category_labels`)."""
    from .services import outcome_category_labels

    return list(outcome_category_labels(organisation).items())


def unit_figures(department_ids, year: int) -> UnitFigures:
    """The figures of the units `department_ids` (a clerk's or leader's own), each over the
    proposals of its organisation and below, as `department_figures` counts them (3 grouped
    queries an organisation): a unit with nothing assigned that year gets a row of zeros."""
    from xieshang.orgs.models import Department

    units = list(
        Department.objects.filter(pk__in=list(department_ids))
        .select_related("organisation")
        .order_by("organisation__path", "name")
    )
    by_org: dict[int, list] = {}
    for unit in units:
        by_org.setdefault(unit.organisation_id, []).append(unit)
    categories = category_labels(units[0].organisation) if units else []
    codes = [code for code, _label in categories]
    rows = []
    for org_units in by_org.values():
        organisation = org_units[0].organisation
        found = {
            r.department_id: r
            for r in department_figures(organisation, year, departments=[u.pk for u in org_units])
        }
        for unit in org_units:
            row = found.get(unit.pk) or DepartmentRow(
                department_id=unit.pk, name=unit.name, organisation=organisation.name
            )
            row.shares = row.category_shares(codes)
            rows.append(row)
    return UnitFigures(year=year, categories=categories, departments=rows)


# --- Per session -----------------------------------------------------------------------


@dataclass
class SessionRow:
    label: str
    organisation: str = ""
    received: int = 0
    pending: int = 0
    accepted: int = 0
    merged: int = 0
    to_opinion: int = 0
    to_info: int = 0
    rejected: int = 0
    returned: int = 0
    answered: int = 0  # accepted proposals with an answer (answered or closed)
    # pending: waiting for the committee's review; returned: with the proposer for revision.
    # With accepted … rejected they add up to received (see the module's definitions).
    key: int = 0
    key_nonparty: int = 0
    # A committee below's row: all its subtree's sessions, linking to its page.
    committee: Organisation | None = None
    # A session's (term number, session number), which its label is made from in the
    # reader's language; none for the between-session row, a committee's and the total.
    numbers: tuple[int, int] | None = None
    # The proposal list's filter giving the same proposals (list_filters), but the state:
    # the year and the row's organisation and session, or a committee's whole subtree.
    list_filter: dict = field(default_factory=dict)

    @property
    def list_queries(self) -> dict[str, str]:
        """For each count but the key proposals, the querystring of /proposals/ listing
        its proposals (the list's state, or its group for 收到 and 立案); none without a
        filter (the report's and the export's rows)."""
        if not self.list_filter:
            return {}
        return {
            name: urlencode({**self.list_filter, "status": status})
            for name, status in LIST_STATUS.items()
        }

    @property
    def key_nonparty_share(self):
        return rate(self.key_nonparty, self.key)

    def add(self, other: "SessionRow") -> None:
        for name in SESSION_COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


# A session row's count → the proposal list's state filter (selectors.STATUS_GROUPS).
LIST_STATUS = {
    "received": "received",
    "pending": S.SUBMITTED,
    "accepted": "accepted_all",
    "merged": S.MERGED,
    "to_opinion": S.TO_OPINION,
    "to_info": S.TO_INFO,
    "rejected": S.REJECTED,
    "returned": S.RETURNED,
}


def _nonparty_first_proposer(year: int) -> Q:
    """The proposal comes from a democratic party or non-party person (C4.2): its first
    proposer held a democratic-party or non-party seat in a term of the proposal's
    organisation running that year, or a democratic party proposed it as a body."""
    seat = Membership.objects.filter(
        member_id=OuterRef("first_proposer_id"),
        term__organisation_id=OuterRef("organisation_id"),
        party__kind__in=[Party.Kind.DEMOCRATIC, Party.Kind.NON_PARTY],
        term__start_date__lte=dt.date(year, 12, 31),
    ).filter(Q(term__end_date__isnull=True) | Q(term__end_date__gte=dt.date(year, 1, 1)))
    party_body = (
        Party.objects.filter(kind=Party.Kind.DEMOCRATIC)
        .exclude(short_name="")
        .annotate(body=ExpressionWrapper(OuterRef("proposer_body"), output_field=CharField()))
        .filter(body__contains=F("short_name"))
    )
    return Q(Exists(seat)) | (Q(proposer_type=Proposal.ProposerType.PARTY) & Q(Exists(party_body)))


SESSION_COUNTS = (
    "received",
    "pending",
    "accepted",
    "merged",
    "to_opinion",
    "to_info",
    "rejected",
    "returned",
    "answered",
    "key",
    "key_nonparty",
)


def _received(organisation: Organisation, year: int):
    return Proposal.objects.filter(
        organisation__path__startswith=organisation.path, year=year
    ).exclude(status__in=NOT_RECEIVED)


def _session_counts(year: int) -> dict:
    """The per-session counts over `_received` (the module's definitions)."""
    key = Q(key_status=Proposal.KeyStatus.APPROVED)
    return {
        "received": Count("pk"),
        "pending": Count("pk", filter=Q(status=S.SUBMITTED)),
        "accepted": Count("pk", filter=Q(status__in=ACCEPTED_OR_LATER)),
        "merged": Count("pk", filter=Q(status=S.MERGED)),
        "to_opinion": Count("pk", filter=Q(status=S.TO_OPINION)),
        "to_info": Count("pk", filter=Q(status=S.TO_INFO)),
        "rejected": Count("pk", filter=Q(status=S.REJECTED)),
        "returned": Count("pk", filter=Q(status=S.RETURNED)),
        "answered": Count("pk", filter=Q(status__in=[S.ANSWERED, S.CLOSED])),
        "key": Count("pk", filter=key),
        "key_nonparty": Count("pk", filter=key & _nonparty_first_proposer(year)),
    }


def session_label(numbers: tuple[int, int] | None) -> str:
    """第N届第M次会议 for a session's (term number, session number), 平时提案 for none."""
    if numbers is None:
        return _("平时提案")
    return _("第%(t)s届第%(n)s次会议") % {"t": ordinal(numbers[0]), "n": ordinal(numbers[1])}


def session_figures(organisation: Organisation, year: int, *, below=()) -> list[SessionRow]:
    """One row per plenary session and one for between-session proposals of each
    organisation (1 query): `organisation` and every committee below it, or without the
    committees `below` and their subtrees (the page's 本级 rows)."""
    grouped = (
        _received(organisation, year)
        .filter(outside("organisation", below))
        .values(
            "organisation_id",
            "organisation__name",
            "organisation__path",
            "session_id",
            "session__number",
            "session__term__number",
        )
        .annotate(**_session_counts(year))
        .order_by("organisation__path", "session__term__number", "session__number")
    )
    rows = []
    for g in grouped:
        numbers = (
            None if g["session_id"] is None else (g["session__term__number"], g["session__number"])
        )
        row = SessionRow(
            label=session_label(numbers),
            numbers=numbers,
            organisation=g["organisation__name"],
            list_filter={
                "year": year,
                "organisation": g["organisation_id"],
                "scope": OWN,
                "session": g["session_id"] or BETWEEN_SESSIONS,
            },
        )
        for name in SESSION_COUNTS:
            setattr(row, name, g[name])
        rows.append(row)
    # Plenary sessions first, between-session proposals last, within each organisation.
    rows.sort(key=lambda r: (r.organisation, r.label == _("平时提案")))
    return rows


def committee_session_figures(
    organisation: Organisation, year: int, below: list[Organisation]
) -> list[SessionRow]:
    """One row per committee `below` (directly below `organisation`): every session and the
    between-session proposals of its whole subtree added up (1 grouped query,
    core.tree.rollup, whatever the number of committees)."""
    if not below:
        return []
    found = tree.rollup(_received(organisation, year), organisation, below, **_session_counts(year))
    return [
        SessionRow(
            label=c.name,
            committee=c,
            list_filter={"year": year, "organisation": c.pk},
            **{n: found[c.pk][n] for n in SESSION_COUNTS},
        )
        for c in below
    ]


def session_total(rows: list[SessionRow], list_filter: dict | None = None) -> SessionRow:
    total = SessionRow(label=_("合计"), list_filter=list_filter or {})
    for row in rows:
        total.add(row)
    return total


@dataclass
class Received:
    """The year's received proposals counted for the charts, each count over all of them:
    `by_time` rows {"category", "submitted_year", "month", "n"} and `by_seat` rows
    {"sector", "party", "n"}."""

    by_time: list[dict] = field(default_factory=list)
    by_seat: list[dict] = field(default_factory=list)


def received_by_category_and_month(organisation: Organisation, year: int) -> Received:
    """Received proposals counted per category (提案分类) and month submitted (with its
    year: a plenary proposal of the year may be submitted in December of the year before),
    and per the first proposer's sector and party (their seat in the proposal's
    organisation, latest term): 3 queries whatever the number of proposals and committees.
    Month and its year are None for proposals without a submission time (entered on paper),
    sector and party None for proposals of a body or a proposer without a seat there.

    The seats are read once per first proposer and organisation and matched in Python: a
    seat looked up for each proposal (two correlated subqueries) took 1.1-1.3 s over a
    province's 30,000 proposals of a year."""
    from collections import Counter

    from django.db.models.functions import ExtractMonth, ExtractYear

    received = Proposal.objects.filter(
        organisation__path__startswith=organisation.path, year=year
    ).exclude(status__in=NOT_RECEIVED)
    by_time = list(
        received.annotate(
            submitted_year=ExtractYear("submitted_at"), month=ExtractMonth("submitted_at")
        )
        .values("category", "submitted_year", "month")
        .annotate(n=Count("pk"))
        .order_by("category", "submitted_year", "month")
    )
    pairs = (
        received.values_list("organisation_id", "first_proposer_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    latest: dict[tuple[int, int], tuple[int, str | None, str | None]] = {}
    seats = Membership.objects.filter(
        term__organisation__path__startswith=organisation.path,
        member_id__in=received.filter(first_proposer__isnull=False).values("first_proposer_id"),
    ).values_list(
        "term__organisation_id", "member_id", "term__number", "sector__name", "party__name"
    )
    for org_id, member_id, number, sector, party in seats:
        key = (org_id, member_id)
        if key not in latest or number > latest[key][0]:
            latest[key] = (number, sector, party)
    counts: Counter = Counter()
    for org_id, member_id, n in pairs:
        _number, sector, party = latest.get((org_id, member_id), (0, None, None))
        counts[(sector, party)] += n
    by_seat = [
        {"sector": s, "party": p, "n": n}
        for (s, p), n in sorted(counts.items(), key=lambda kv: (kv[0][0] or "", kv[0][1] or ""))
    ]
    return Received(by_time=by_time, by_seat=by_seat)


@dataclass
class Figures:
    organisation: Organisation
    year: int
    categories: list[tuple[str, str]]
    # Every department, or with committees below rolled up: the organisation's own (本级).
    departments: list[DepartmentRow]
    department_total: DepartmentRow  # everything: departments + committees
    sessions: list[SessionRow]
    session_total: SessionRow
    key_target: float
    received: Received = field(default_factory=Received)  # received_by_category_and_month
    # Rolled up: one row per committee directly below, its whole subtree (empty otherwise).
    committees: list[DepartmentRow] = field(default_factory=list)
    session_committees: list[SessionRow] = field(default_factory=list)
    # The committees directly below (none for a district), rolled up or not.
    below: list[Organisation] = field(default_factory=list)
    # When a closed year's figures were counted, read from the store (figures_store.py);
    # None when counted for this request.
    counted_at: dt.datetime | None = None

    @property
    def own_departments_total(self) -> DepartmentRow:
        """The organisation's own departments together (本级), beside the committees."""
        return department_total(self.departments)

    def received_by(self, key: str) -> list[tuple[str, int]]:
        """(category, sector or party, received), largest first; none given last."""
        totals: dict[str, int] = {}
        rows = self.received.by_seat if key in ("sector", "party") else self.received.by_time
        for row in rows:
            name = row[key] or ""
            totals[name] = totals.get(name, 0) + row["n"]
        return sorted(totals.items(), key=lambda kv: (not kv[0], -kv[1], kv[0]))

    def by_category(self) -> list[tuple[str, int]]:
        return self.received_by("category")

    def by_month(self) -> list[tuple[int, int, int]]:
        """Received per month submitted: (year, month, received), January to December of
        the figures' year, with any month of another year some of its proposals were
        submitted in (December before a January session) in calendar order; a month is its
        year's own, never added into the same month of another year."""
        counts = {(self.year, m): 0 for m in range(1, 13)}
        for row in self.received.by_time:
            if row["month"]:
                key = (row["submitted_year"], row["month"])
                counts[key] = counts.get(key, 0) + row["n"]
        return [(y, m, n) for (y, m), n in sorted(counts.items())]

    @property
    def key_target_met(self) -> bool | None:
        share = self.session_total.key_nonparty_share
        return None if share is None else share >= self.key_target

    @property
    def category_codes(self) -> list[str]:
        return [code for code, _label in self.categories]


def figures(
    organisation: Organisation, year: int, *, export: bool = False, live: bool = False
) -> Figures:
    """The organisation's figures. On the page and in the report the committees directly
    below it get one row each, their subtree added up, beside its own departments and
    sessions (本级); for the Excel `export` every department and session is a row, and the
    charts' numbers (`received`) are not asked for. Either way the totals are everything
    below the organisation. An organisation with no committee below (a district) gets the
    same rows either way.

    A closed year's figures are read from the store when it holds them, counted by the
    nightly job and dropped by any change to what they count (figures_store.py): a few
    queries whatever the year's size, with `counted_at` set. The current year, a year
    not stored (or invalidated since) and `live` are counted now."""
    from . import figures_store

    categories = category_labels(organisation)
    below = committees_below(organisation)
    if not live:
        stored = figures_store.stored(organisation, year, export, categories, below)
        if stored is not None:
            return stored
    return counted(organisation, year, export, categories, below)


def counted(
    organisation: Organisation,
    year: int,
    export: bool,
    categories: list[tuple[str, str]],
    below: list[Organisation],
) -> Figures:
    """The figures counted from the year's rows now (see `figures`)."""
    codes = [code for code, _label in categories]
    split = [] if export else below
    departments = department_figures(organisation, year, below=split)
    if not export:
        # Counted without the committees below (本级) when they have rows of their own.
        scope = {"scope": OWN} if split else {}
        for row in departments:
            row.list_filter = {
                "year": year,
                "organisation": organisation.pk,
                **scope,
                "department": row.department_id,
            }
    committees = committee_department_figures(organisation, year, split, codes)
    total = department_total([*departments, *committees])
    for row in [*departments, *committees, total]:
        row.shares = row.category_shares(codes)
    sessions = session_figures(organisation, year, below=split)
    session_committees = committee_session_figures(organisation, year, split)
    return Figures(
        organisation=organisation,
        year=year,
        categories=categories,
        departments=departments,
        department_total=total,
        sessions=sessions,
        session_total=session_total(
            [*sessions, *session_committees],
            list_filter={"year": year, "organisation": organisation.pk},
        ),
        key_target=config.get(organisation, KEY_NONPARTY_TARGET),
        received=Received() if export else received_by_category_and_month(organisation, year),
        committees=committees,
        session_committees=session_committees,
        below=below,
    )


# --- Excel -----------------------------------------------------------------------------


def _sheet(book: Book, title: str, headers: list[str], rows: list[list]):
    ws = book.sheet(title, headers)
    for row in rows:
        append_row(ws, row)
    return ws


def department_table(fig: Figures) -> tuple[list[str], list[list]]:
    return department_rows_table([*fig.departments, fig.department_total], fig.category_codes)


def department_rows_table(
    departments: list[DepartmentRow], codes: list[str]
) -> tuple[list[str], list[list]]:
    headers = [
        _("承办单位"),
        # The committee whose handling unit it is (a government department is no part of
        # the 政协; "所属" read so): same-named units of several committees told apart.
        _("交办政协"),
        _("交办件数"),
        _("已答复"),
        _("答复率（%）"),
        _("按时答复"),
        _("按时答复率（%）"),
        _("联系率（%）"),
        _("面商率（%）"),
        _("过程满意率（%）"),
        _("结果满意率（%）"),
        *[_("%(code)s类占比（%%）") % {"code": code} for code in codes],
        _("重新办理"),
    ]
    rows = []
    for r in departments:
        rows.append(
            [
                r.name,
                r.organisation,
                r.assigned,
                r.answered,
                r.answered_rate,
                r.on_time,
                r.on_time_rate,
                r.contact_rate,
                r.meeting_rate,
                r.process_rate,
                r.result_rate,
                *r.category_shares(codes),
                r.rehandled,
            ]
        )
    return headers, rows


def session_table(fig: Figures) -> tuple[list[str], list[list]]:
    headers = [
        _("会次"),
        _("所属"),
        _("收到提案"),
        _("待审查"),
        pgettext("review outcome", "立案"),
        pgettext("review outcome", "并案"),
        pgettext("review outcome", "转意见建议"),
        pgettext("review outcome", "转社情民意"),
        pgettext("review outcome", "不予立案"),
        pgettext("review outcome", "退回修改"),
        pgettext("report row", "重点提案"),
        _("其中民主党派、无党派人士"),
        _("占比（%）"),
    ]
    rows = []
    for r in [*fig.sessions, fig.session_total]:
        rows.append(
            [
                r.label,
                r.organisation,
                r.received,
                r.pending,
                r.accepted,
                r.merged,
                r.to_opinion,
                r.to_info,
                r.rejected,
                r.returned,
                r.key,
                r.key_nonparty,
                r.key_nonparty_share,
            ]
        )
    return headers, rows


def proposal_list_table(
    organisation: Organisation, year: int, *, below=()
) -> tuple[list[str], list[list]]:
    """One row per received proposal of the year (the organisation and everything below it,
    but those of the committees `below` and their subtrees), with its category and the
    departments handling it (主办 with any 分办, and 协办: who handled it, not whom the
    proposer suggested): one query of just these columns (whole proposals with their texts
    and relations took most of a province's export) and one of the assignments' department
    names, the status labels worked out once per status.

    状态 is the proposal's own status label, word for word the 状态 of the proposals list's
    Excel (exports.py), so that a clerk comparing the two files at year-end reads the same
    word for the same proposal; the stage (待交办, 已转办, 审查结束…) has its own column."""
    from .selectors import review_outcome, stage_label

    headers = [
        _("提案号"),
        _("案由"),
        _("提案分类"),
        _("第一提案人"),
        _("主办单位"),
        _("协办单位"),
        _("状态"),
        _("所处阶段"),
        _("审查结果"),
        _("所属"),
    ]
    labels = {}
    for status in S:
        outcome = review_outcome(Proposal(status=status))  # the label needs no record
        labels[status] = (
            str(status.label),
            stage_label(Proposal(status=status)),
            outcome["label"] if outcome else "",
        )
    received = _received(organisation, year).filter(outside("organisation", below))
    proposals = received.order_by("organisation__path", "kind", "serial", "id").values_list(
        "id",
        "number",
        "title",
        "category",
        "first_proposer_id",
        "first_proposer__name",
        "proposer_body",
        "status",
        "organisation__name",
    )
    # As the proposals list's Excel (exports.py) names them (`AssignmentQuerySet.handling`).
    leads: dict[int, list[str]] = {}
    cos: dict[int, list[str]] = {}
    split = f"{_('（')}{Assignment.Role.SPLIT.label}{_('）')}"
    handling = (
        Assignment.objects.handling()
        .filter(proposal__in=received.values("id"))
        .values_list("proposal_id", "role", "department__name")
    )
    for pk, role, department in handling:
        if role == Assignment.Role.CO:
            cos.setdefault(pk, []).append(department)
        else:
            name = department + split if role == Assignment.Role.SPLIT else department
            leads.setdefault(pk, []).append(name)
    rows = []
    sep = _("、")
    for pk, number, title, category, first, name, body, status, org in proposals:
        label, stage, outcome = labels[status]
        proposer = name if first else body
        lead, co = sep.join(leads.get(pk, ())), sep.join(cos.get(pk, ()))
        rows.append([number, title, category, proposer, lead, co, label, stage, outcome, org])
    return headers, rows


def workbook(fig: Figures) -> bytes:
    book = Book()
    headers, rows = department_table(fig)
    _sheet(book, _("承办单位办理情况"), headers, rows)
    headers, rows = session_table(fig)
    ws = _sheet(book, _("提案总体情况"), headers, rows)
    append_row(ws, [])
    met = fig.key_target_met
    append_row(
        ws,
        [
            _("民主党派、无党派人士重点提案占比目标（%）"),
            fig.key_target,
            _("未达到") if met is False else (_("已达到") if met else "—"),
        ],
    )
    # Every department and session, but the proposals one by one only of the organisation
    # itself: a province's year is some 30,000 of its counties' proposals (each committee's
    # own export lists them); the sheet says so.
    headers, rows = proposal_list_table(fig.organisation, fig.year, below=fig.below)
    ws = _sheet(book, _("提案清单"), headers, rows)
    if fig.below:
        append_row(ws, [])
        append_row(
            ws,
            [
                _("本表只列%(org)s本级的提案；%(below)s的提案见各自的提案办理统计导出。")
                % {"org": fig.organisation.name, "below": _("、").join(o.name for o in fig.below)}
            ],
        )
    return book.to_bytes()


# --- Pages -----------------------------------------------------------------------------


class FiguresForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("政协组织"), queryset=Organisation.objects.none(), required=False
    )
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)

    def __init__(self, data, *, user):
        data = data.copy() if data else {}
        # Year-end figures: in January and February the year just ended (`core.years`), as
        # the work report linked from the page; a year asked for is kept.
        data.setdefault("year", str(closing_year()))
        super().__init__(data)
        self.user = user
        orgs = access.organisations(user, "proposals.view").filter(
            level__in=[Level.PROVINCE, Level.CITY, Level.DISTRICT]
        )
        self.fields["organisation"].queryset = orgs
        self.fields["organisation"].empty_label = None
        for f in self.fields.values():
            css = "form-select" if isinstance(f.widget, forms.Select) else "form-control"
            f.widget.attrs.setdefault("class", css)
        # A province office sees every city and county committee: searched on the server
        # (core "organisations" source, same permission and levels); `orgs` validates.
        self.fields["organisation"].label_from_instance = lambda o: o.name
        pickers.attach(
            self.fields["organisation"],
            "organisations",
            {"perm": "proposals.view", "level": f"{Level.PROVINCE},{Level.CITY},{Level.DISTRICT}"},
        )

    def clean_organisation(self):
        org = self.cleaned_data.get("organisation")
        if org is None:
            org = access.home_organisation(self.user)
            if org is None or not access.can(self.user, "proposals.view", org):
                org = self.fields["organisation"].queryset.first()
        if org is None:
            raise forms.ValidationError(_("您没有可查看的政协组织。"))
        # The picker renders only the chosen option: show the one whose figures these are,
        # also when it was chosen here by default.
        self.data["organisation"] = str(org.pk)
        return org


class UnitFiguresForm(forms.Form):
    """A handling unit's own figures: only the year to choose."""

    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)

    def __init__(self, data):
        data = data.copy() if data else {}
        data.setdefault("year", str(closing_year()))
        super().__init__(data)
        self.fields["year"].widget.attrs.setdefault("class", "form-control")


def _unit_ids(user) -> set[int]:
    """The units whose own figures `user` sees instead of the organisation's: those they
    answer for as clerk or leader, when they hold no `proposals.view` (which shows every
    unit, theirs included). Anyone else without it is refused (403)."""
    if access.can(user, "proposals.view"):
        return set()
    units = access.department_ids(user)
    if not units:
        raise PermissionDenied
    return units


def _unit_page(request, units: set[int]):
    form = UnitFiguresForm(request.GET or None)
    context = {"form": form, "query": request.GET.urlencode()}
    if not form.is_valid():
        return render(request, "proposals/figures/unit.html", context, status=400)
    context["fig"] = unit_figures(units, form.cleaned_data["year"])
    return render(request, "proposals/figures/unit.html", context)


def _unit_export(request, units: set[int]):
    form = UnitFiguresForm(request.GET or None)
    if not form.is_valid():
        context = {"form": form, "query": request.GET.urlencode()}
        return render(request, "proposals/figures/unit.html", context, status=400)
    year = form.cleaned_data["year"]
    fig = unit_figures(units, year)
    book = Book()
    headers, rows = department_rows_table(fig.departments, fig.category_codes)
    _sheet(book, _("承办单位办理情况"), headers, rows)
    names = "、".join(r.name for r in fig.departments)
    return xlsx_response(
        book.to_bytes(),
        _("%(unit)s%(year)s年提案办理情况.xlsx") % {"unit": names, "year": year},
        fallback=f"proposal-figures-unit-{year}.xlsx",
    )


def _form(request) -> FiguresForm:
    access.require(request.user, "proposals.view")
    return FiguresForm(request.GET or None, user=request.user)


@login_required
def figures_page(request):
    units = _unit_ids(request.user)
    if units:
        return _unit_page(request, units)
    form = _form(request)
    context = {"form": form, "query": request.GET.urlencode()}
    if not form.is_valid():
        return render(request, "proposals/figures/index.html", context, status=400)
    from .report import report_charts, work_report  # the report builds on this module

    report = work_report(form.cleaned_data["organisation"], form.cleaned_data["year"])
    context["fig"], context["charts"] = report.fig, report_charts(report)
    return render(request, "proposals/figures/index.html", context)


def export_name(org: Organisation, year: int) -> str:
    return _("%(org)s%(year)s年提案办理统计.xlsx") % {"org": org.name, "year": year}


EXPORT_KIND = "proposals.figures_export"


@jobs.register(EXPORT_KIND, gettext_lazy("导出提案办理统计"))
def run_export(job: jobs.Job) -> None:
    """The figures' file of the job's organisation and year, for its owner."""
    org, year = job.organisation, int(job.params["year"])
    # Rights are read again when the job runs: a role removed meanwhile exports nothing.
    if org is None or not access.can(job.owner, "proposals.view", org):
        jobs.fail(job, message=_("您已无权导出提案办理统计。"))
        return
    content = workbook(figures(org, year, export=True))
    jobs.complete(job, message=_("已导出提案办理统计。"), result=(export_name(org, year), content))


def export_in_background(org: Organisation) -> bool:
    """The file has a row for every handling unit of the organisation and below: past the
    export threshold of units (a province's 4,342 in the demo took 9 s) it is made by the
    task worker, as the other long exports are."""
    from xieshang.orgs.models import Department

    units = Department.objects.filter(organisation__path__startswith=org.path)
    return units.count() > jobs.export_threshold()


@login_required
@require_safe
def figures_export(request):
    units = _unit_ids(request.user)
    if units:
        return _unit_export(request, units)
    form = _form(request)
    if not form.is_valid():
        context = {"form": form, "query": request.GET.urlencode()}
        return render(request, "proposals/figures/index.html", context, status=400)
    org, year = form.cleaned_data["organisation"], form.cleaned_data["year"]
    if export_in_background(org):
        job = jobs.start(
            kind=EXPORT_KIND, owner=request.user, organisation=org, params={"year": year}
        )
        return redirect("job", pk=job.pk)
    content = workbook(figures(org, year, export=True))
    return xlsx_response(content, export_name(org, year), fallback=f"proposal-figures-{year}.xlsx")
