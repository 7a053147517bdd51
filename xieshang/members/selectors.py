"""Reads of members used by the pages, the exports and the API.

Every list here is scoped through `core.access` and runs a fixed number of queries
whatever the number of rows (committees and categories are prefetched)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.models import Event
from xieshang.core.params import IdsFirst
from xieshang.orgs.models import (
    ActivityGroup,
    Committee,
    Level,
    LiaisonRoom,
    Organisation,
    Party,
    Role,
    RoleAssignment,
    Sector,
    Term,
)
from xieshang.textsim import search as text_search
from xieshang.textsim.search import FEW

from .exits import pending_exits
from .models import Category, Member, Membership, MembershipCategory

CPPCC_LEVELS = (Level.PROVINCE, Level.CITY, Level.DISTRICT)


def current_terms(organisations: QuerySet) -> QuerySet:
    """The latest term of each organisation in `organisations` (one subquery, no round trip)."""
    newer = Term.objects.filter(
        organisation=OuterRef("organisation"), number__gt=OuterRef("number")
    )
    return Term.objects.filter(organisation__in=organisations).exclude(Exists(newer))


def terms_of_year(organisations: QuerySet, year: int) -> QuerySet:
    """`term_of_year` for each organisation in `organisations`, as one queryset (subqueries,
    no round trip): the latest term begun by the year's last day; none for an organisation
    whose first term began after the year."""
    last_day = dt.date(year, 12, 31)
    begun = Term.objects.filter(organisation__in=organisations, start_date__lte=last_day)
    newer_begun = Term.objects.filter(
        organisation=OuterRef("organisation"),
        start_date__lte=last_day,
        number__gt=OuterRef("number"),
    )
    return begun.exclude(Exists(newer_begun))


def current_term(organisation: Organisation) -> Term | None:
    return organisation.terms.order_by("-number").first()


def first_term_year(organisation: Organisation) -> int | None:
    """The year the organisation's first term began (None when it has no term): an earlier
    year has no members (`term_of_year` answers None for it)."""
    first = organisation.terms.order_by("start_date").values_list("start_date", flat=True).first()
    return first.year if first else None


def term_of_year(organisation: Organisation, year: int) -> Term | None:
    """The term whose members a year is counted for: the latest one begun by the year's
    last day. A new term seated at the January plenary (换届) does not take over the year
    before, which the office still reports on in its first weeks: that year's members are
    the old term's, their seats now 届满. A year before any term began: None — no one sat
    that year, and its reports say so instead of counting the current term's members."""
    last_day = dt.date(year, 12, 31)
    return organisation.terms.filter(start_date__lte=last_day).order_by("-number").first()


def left_by(year: int, prefix: str = "") -> Q:
    """The seats resigned or revoked by the end of `year` (a Q, `prefix` for a relation):
    left out of that year's counts. A member who served the year and resigned in the next
    still counts for it; an exit without a date counts as before."""
    end = dt.date(year, 12, 31)
    return Q(**{f"{prefix}status__in": [Membership.Status.RESIGNED, Membership.Status.REVOKED]}) & (
        Q(**{f"{prefix}status_changed_on__isnull": True})
        | Q(**{f"{prefix}status_changed_on__lte": end})
    )


def joined_after(year: int, prefix: str = "") -> Q:
    """The seats that began after the end of `year` (a Q, `prefix` for a relation): a seat
    added during its term (增补, `Membership.start_date`) is left out of the years before
    it, as `left_by` seats are of the years after; a seat without a start date began with
    its term."""
    return Q(**{f"{prefix}start_date__gt": dt.date(year, 12, 31)})


def not_seated_in(year: int, prefix: str = "") -> Q:
    """The seats of a year's term that the year does not count: resigned or revoked by its
    end (`left_by`), or begun after it (`joined_after`)."""
    return left_by(year, prefix) | joined_after(year, prefix)


