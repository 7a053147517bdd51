"""Reads of meetings and attendance used by the pages, the Excel export and the API.

Every list runs a fixed number of queries whatever the number of rows: invitations,
sittings, attendance marks and approved leave are each read once and joined in Python.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core import access
from xieshang.orgs import config

from . import policies, rules
from .models import Attendance, Invitation, LeaveRequest, Meeting, MeetingKind, Sitting


def _visibility(user, *, mine: bool) -> tuple[QuerySet, list[Q]]:
    """What makes a meeting visible to `user`: the ids of the meetings they are invited to
    (not drafts), and the filters of their staff scope (`meetings.view` or
    `meetings.manage`) and of the special committees whose meetings they run (none with
    `mine`)."""
    member = policies.member_of(user)
    invited = Q(user=user)
    if member is not None:
        invited |= Q(member=member)
    invitations = (
        Invitation.objects.filter(invited)
        .exclude(meeting__status=Meeting.Status.DRAFT)
        .values_list("meeting_id", flat=True)
        .order_by()
    )
    staff: list[Q] = []
    if not mine:
        for perm in ("meetings.view", "meetings.manage"):
            if access.can(user, perm):
                # The superuser's scope is Q(), everything, which an OR would drop.
                staff.append(access.org_filter(user, perm) or Q(pk__isnull=False))
        committees = policies.committee_ids(user)
        if committees:
            staff.append(Q(committee_id__in=committees))
        groups = policies.led_group_ids(user)
        if groups:
            # The activities a group leader runs (policies.runs_as_group_leader), drafts too.
            staff.append(
                Q(activity_group_id__in=groups, kind=MeetingKind.GROUP, committee__isnull=True)
            )
    return invitations, staff


def _visible(invitations: QuerySet, staff: list[Q]) -> Q:
    visible = Q(pk__in=invitations)
    for q in staff:
        visible |= q
    return visible


def visible_organisations(user) -> list[int]:
    """The organisations of every meeting `meetings_for` lists (one query): the staff
    scope's, and those of the meetings the user is invited to or runs as a special
    committee. A search tells the text index these (`textsim.search`'s `organisations`)."""
    invitations, _staff = _visibility(user, mine=False)
    ids = (
        Meeting.objects.filter(pk__in=invitations)
        .values_list("organisation_id", flat=True)
        .order_by()
    )
    for perm in ("meetings.view", "meetings.manage"):
        if access.can(user, perm):
            ids = ids.union(
                access.organisations(user, perm).values_list("pk", flat=True).order_by()
            )
    committees = policies.committee_ids(user)
    if committees:
        ids = ids.union(
            Meeting.objects.filter(committee_id__in=committees)
            .values_list("organisation_id", flat=True)
            .order_by()
        )
    groups = policies.led_group_ids(user)
    if groups:
        ids = ids.union(
            Meeting.objects.filter(activity_group_id__in=groups)
            .values_list("organisation_id", flat=True)
            .order_by()
        )
    return sorted(set(ids))


def _filtered(qs: QuerySet, kind: str, year: int | None) -> QuerySet:
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(start__year=year)
    return qs


def meetings_for(user, *, kind: str = "", year: int | None = None, mine: bool = False) -> QuerySet:
    """Meetings `user` may see: the whole organisation subtree for staff
    (`meetings.view` or `meetings.manage`), otherwise those they are invited to. Newest
    first; count them with `meeting_count`.

    One filter, an OR of the staff scope and a sub-select of the user's invitations (a few
    rows, hashed): PostgreSQL then walks the meetings in date order and stops at the end of
    the page, 1 ms for a district or a province. The union of the visible ids that this
    replaced had to be built whole first: 48 ms for a province office's 36,000 meetings.
    (An OR across a join to the invitations would read all 1.2 million of them.)"""
    qs = Meeting.objects.filter(_visible(*_visibility(user, mine=mine))).select_related(
        "organisation", "committee", "activity_group"
    )
    qs = _filtered(qs, kind, year)
    # A sub-select, not a join with GROUP BY: the paginator's COUNT then leaves it out.
    sittings = (
        Sitting.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(sitting_count=Coalesce(Subquery(sittings), 0)).order_by("-start", "-id")


def meeting_count(user, *, kind: str = "", year: int | None = None, mine: bool = False) -> int:
    """How many meetings `meetings_for` lists, counted the fastest way for the scope. A
    staff scope of a few organisations counts a UNION of index look-ups (1 ms in a district
    of a province, against 8 ms for testing every meeting of the province); a wide one
    tests every meeting once (7 ms against 18 ms for the union of 36,000 ids)."""
    invitations, staff = _visibility(user, mine=mine)
    if staff and not access.scope_is_small(user, "meetings.view", "meetings.manage"):
        return _filtered(Meeting.objects.filter(_visible(invitations, staff)), kind, year).count()
    ids = invitations.union(
        *(Meeting.objects.filter(q).values_list("pk", flat=True).order_by() for q in staff)
    )
    return _filtered(Meeting.objects.filter(pk__in=ids), kind, year).count()


def attendance_map(meeting: Meeting) -> dict[tuple[int, int], Attendance]:
    return {
        (a.invitation_id, a.sitting_id): a
        for a in Attendance.objects.filter(sitting__meeting=meeting)
    }


def excused_map(meeting: Meeting) -> set[tuple[int, int]]:
    """(invitation, sitting) pairs covered by approved leave."""
    through = LeaveRequest.sittings.through
    return set(
        through.objects.filter(
            leaverequest__meeting=meeting, leaverequest__status=LeaveRequest.Status.APPROVED
        ).values_list("leaverequest__invitation_id", "sitting_id")
    )


def pending_leave_map(meeting: Meeting) -> set[tuple[int, int]]:
    through = LeaveRequest.sittings.through
    return set(
        through.objects.filter(
            leaverequest__meeting=meeting, leaverequest__status=LeaveRequest.Status.PENDING
        ).values_list("leaverequest__invitation_id", "sitting_id")
    )


def pending_leave_not_signed_in(meeting: Meeting) -> int:
    """How many pending requests ask leave for a sitting their invitee has not signed in to:
    those whose invitee closing attendance records absent (the 结束考勤 warning). A request
    whose every sitting was attended changes nothing (it is closed undecided all the same)."""
    through = LeaveRequest.sittings.through
    attended = Attendance.objects.filter(
        invitation_id=OuterRef("leaverequest__invitation_id"),
        sitting_id=OuterRef("sitting_id"),
        state__in=[Attendance.State.PRESENT, Attendance.State.LATE],
    )
    return (
        through.objects.filter(
            leaverequest__meeting=meeting, leaverequest__status=LeaveRequest.Status.PENDING
        )
        .exclude(Exists(attended))
        .values("leaverequest_id")
        .distinct()
        .count()
    )


@dataclass
class Cell:
    state: str  # present / late / excused / absent, or "" (not yet signed in)
    label: str
    pending_leave: bool = False


@dataclass
class Row:
    invitation: Invitation
    cells: list[Cell]
    outcome: str
    outcome_label: str
    expected: bool


@dataclass
class SectorFigure:
    name: str
    invited: int = 0
    present: int = 0
    late: int = 0
    excused: int = 0
    absent: int = 0
    waiting: int = 0  # before closing: not signed in yet, not absent (未到)

    @property
    def share(self) -> float | None:
        """Present or late among the invited (0–1); None with nobody invited."""
        return (self.present + self.late) / self.invited if self.invited else None

    @property
    def rate(self) -> str:
        share = self.share
        return f"{share * 100:.1f}%" if share is not None else "—"


@dataclass
class Grid:
    meeting: Meeting
    sittings: list[Sitting]
    members: list[Row] = field(default_factory=list)
    leaders: list[Row] = field(default_factory=list)
    sectors: list[SectorFigure] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)


STATE_LABELS = dict(Attendance.State.choices)
OUTCOME_LABELS = dict(Invitation.Outcome.choices)
# The report's result, before attendance closes, of an invitee not signed in (yet) to a
# sitting that decides it: as the sign-in board says, 未到.
WAITING = "waiting"
WAITING_LABEL = _("未到")


def invitations_of(meeting: Meeting) -> QuerySet:
    return meeting.invitations.select_related("member", "sector").order_by(
        "category", "sort_key", "id"
    )


def attendance_grid(meeting: Meeting, *, sittings: list[Sitting] | None = None) -> Grid:
    """Every invitee's state at every sitting and their meeting result: as closed, or as it
    stands now before closing. Absence is decided when attendance closes (meeting_close
    writes it with its duty records), so before then a sitting without sign-in is blank and
    a result that hangs on one is 未到 (WAITING), never 缺席."""
    from .services import meeting_outcome, sitting_state

    sittings = sittings if sittings is not None else list(meeting.sittings.all())
    invitations = list(invitations_of(meeting))
    marks = attendance_map(meeting)
    excused = excused_map(meeting)
    pending = pending_leave_map(meeting) if meeting.status != Meeting.Status.CLOSED else set()
    closed = meeting.status == Meeting.Status.CLOSED
    min_share = float(config.get(meeting.organisation, rules.PLENARY_MIN_SHARE))
    grid = Grid(meeting=meeting, sittings=sittings)
    sectors: dict[str, SectorFigure] = {}
    sector_order: dict[str, tuple] = {}  # the official order (Sector.sort_order), "—" last
    totals = {key: 0 for key in OUTCOME_LABELS if key}
    totals[WAITING] = 0
    for inv in invitations:
        expected = inv.is_expected(meeting)
        cells, states = [], []
        undecided = False
        for s in sittings:
            key = (inv.pk, s.pk)
            mark = marks.get(key)
            final = sitting_state(mark, key in excused)
            states.append(final)
            undecided = undecided or (not closed and final == Attendance.State.ABSENT)
            shown = (
                mark.state
                if mark is not None
                else (Attendance.State.EXCUSED if key in excused else ("" if not closed else final))
            )
            if not expected and shown == Attendance.State.ABSENT:
                shown = ""
            cells.append(
                Cell(
                    state=shown,
                    label=str(STATE_LABELS.get(shown, "")) if shown else "",
                    pending_leave=key in pending,
                )
            )
        if closed and inv.outcome:
            outcome = inv.outcome
        else:
            outcome = meeting_outcome(
                plenary=meeting.is_plenary, states=states, expected=expected, min_share=min_share
            )
            if outcome == Invitation.Outcome.ABSENT and undecided:
                outcome = WAITING
        row = Row(
            invitation=inv,
            cells=cells,
            outcome=outcome,
            outcome_label=str(
                WAITING_LABEL if outcome == WAITING else OUTCOME_LABELS.get(outcome, "")
            ),
            expected=expected,
        )
        if inv.category == Invitation.Category.MEMBER:
            grid.members.append(row)
            if outcome in totals:
                totals[outcome] += 1
            if expected:
                name = inv.sector.name if inv.sector_id else "—"
                fig = sectors.setdefault(name, SectorFigure(name=name))
                sector_order.setdefault(
                    name, (0, inv.sector.sort_order, name) if inv.sector_id else (1, 0, name)
                )
                fig.invited += 1
                if outcome in ("present", "late", "excused", "absent", WAITING):
                    setattr(fig, outcome, getattr(fig, outcome) + 1)
        else:
            grid.leaders.append(row)
    grid.sectors = [sectors[name] for name in sorted(sectors, key=sector_order.__getitem__)]
    grid.totals = totals
    return grid


def board_rows(sitting: Sitting, *, q: str = "") -> tuple[list[dict], dict[str, int]]:
    """The live sign-in board of one sitting: invitees with their current state. `q` keeps
    the invitees whose name holds it (a plenary's clerk looks a member up among hundreds);
    the counts are the whole sitting's whatever the filter."""
    meeting = sitting.meeting
    invitations = list(invitations_of(meeting))
    marks = {a.invitation_id: a for a in Attendance.objects.filter(sitting=sitting)}
    excused = {i for i, s in excused_map(meeting) if s == sitting.pk}
    pending = {i for i, s in pending_leave_map(meeting) if s == sitting.pk}
    rows, counts = [], {"expected": 0, "present": 0, "late": 0, "excused": 0, "waiting": 0}
    for inv in invitations:
        mark = marks.get(inv.pk)
        expected = inv.is_expected(meeting)
        if mark is not None:
            state = mark.state
        elif inv.pk in excused:
            state = Attendance.State.EXCUSED
        else:
            state = ""
        if expected:
            counts["expected"] += 1
            if state in counts:
                counts[state] += 1
            elif not state:
                counts["waiting"] += 1
        if q and q.casefold() not in inv.name.casefold():
            continue
        rows.append(
            {
                "invitation": inv,
                "state": state,
                "label": str(STATE_LABELS.get(state, "")) if state else "",
                "signed_at": mark.signed_at if mark else None,
                "method": mark.method if mark else "",
                "pending_leave": inv.pk in pending,
                "expected": expected,
            }
        )
    return rows, counts


def pending_leave(user) -> QuerySet:
    """The leave requests waiting for `user`'s decision. A cancelled meeting's requests wait
    for nobody: there is nothing left to be excused from; nor do a closed meeting's, whose
    attendance is final (leave_decide refuses both; since 2026-12 cancelling or closing
    also closes them, services.leave_close_pending; older ones stay on record)."""
    return LeaveRequest.objects.filter(
        policies.leave_queue_filter(user), status=LeaveRequest.Status.PENDING
    ).exclude(meeting__status__in=[Meeting.Status.CANCELLED, Meeting.Status.CLOSED])


def leave_queue(user, *, state: str = "pending") -> QuerySet:
    """待审批 in meeting order (the nearest deadline first); 已处理 the latest outcome first,
    so an approver finds what they just decided on the first page (a withdrawn request, with
    no decision time, by when it was asked)."""
    if state == "pending":
        qs = pending_leave(user).order_by("meeting__start", "submitted_at", "id")
    else:
        qs = (
            LeaveRequest.objects.filter(policies.leave_queue_filter(user))
            .exclude(status=LeaveRequest.Status.PENDING)
            .order_by(Coalesce("decided_at", "submitted_at").desc(), "-id")
        )
    return qs.select_related(
        "meeting", "invitation", "invitation__sector", "decided_by"
    ).prefetch_related("sittings")


def signed_in_of_leave(leaves) -> dict[int, list[Sitting]]:
    """Request id → the sittings it covers that its invitee has signed in to (approval is
    refused for those: services.leave_decide), for a page of requests with their sittings
    prefetched: one query."""
    leaves = list(leaves)
    attended = set(
        Attendance.objects.filter(
            invitation_id__in={lv.invitation_id for lv in leaves},
            state__in=[Attendance.State.PRESENT, Attendance.State.LATE],
        ).values_list("invitation_id", "sitting_id")
    )
    found = {}
    for leave in leaves:
        signed = [s for s in leave.sittings.all() if (leave.invitation_id, s.pk) in attended]
        if signed:
            found[leave.pk] = signed
    return found


def leave_of_meetings(user, *, year: int) -> QuerySet:
    """Every leave request of the meetings of `year` in the user's `meetings.view` scope,
    whoever decides it and whatever its state: the office's record of the year (the queue
    holds only what the user decides). In meeting order, the invitees in official order."""
    return (
        LeaveRequest.objects.filter(
            access.org_filter(user, "meetings.view", field="meeting__organisation"),
            meeting__start__year=year,
        )
        .select_related("meeting", "invitation", "invitation__sector", "decided_by")
        .prefetch_related("sittings")
        .order_by("meeting__start", "meeting_id", "invitation__sort_key", "submitted_at", "id")
    )


def approved_leave(member, meeting_ids) -> dict[int, bool]:
    """The member's approved leave among these meetings: meeting id → whole meeting (True)
    or some of its sittings (False). Shown as 已请假 on 我的会议 · 即将召开."""
    leave: dict[int, bool] = {}
    rows = LeaveRequest.objects.filter(
        invitation__member=member,
        meeting_id__in=list(meeting_ids),
        status=LeaveRequest.Status.APPROVED,
    ).values_list("meeting_id", "whole_meeting")
    for meeting_id, whole in rows:
        leave[meeting_id] = leave.get(meeting_id, False) or whole
    return leave


def my_leave(member) -> QuerySet:
    return (
        LeaveRequest.objects.filter(invitation__member=member)
        .select_related("meeting", "decided_by")
        .prefetch_related("sittings")
        .order_by("-submitted_at")
    )


@dataclass
class MemberFigure:
    member_id: int
    name: str
    sector: str
    invited: int
    present: int
    late: int
    excused: int
    absent: int

    @property
    def share(self) -> float | None:
        """Attended (present or late) out of the meetings counted; None if none was."""
        counted = self.present + self.late + self.excused + self.absent
        return (self.present + self.late) / counted if counted else None

    @property
    def rate(self) -> str:
        share = self.share
        return f"{share * 100:.1f}%" if share is not None else "—"


def _closed_in_year(user, year: int, prefix: str = "") -> Q:
    """Invitations (at `prefix`) to the closed meetings of `year` in the user's scope."""
    return Q(
        access.org_filter(user, "meetings.view", field=f"{prefix}meeting__organisation"),
        **{
            f"{prefix}meeting__status": Meeting.Status.CLOSED,
            f"{prefix}meeting__start__year": year,
        },
    )


def _latest_sector(user, year: int, member, field: str = "sector__name") -> QuerySet:
    """The sector name (or another `field` of the sector) of `member`'s (an OuterRef) latest
    invitation of `year` that has one: the sector a member counts under in the attendance
    figures, one subquery."""
    return (
        Invitation.objects.filter(
            _closed_in_year(user, year),
            member=member,
            category=Invitation.Category.MEMBER,
            sector__isnull=False,
        )
        .order_by("-meeting__start", "-pk")
        .values(field)[:1]
    )


def member_figures(user, *, year: int) -> QuerySet:
    """The members invited to the closed meetings of `year` in the user's scope, one row per
    person whatever their invitations say (the sector is stored on each one and a member
    invited by role once had none), annotated with their counts and `sector_name`: the
    sector of their latest invitation that has one. In official order; one query."""
    from xieshang.members.models import Member

    rel = "meeting_invitations__"
    latest_sector = _latest_sector(user, year, OuterRef("pk"))
    # One filter() and then the counts: they count the invitations it kept (one join).
    return (
        Member.objects.filter(
            _closed_in_year(user, year, rel),
            **{f"{rel}category": Invitation.Category.MEMBER},
        )
        .annotate(
            invited=Count(
                rel + "id", filter=~Q(**{rel + "outcome": Invitation.Outcome.NOT_EXPECTED})
            ),
            present=Count(rel + "id", filter=Q(**{rel + "outcome": Invitation.Outcome.PRESENT})),
            late=Count(rel + "id", filter=Q(**{rel + "outcome": Invitation.Outcome.LATE})),
            excused=Count(rel + "id", filter=Q(**{rel + "outcome": Invitation.Outcome.EXCUSED})),
            absent=Count(rel + "id", filter=Q(**{rel + "outcome": Invitation.Outcome.ABSENT})),
            sector_name=Subquery(latest_sector),
        )
        .order_by("stroke_key", "pk")
    )


def figure_of(member) -> "MemberFigure":
    """A row of `member_figures` as the page and the export show it."""
    return MemberFigure(
        member_id=member.pk,
        name=member.name,
        sector=member.sector_name or "",
        invited=member.invited,
        present=member.present,
        late=member.late,
        excused=member.excused,
        absent=member.absent,
    )


def attendance_figures(
    user, *, year: int, leaders: bool = False, limit: int | None = None
) -> list[MemberFigure]:
    """Per member (one row per person, `member_figures`) or per leader (by name and title)
    over the closed meetings of `year` in the user's scope: one aggregate query. `limit`:
    the first so many leaders only (the page; the export takes them all)."""
    if not leaders:
        return [figure_of(m) for m in member_figures(user, year=year)]
    key = ("name", "title")
    rows = (
        Invitation.objects.filter(_closed_in_year(user, year))
        .exclude(category=Invitation.Category.MEMBER)
        .values(*key)
        .annotate(
            invited=Count("id", filter=~Q(outcome=Invitation.Outcome.NOT_EXPECTED)),
            present=Count("id", filter=Q(outcome=Invitation.Outcome.PRESENT)),
            late=Count("id", filter=Q(outcome=Invitation.Outcome.LATE)),
            excused=Count("id", filter=Q(outcome=Invitation.Outcome.EXCUSED)),
            absent=Count("id", filter=Q(outcome=Invitation.Outcome.ABSENT)),
        )
        .annotate(order_key=Min("sort_key"))
        .order_by("order_key", *key)
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        MemberFigure(
            member_id=0,
            name=r["name"],
            sector=r["title"] or "",
            invited=r["invited"],
            present=r["present"],
            late=r["late"],
            excused=r["excused"],
            absent=r["absent"],
        )
        for r in rows
    ]


def sector_figures_of_year(user, *, year: int) -> dict[str, dict[str, int]]:
    """`sector_figures` over every member of the year, added up by the database (one
    query, a row per sector, however many members): the figures page lists the members a
    page at a time but totals them all. Each invitation counts under its member's sector as
    `member_figures` names it (the latest invitation's that has one; "—" for none), the
    sectors in their official order (`Sector.sort_order`, then name; "—" last), as the
    invite form lists them."""
    keys = ("invited", "present", "late", "excused", "absent")
    latest_sector = _latest_sector(user, year, OuterRef("member"))
    rows = (
        Invitation.objects.filter(
            _closed_in_year(user, year),
            category=Invitation.Category.MEMBER,
            member__isnull=False,
        )
        .annotate(
            member_sector=Subquery(latest_sector),
            sector_order=Subquery(
                _latest_sector(user, year, OuterRef("member"), "sector__sort_order")
            ),
        )
        .values("member_sector", "sector_order")
        .annotate(
            invited=Count("id", filter=~Q(outcome=Invitation.Outcome.NOT_EXPECTED)),
            present=Count("id", filter=Q(outcome=Invitation.Outcome.PRESENT)),
            late=Count("id", filter=Q(outcome=Invitation.Outcome.LATE)),
            excused=Count("id", filter=Q(outcome=Invitation.Outcome.EXCUSED)),
            absent=Count("id", filter=Q(outcome=Invitation.Outcome.ABSENT)),
        )
        .order_by(F("sector_order").asc(nulls_last=True), "member_sector")
    )
    sectors: dict[str, dict[str, int]] = {}
    for row in rows:
        s = sectors.setdefault(row["member_sector"] or "—", dict.fromkeys(keys, 0))
        for key in keys:
            s[key] += row[key]
    return sectors


def sector_figures(members: list[MemberFigure]) -> dict[str, dict[str, int]]:
    """The per-member figures added up by sector ("—" for a member whose invitations name
    none), in the order the members come."""
    sectors: dict[str, dict[str, int]] = {}
    for f in members:
        s = sectors.setdefault(
            f.sector or "—", {"invited": 0, "present": 0, "late": 0, "excused": 0, "absent": 0}
        )
        for key in s:
            s[key] += getattr(f, key)
    return sectors


def _last_end():
    """When a meeting is over: the end of its last sitting (its own end when it has none).
    Not the day: a meeting that finished this morning is past by the afternoon."""
    last = (
        Sitting.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(e=Max("end"))
        .values("e")
    )
    return Coalesce(Subquery(last), F("end"))


def my_meetings(user, member, *, now: dt.datetime | None = None, limit: int = 200):
    """我的会议: (upcoming, past), each a list of (meeting, the member's invitation or None).
    Upcoming, soonest first, until its last sitting has ended; past, newest first."""
    now = now or timezone.now()
    meetings = meetings_for(user, mine=True).annotate(last_end=_last_end())
    invitations = {}
    if member is not None:
        invitations = {
            i.meeting_id: i
            for i in Invitation.objects.filter(member=member, meeting__in=meetings.values("pk"))
        }
    rows = [(m, invitations.get(m.pk)) for m in meetings[:limit]]
    upcoming = [r for r in rows if r[0].last_end > now][::-1]
    past = [r for r in rows if r[0].last_end <= now]
    return upcoming, past


def upcoming_for_member(member, *, now: dt.datetime | None = None) -> QuerySet:
    """The member's meetings still to come or under way (the home card's count), as
    我的会议 · 即将召开 lists them."""
    now = now or timezone.now()
    return (
        Meeting.objects.filter(invitations__member=member)
        .exclude(status__in=[Meeting.Status.DRAFT, Meeting.Status.CANCELLED])
        .annotate(last_end=_last_end())
        .filter(last_end__gt=now)
        .order_by("start")
    )


def attendance_by_kind(user, *, year: int) -> list[dict]:
    """Members' attendance per meeting kind over the closed meetings of `year` in the
    user's scope (the invitations `attendance_figures` counts, grouped by kind instead of by
    member): one query. Rows of {"kind", "present", "late", "excused", "absent"}, present
    including late (the tables' 出席 column does not: the chart says so)."""
    rows = (
        Invitation.objects.filter(
            access.org_filter(user, "meetings.view", field="meeting__organisation"),
            meeting__status=Meeting.Status.CLOSED,
            meeting__start__year=year,
            category=Invitation.Category.MEMBER,
        )
        .values("meeting__kind")
        .annotate(
            present=Count(
                "id", filter=Q(outcome__in=[Invitation.Outcome.PRESENT, Invitation.Outcome.LATE])
            ),
            late=Count("id", filter=Q(outcome=Invitation.Outcome.LATE)),
            excused=Count("id", filter=Q(outcome=Invitation.Outcome.EXCUSED)),
            absent=Count("id", filter=Q(outcome=Invitation.Outcome.ABSENT)),
        )
        .order_by("meeting__kind")
    )
    return [{"kind": r.pop("meeting__kind"), **r} for r in rows]