def exit_dates(member_ids) -> dict[int, dt.date]:
    """member id -> the day the member left office, for those of `member_ids` who hold no
    seat any more (辞去委员, 撤销委员资格, 届满 not seated again): the date recorded on their
    latest seat. A member seated again in a new term, or whose exit has no date, is not in
    the result. One query whatever the number."""
    ids = [i for i in member_ids if i]
    if not ids:
        return {}
    latest: dict[int, tuple] = {}
    seated: set[int] = set()
    for member_id, status, on, number in Membership.objects.filter(member_id__in=ids).values_list(
        "member_id", "status", "status_changed_on", "term__number"
    ):
        if status == Membership.Status.ACTIVE:
            seated.add(member_id)
        if member_id not in latest or number > latest[member_id][0]:
            latest[member_id] = (number, on)
    return {
        member_id: on
        for member_id, (_number, on) in latest.items()
        if member_id not in seated and on is not None
    }


def cppcc_organisations(user, perm: str) -> QuerySet:
    """CPPCC committees (province, city, district nodes) where `user` may do `perm`."""
    return access.organisations(user, perm).filter(level__in=CPPCC_LEVELS).order_by("path")


@dataclass
class MemberFilter:
    term: int | None = None
    sector: int | None = None
    party: int | None = None
    committee: int | None = None
    group: int | None = None
    status: str = ""
    q: str = ""
    order: str = "stroke"  # or "pinyin"


def _seats(user, f: MemberFilter, perm: str, *, scope: str) -> QuerySet:
    """The memberships of `membership_rows`, filtered, with the user's scope checked on the
    organisation at `scope` (a field path to an Organisation)."""
    qs = access.scope(Membership.objects.all(), user, perm, field=scope)
    if f.term:
        qs = qs.filter(term_id=f.term)
    else:
        qs = qs.filter(term__in=current_terms(access.organisations(user, perm)))
    if f.sector:
        qs = qs.filter(sector_id=f.sector)
    if f.party:
        qs = qs.filter(party_id=f.party)
    if f.committee:
        qs = qs.filter(committees__id=f.committee)
    if f.group:
        qs = qs.filter(activity_group_id=f.group)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.q:
        # The text index (name, employer); a single character falls back to a substring.
        # Where the scope is checked on the member's organisation, the index is told it and
        # reads the matching members' ids first: given as a sub-select, a word no member's
        # employer holds ("就业", common in proposals) had PostgreSQL walk all 35,000
        # members of a province (450 ms of the header search). On the seat's term, a seat
        # stored before terms had to match may belong to a member outside the scope.
        orgs = access.organisations(user, perm) if scope == "member__organisation" else None
        found = text_search(Member.objects.all(), ["name", "employer"], f.q, organisations=orgs)
        # A few matches are passed as their ids: as a sub-select PostgreSQL hashed every
        # seat of the province (34,794) before keeping the 312 matches of "养老" (143 ms
        # of the header search; 15 ms by key).
        ids = list(found.values_list("pk", flat=True)[: FEW + 1])
        qs = qs.filter(member__in=ids if len(ids) <= FEW else found.values("pk"))
    return qs


def membership_rows(user, filters: MemberFilter | None = None, *, perm: str = "members.view"):
    """Memberships (one row per member and term) that `user` may see with `perm`, filtered
    and in official order: surname strokes, or pinyin when asked. Count them with
    `membership_count`.

    Without a term in the filter, the rows come from the current term of every
    organisation in the user's scope."""
    f = filters or MemberFilter()
    qs = _seats(user, f, perm, scope="member__organisation")
    return _shown(qs).order_by(*_order(f))


def _order(f: MemberFilter) -> tuple[str, ...]:
    key = "member__pinyin_key" if f.order == "pinyin" else "member__stroke_key"
    return (key, "member__id", "id")


def _shown(qs: QuerySet, *, categories: bool = True) -> QuerySet:
    # Only what the list shows is joined: the export and the API add the term and the
    # activity group (`select_related("term", "activity_group")`). Each join more cost
    # PostgreSQL ~1 ms to plan, the whole of the query's time at a district's size.
    # The categories (联系类别) are for the API and the export; the list page does not show
    # them, and leaves out their query and their 50-odd objects (`categories=False`).
    related = ("committees", "categories") if categories else ("committees",)
    return qs.select_related("member", "member__organisation", "sector", "party").prefetch_related(
        *related
    )


def membership_pages(
    user,
    filters: MemberFilter | None = None,
    *,
    perm: str = "members.view",
    categories: bool = True,
):
    """`membership_rows` for paging (`core.params.IdsFirst`): a page's ids are sorted over
    the seats alone, joined to their members for the sort key, then those 50 rows are read
    with what the list shows. The scope is checked on the seats' terms, as the total is, so
    that the two agree by construction."""
    f = filters or MemberFilter()
    ids = _seats(user, f, perm, scope="term__organisation").order_by(*_order(f))
    return IdsFirst(
        ids.values_list("pk", flat=True),
        lambda pks: _shown(Membership.objects.filter(pk__in=pks), categories=categories),
    )


def membership_count(user, filters: MemberFilter | None = None, *, perm: str = "members.view"):
    """How many rows `membership_rows` lists. A seat is in a term of its member's own
    organisation (`services.member_create` refuses any other), so the scope is checked on
    the term's organisation: the count then reads the memberships by term alone, where the
    list joins every member to check theirs (a province office's 34,794: 19 ms → 4 ms)."""
    return _seats(user, filters or MemberFilter(), perm, scope="term__organisation").count()


def member_for_user(user, pk: int, perm: str = "members.view") -> Member | None:
    """The member if `user` may see them with `perm`; None otherwise (the caller answers
    404 either way, so existence outside the scope does not leak)."""
    return (
        access.scope(Member.objects.all(), user, perm)
        .select_related("organisation", "street")
        .filter(pk=pk)
        .first()
    )


def memberships_of(member: Member) -> list[Membership]:
    """The member's seats, newest term first; each carries `pending_exit`, the exit step
    another app holds open on it (a revocation waiting for the chairman's meeting, C5.10)
    or None."""
    seats = list(
        member.memberships.select_related("term", "sector", "party", "activity_group")
        .prefetch_related("committees", "categories")
        .order_by("-term__number")
    )
    steps = pending_exits([seat.pk for seat in seats])
    for seat in seats:
        seat.pending_exit = steps.get(seat.pk)
    return seats


def member_history(member: Member, memberships: list[Membership]) -> QuerySet:
    """Events on the member and on each of their memberships (status changes), newest
    first: the history panel of the member's page."""
    from django.contrib.contenttypes.models import ContentType

    member_ct = ContentType.objects.get_for_model(Member)
    seat_ct = ContentType.objects.get_for_model(Membership)
    # Views of personal data are in the audit log, not here: this panel shows changes.
    return (
        Event.objects.filter(
            Q(content_type=member_ct, object_id=str(member.pk))
            | Q(content_type=seat_ct, object_id__in=[str(m.pk) for m in memberships])
        )
        .exclude(verb__startswith="pii.")
        .order_by("-created_at", "-id")
    )


def filter_choices(user, perm: str = "members.view") -> dict:
    """Options of the list filters, limited to the user's organisations."""
    orgs = access.organisations(user, perm)
    return {
        "terms": Term.objects.filter(organisation__in=orgs).select_related("organisation"),
        "sectors": Sector.objects.filter(organisation__in=orgs).select_related("organisation"),
        "parties": Party.objects.all(),
        "committees": Committee.objects.filter(organisation__in=orgs).select_related(
            "organisation"
        ),
        "groups": ActivityGroup.objects.filter(organisation__in=orgs).select_related(
            "organisation"
        ),
    }


# --- Checks and composition (C4.11, C5.6, C3.5, C5.4) -----------------------------------


def members_without_committee(term: Term) -> QuerySet:
    """Active members of `term` who sit on no special committee (全员入委, C4.11)."""
    return (
        Membership.objects.filter(term=term, status=Membership.Status.ACTIVE)
        .filter(~Exists(Membership.committees.through.objects.filter(membership=OuterRef("pk"))))
        .select_related("member", "sector", "party")
        .order_by("member__stroke_key", "member__id")
    )


def _liaison_checks() -> tuple[Exists, Exists]:
    officer = RoleAssignment.objects.filter(organisation=OuterRef("pk"), role=Role.LIAISON)
    room = LiaisonRoom.objects.filter(street=OuterRef("pk"))
    return Exists(officer), Exists(room)


def streets_missing_liaison(organisation: Organisation) -> QuerySet:
    """The streets of `organisation`'s own committee (those directly below it) that lack a
    liaison officer account or a liaison room (C5.6), with `has_liaison` and `has_room`
    annotated. A lower committee's streets are on that committee's page: a province holds
    hundreds (`streets_missing_below` counts them per committee below)."""
    has_liaison, has_room = _liaison_checks()
    return (
        Organisation.objects.filter(level=Level.STREET, parent=organisation)
        .annotate(has_liaison=has_liaison, has_room=has_room)
        .filter(Q(has_liaison=False) | Q(has_room=False))
        .select_related("parent")
        .order_by("path")
    )


def street_count(organisation: Organisation) -> int:
    return Organisation.objects.filter(level=Level.STREET, parent=organisation).count()


def streets_missing_below(organisation: Organisation) -> list[tuple[Organisation, int, int]]:
    """(committee, streets lacking a liaison officer or room, streets) for each committee
    directly below `organisation`, over its whole subtree: two queries whatever the size of
    the tree (the committees, then the streets grouped by the committee's path prefix). A
    county committee has none below it: no query."""
    if organisation.level not in (Level.PROVINCE, Level.CITY):
        return []
    children = list(
        organisation.children.filter(level__in=CPPCC_LEVELS).order_by("sort_order", "path")
    )
    if not children:
        return []
    width = len(children[0].path)
    has_liaison, has_room = _liaison_checks()
    rows = (
        Organisation.objects.filter(level=Level.STREET, path__startswith=organisation.path)
        .exclude(parent=organisation)
        .annotate(prefix=Substr("path", 1, width))
        .values("prefix")
        .annotate(total=Count("pk"), missing=Count("pk", filter=~has_liaison | ~has_room))
        .order_by()
    )
    found = {row["prefix"]: (row["missing"], row["total"]) for row in rows}
    return [(c, *found.get(c.path, (0, 0))) for c in children]


def _with_share(rows: list[tuple[str, int]], total: int) -> list[dict]:
    return [
        {"label": label, "count": n, "share": round(n * 100 / total, 1) if total else 0.0}
        for label, n in rows
    ]


def composition(term: Term) -> dict:
    """Active members of `term` by sector, by party and by C3.5 category, with shares."""
    active = Membership.objects.filter(term=term, status=Membership.Status.ACTIVE)
    total = active.count()
    by_sector = (
        active.values("sector__name", "sector__sort_order", "sector_id")
        .annotate(n=Count("id"))
        .order_by("sector__sort_order", "sector_id")
    )
    by_party = (
        active.values("party__name", "party__sort_order", "party_id")
        .annotate(n=Count("id"))
        .order_by("party__sort_order", "party_id")
    )
    by_category = dict(
        MembershipCategory.objects.filter(
            membership__term=term, membership__status=Membership.Status.ACTIVE
        )
        .values_list("category")
        .annotate(n=Count("membership_id", distinct=True))
    )
    unset = _("（未填写）")
    return {
        "total": total,
        "sector": _with_share([(r["sector__name"] or unset, r["n"]) for r in by_sector], total),
        "party": _with_share([(r["party__name"] or unset, r["n"]) for r in by_party], total),
        # Every category is listed, those without members too: a zero is a finding.
        "category": _with_share(
            [(str(label), by_category.get(value, 0)) for value, label in Category.choices],
            total,
        ),
    }
