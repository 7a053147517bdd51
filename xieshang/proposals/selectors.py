"""Reads of proposals for the member and committee pages, each with a fixed number of queries
(the related rows come with `select_related`/`prefetch_related`, never one query per row)."""

import datetime as dt
import functools
import re
from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.db.models import (
    Exists,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.core import access
from xieshang.core.models import Event
from xieshang.members.models import Member, Membership
from xieshang.orgs.models import Department, Organisation
from xieshang.textsim import search as text_search

from . import policies
from .models import (
    ACCEPTED_OR_LATER,
    NOT_RECEIVED,
    Answer,
    Assignment,
    Evaluation,
    Proposal,
    Signer,
)

S = Proposal.Status
# States in which a proposal can still take another proposal merged into it.
MERGE_TARGETS = [S.SUBMITTED, S.ACCEPTED, S.ASSIGNED]
# The proposal list's order, served by the `proposal_list_order` index.
LIST_ORDER = ("-year", "-submitted_at", "-id")
# A proposal number as the pages show it: "2026年平时提案第0146号", "平时提案第0146号",
# "第十五届第五次会议第0068号", "第146号". The text index cuts it into pieces it cannot find
# again (提案 is a stop word), so a number is looked up on the number, zero padding or not.
_NUMBER_QUERY = re.compile(r"^\s*(.*?)第\s*0*(\d{1,6})\s*号\s*$")


def number_query(q: str) -> Q | None:
    """The filter on `number` for a query that is a proposal number, else None."""
    match = _NUMBER_QUERY.match(q or "")
    if match is None:
        return None
    prefix, serial = match.group(1).replace(" ", ""), match.group(2)
    # The serial finds the few candidates on its index; the number's text picks the series.
    return Q(serial=int(serial), number__regex=f"{re.escape(prefix)}第0*{serial}号$")


def matching(qs, q: str, fields, **options) -> QuerySet:
    """`qs` narrowed to the query: a proposal number on the number, anything else through
    the text index (`textsim.search`); `ranked` annotates `search_rank` either way."""
    by_number = number_query(q)
    if by_number is None:
        return text_search(qs, fields, q, **options)
    qs = qs.filter(by_number)
    if options.get("ranked"):
        qs = qs.annotate(search_rank=Value(1.0, output_field=FloatField()))
    return qs


def proposal_search(
    user,
    q: str,
    *,
    ranked: bool = False,
    paged: bool = False,
    fields: Sequence[str] = ("title", "number"),
    years: list[int] | None = None,
) -> QuerySet:
    """The proposals `user` may see matching `q` (the text index: title, number, names and
    the text; `fields` where the index cannot answer), ranked best first if asked.
    `years`: the rows are of these years only (the caller filters them so), and the index
    reads only their entries.

    A search in a small scope starts from the scope's ids (`visible_ids`), anything else
    walks the list's date-ordered index (`visible_filter`); in a narrow scope the index
    reads only the entries of the organisations the user's proposals belong to
    (`policies.visible_organisations`, `access.NARROW_SCOPE`). `paged`: for reading a
    page in list order, not for counting (`textsim.search`)."""
    if not q:
        return Proposal.objects.filter(policies.visible_filter(user))
    share = access.scope_share(user, "proposals.view")
    if share < access.SMALL_SCOPE:
        qs = Proposal.objects.filter(pk__in=policies.visible_ids(user))
    else:
        qs = Proposal.objects.filter(policies.visible_filter(user))
    orgs = policies.visible_organisations(user) if share <= access.NARROW_SCOPE else None
    # The year narrows the index's read where the organisations do not: told both, a
    # district's count ANDs three bitmaps and is slower than with its organisations alone.
    years = years if orgs is None else None
    return matching(qs, q, fields, ranked=ranked, organisations=orgs, years=years, paged=paged)


def years_in(where: Q | None) -> list[int] | None:
    """The year a list's filters ask for (a `year=` among the terms they AND), or None:
    the rows are of that year only, so the text index need read only its entries."""
    if where is None or where.negated or where.connector != Q.AND:
        return None
    for child in where.children:
        found = years_in(child) if isinstance(child, Q) else None
        if found:
            return found
        if isinstance(child, tuple) and child[0] == "year" and child[1] not in (None, ""):
            return [int(child[1])]
    return None


# The list's state filter also takes the figures page's groups of states (the same
# definitions), so that its 收到 and 立案 counts are lists too.
STATUS_GROUPS = {
    "received": ~Q(status__in=NOT_RECEIVED),
    "accepted_all": Q(status__in=ACCEPTED_OR_LATER),
}
STATUS_GROUP_LABELS = {
    "received": gettext_lazy("收到（已提交）"),
    "accepted_all": gettext_lazy("立案（含办理、答复、办结）"),
}


def status_q(status: str) -> Q:
    """The filter of the list's state choice: a state or one of `STATUS_GROUPS`."""
    if not status:
        return Q()
    return STATUS_GROUPS.get(status) or Q(status=status)


def proposal_list(
    user, *, status: str = "", q: str = "", paged: bool = False, where: Q | None = None
) -> QuerySet:
    """The list in date order; a page of it reads only that page's rows (`visible_filter`
    on the `proposal_list_order` index), whatever the size of the user's scope. `paged`:
    only a page of it is read (the list page), not every row (the export). `where`: the
    list's other filters (list_filters: year, session, organisation)."""
    qs = proposal_search(user, q, paged=paged, years=years_in(where)).select_related(
        "first_proposer", "organisation"
    )
    qs = qs.filter(status_q(status))
    if where:
        qs = qs.filter(where)
    return qs.order_by(*LIST_ORDER)


def proposal_count(user, *, status: str = "", q: str = "", where: Q | None = None) -> int:
    """How many rows `proposal_list` has: the scope's rows counted off the (organisation,
    status) index alone, plus the user's own part outside it. Counting the UNION instead
    de-duplicates every id of the scope (88 ms for a city's 20,000 proposals)."""

    def filtered(qs, organisations=None, years=None):
        qs = qs.filter(status_q(status))
        if where:
            qs = qs.filter(where)
        if q:
            qs = matching(qs, q, ["title", "number"], organisations=organisations, years=years)
        return qs

    scope_orgs = None
    if q and access.scope_share(user, "proposals.view") <= access.NARROW_SCOPE:
        scope_orgs = access.organisations(user, "proposals.view")
    # The year narrows the index's read of a wide scope (as in `proposal_search`); the
    # user's own few proposals are found faster without.
    years = years_in(where) if scope_orgs is None else None
    total = filtered(Proposal.objects.filter(policies.scope_q(user)), scope_orgs, years).count()
    personal = policies.personal_ids(user)
    if personal:
        own = Proposal.objects.filter(pk__in=policies.union_of(personal)).exclude(
            policies.scope_q(user)
        )
        total += filtered(own).count()
    return total


def _answers_prefetch() -> Prefetch:
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.select_related("department").prefetch_related(
            Prefetch("answers", queryset=Answer.objects.sent())
        ),
    )


def my_proposals(user, member) -> QuerySet:
    """The member's own proposals (drafts included) and those they co-sign or are asked to
    (not drafts; not those they declined or whose invitation was withdrawn)."""
    # A UNION of index look-ups: an OR across the signers join reads every proposal.
    ids = Proposal.objects.filter(created_by=user).values_list("pk", flat=True).order_by()
    if member is not None:
        ids = ids.union(
            Proposal.objects.filter(first_proposer=member).values_list("pk", flat=True).order_by(),
            Signer.objects.filter(
                member=member, status__in=[Signer.Status.INVITED, Signer.Status.CONFIRMED]
            )
            .exclude(proposal__status=S.DRAFT)
            .values_list("proposal_id", flat=True)
            .order_by(),
        )
    return (
        Proposal.objects.filter(pk__in=ids)
        .select_related("first_proposer")
        .prefetch_related(
            Prefetch("signers", queryset=Signer.objects.select_related("member")),
            _answers_prefetch(),
        )
        .order_by("-created_at", "-id")
    )


def cosign_invitations(member) -> QuerySet:
    """The member's co-sign requests: open ones first, then those already answered."""
    if member is None:
        return Signer.objects.none()
    return (
        Signer.objects.filter(member=member)
        .exclude(proposal__status=S.DRAFT)
        .select_related("proposal__first_proposer")
        .order_by("responded_at", "-proposal__submitted_at", "-id")
    )


def answer_source(proposal: Proposal) -> Proposal:
    """Whose answers the proposers of `proposal` receive: a merged proposal is answered
    through the proposal it was merged into."""
    if proposal.status == S.MERGED and proposal.merged_into_id:
        return proposal.merged_into
    return proposal


def rateable_proposals(member) -> QuerySet:
    """Proposals of which the member is a proposer (first or confirmed co-signer) whose
    answers are open for rating, directly or through the proposal they were merged into."""
    ids = Proposal.objects.filter(pk__in=policies.proposed_by_ids(member)).filter(
        Q(status=S.ANSWERED) | Q(status=S.MERGED, merged_into__status=S.ANSWERED)
    )
    return Proposal.objects.filter(pk__in=ids.values("pk")).select_related("merged_into")


def answers_to_rate(member) -> list[tuple[Proposal, Answer]]:
    """(the member's proposal, an answer they have not rated yet), oldest answer first."""
    if member is None:
        return []
    proposals = list(rateable_proposals(member))
    if not proposals:
        return []
    source_of = {p.pk: answer_source(p).pk for p in proposals}
    answers = (
        Answer.objects.sent()
        .filter(assignment__proposal_id__in=set(source_of.values()))
        .exclude(evaluations__member=member)
        # The organisation: the date to rate by takes its rule (`services.rating_dues`).
        .select_related("assignment__department", "assignment__proposal__organisation")
        .order_by("answered_at", "id")
    )
    by_source: dict[int, list[Answer]] = {}
    for answer in answers:
        by_source.setdefault(answer.assignment.proposal_id, []).append(answer)
    result = []
    for proposal in proposals:
        for answer in by_source.get(source_of[proposal.pk], []):
            result.append((proposal, answer))
    result.sort(key=lambda pa: (pa[1].answered_at, pa[1].pk))
    return result


# --- 代为评价: answers the user records evaluations for ------------------------------------------


def rate_for_sources(user) -> QuerySet:
    """`policies.can_rate_for` over every proposal at once: the answered proposals `user` may
    record evaluations for (代为评价), those the proposal committee reviews and those the
    clerk entered (or one merged into it) for a first proposer without an account, within
    what the user sees in lists (`policies.visible_filter`). No query of its own: a filter
    for a count or a list to run."""
    if not getattr(user, "is_authenticated", False):
        return Proposal.objects.none()
    branches = []
    if access.can(user, "proposals.review"):
        branches.append(access.org_filter(user, "proposals.review"))
    # A member enters proposals only as their own first proposer: never a stand-in.
    if policies.member_of(user) is None:
        entered = Proposal.objects.filter(created_by=user).filter(
            Q(first_proposer__isnull=True) | Q(first_proposer__user__isnull=True)
        )
        branches.append(
            Q(pk__in=entered.values("pk"))
            | Q(pk__in=entered.filter(merged_into__isnull=False).values("merged_into_id"))
        )
    if not branches:
        return Proposal.objects.none()
    may = functools.reduce(lambda a, b: a | b, branches)
    return Proposal.objects.filter(may, status=S.ANSWERED).filter(policies.visible_filter(user))


def rate_for_answers(user) -> QuerySet:
    """The sent answers to `rate_for_sources(user)` that a proposer without an account has
    not rated yet (`services.rate_for_candidates`, the proposers of `services.proposers`:
    first proposers and confirmed co-signers of the proposal and of those merged into it):
    the rows of the 待评价 list's 代为评价 part, and what its home card counts. A proposer
    with an account rates for themself. Oldest answer first.

    Two statements: the sources' keys first (a clerk's or a committee's answered proposals,
    a few hundred at most), then the answers among them. Given the sources as a subquery,
    PostgreSQL misjudged how few they are and tested every sent answer's proposers before
    joining (2.9 s for a district office among a province's 266,000 answers; 3 ms so)."""
    sources = rate_for_sources(user)
    if sources.query.is_empty():
        return Answer.objects.none()
    source = OuterRef("assignment__proposal_id")
    rated = Evaluation.objects.filter(answer=OuterRef(OuterRef("pk"))).values("member_id")
    first_waits = Proposal.objects.filter(
        Q(pk=source) | Q(merged_into_id=source),
        first_proposer__isnull=False,
        first_proposer__user__isnull=True,
    ).exclude(first_proposer_id__in=rated)
    # The co-signers of the proposal and those of the proposals merged into it, as two
    # lookups: one OR across the join (signer's proposal, or its proposal's merged_into)
    # made PostgreSQL merge every signer with every proposal for each answer (the office's
    # home page did not come back in an hour at a province's 300,000 proposals).
    signers = Signer.objects.filter(
        status=Signer.Status.CONFIRMED, member__user__isnull=True
    ).exclude(member_id__in=rated)
    own_signer_waits = signers.filter(proposal_id=source)
    merged_signer_waits = signers.filter(proposal__merged_into_id=source)
    return (
        Answer.objects.sent()
        .filter(assignment__proposal__in=list(sources.values_list("pk", flat=True)))
        .filter(Exists(first_waits) | Exists(own_signer_waits) | Exists(merged_signer_waits))
        .order_by("answered_at", "id")
    )


def proposers_of(proposals) -> dict[int, list[Member]]:
    """`services.proposers` of many answered proposals (proposal pk → its proposers, the
    proposal's own then those of the proposals merged into it): two queries in all."""
    ids = {p.pk for p in proposals}
    result: dict[int, list[Member]] = {pk: [] for pk in ids}
    if not ids:
        return result
    family = (
        Proposal.objects.filter(Q(pk__in=ids) | Q(merged_into_id__in=ids))
        .select_related("first_proposer")
        .prefetch_related(
            Prefetch(
                "signers",
                queryset=Signer.objects.filter(status=Signer.Status.CONFIRMED).select_related(
                    "member"
                ),
            )
        )
    )
    # Each proposal's own proposers before those merged into it, as `services.proposers`.
    for target in sorted(family, key=lambda p: p.pk not in ids):
        members = result[target.pk if target.pk in ids else target.merged_into_id]
        if target.first_proposer_id:
            members.append(target.first_proposer)
        members.extend(s.member for s in target.signers.all())
    return result


# The 代为评价 rows the 待评价 list shows at most (oldest first); it says when there are more.
RATE_FOR_ROWS = 200


def answers_to_rate_for(user, limit: int = RATE_FOR_ROWS) -> list[tuple[Proposal, Answer, list]]:
    """(the answered proposal, an answer of it, the proposers without an account who have
    not rated it, in surname-stroke order) for each of `rate_for_answers(user)`, oldest
    answer first, at most `limit` + 1 (the caller says there are more): four queries
    whatever the number of rows, the candidates chosen by `services.rate_for_candidates`."""
    # Imported here, as `policies.can_view_letters` imports `proposers`: services sit above.
    from .services.evaluation import rate_for_candidates

    answers = list(
        rate_for_answers(user)
        .select_related("assignment__department", "assignment__proposal__organisation")
        .prefetch_related("evaluations")[: limit + 1]
    )
    proposers = proposers_of({a.assignment.proposal for a in answers})
    rows = []
    for answer in answers:
        waiting = [
            m
            for m in rate_for_candidates(proposers[answer.assignment.proposal_id], answer)
            if not m.user_id
        ]
        if waiting:
            waiting.sort(key=lambda m: (m.stroke_key, m.pk))
            rows.append((answer.assignment.proposal, answer, waiting))
    return rows


def review_queue(user) -> QuerySet:
    """Submitted proposals awaiting review in the user's scope, oldest first."""
    return (
        access.scope(Proposal.objects.filter(status=S.SUBMITTED), user, "proposals.review")
        .select_related("first_proposer", "organisation")
        .prefetch_related(Prefetch("signers", queryset=Signer.objects.select_related("member")))
        .order_by("submitted_at", "id")
    )


def assignable_departments(user) -> QuerySet:
    """The active units the user may assign proposals to (the board's and the proposal
    page's pickers search within them)."""
    return Department.objects.filter(
        organisation__in=access.organisations(user, "proposals.assign"), is_active=True
    ).order_by("sort_order", "name")


def assignment_board(user) -> QuerySet:
    """Accepted proposals waiting to be assigned (the 交办会 page), in number order."""
    return (
        access.scope(Proposal.objects.filter(status=S.ACCEPTED), user, "proposals.assign")
        .select_related("first_proposer", "organisation")
        .order_by("organisation__path", "year", "kind", "serial", "id")
    )


def returned_parts_waiting(user) -> QuerySet:
    """Split parts sent back (申请退回) that wait on the committee's decision, 改交 or 不再改交
    (`services.reassign_refusal` is None for each): the proposal stays 办理中 until then and
    the part's follow-up task was withdrawn, so no overdue list ever shows it; the home
    card and the 交办会 page do, lest it wait unseen once the notice is read."""
    later = Assignment.objects.filter(proposal=OuterRef("proposal"), round__gt=OuterRef("round"))
    return (
        access.scope(
            Assignment.objects.filter(
                role=Assignment.Role.SPLIT,
                status=Assignment.Status.RETURNED,
                proposal__status=S.ASSIGNED,
            ),
            user,
            "proposals.assign",
            field="proposal__organisation",
        )
        .exclude(Exists(later))
        .select_related("proposal", "department")
        .order_by("proposal__organisation__path", "proposal__year", "proposal__serial", "id")
    )


def overdue_q(today: dt.date) -> Q:
    """The assignments `overdue_assignments` lists (and the home card counts)."""
    R = Assignment.Role
    return (Q(role__in=[R.LEAD, R.SPLIT]) | Q(role=R.CO, proposal__status=S.ASSIGNED)) & Q(
        status=Assignment.Status.HANDLING, task__status="open", task__due_date__lt=today
    )


def overdue_assignments(user, today: dt.date | None = None) -> QuerySet:
    """Every party past its due date, to be chased: answering assignments (lead or split)
    and co-handlers (协办/会办) whose view is overdue while the proposal is still in handling
    (once the lead department's answer went out, a late view is filed, not waited on)."""
    return (
        Assignment.objects.filter(overdue_q(today or timezone.localdate()))
        .filter(
            proposal__in=access.scope(Proposal.objects.all(), user, "proposals.view").values("pk")
        )
        .select_related("proposal__first_proposer", "proposal__organisation", "department", "task")
        .order_by("task__due_date", "id")
    )


def key_candidates(user) -> QuerySet:
    """Accepted or assigned proposals not yet on the key-proposal list."""
    return (
        access.scope(
            Proposal.objects.filter(status__in=[S.ACCEPTED, S.ASSIGNED], key_status=""),
            user,
            "proposals.review",
        )
        .select_related("first_proposer")
        .order_by("year", "kind", "serial", "id")
    )


def key_proposals(user, perm: str = "proposals.view") -> QuerySet:
    """Shortlisted and approved key proposals in the user's scope."""
    return (
        access.scope(Proposal.objects.exclude(key_status=""), user, perm)
        .select_related("first_proposer")
        .order_by("key_status", "year", "kind", "serial", "id")
    )


def key_approval_queue(user) -> QuerySet:
    return key_proposals(user, "proposals.key_approve").filter(
        key_status=Proposal.KeyStatus.SHORTLISTED
    )


def shortlist_reasons(proposals) -> dict[int, str]:
    """The proposal committee's reason for shortlisting each proposal (拟定理由), from the
    audit trail, which is where the shortlist note is kept: one query for the page."""
    ids = [str(p.pk) for p in proposals]
    if not ids:
        return {}
    events = Event.objects.filter(
        verb="proposal.key_shortlist",
        content_type=ContentType.objects.get_for_model(Proposal),
        object_id__in=ids,
    ).order_by("created_at", "id")
    return {int(e.object_id): e.note for e in events.only("object_id", "note")}


def proposal_for_detail(pk: int) -> Proposal | None:
    return _proposal_read(pk, "session__term", "merged_into")


def proposal_for_page(pk: int) -> Proposal | None:
    """The proposal as its page shows it: what `proposal_for_detail` reads but the session
    (the page does not show it; the services that number a proposal read it themselves) and
    the proposal it was merged into, read only for a merged one (a proposal's whole row
    joined a second time cost every page ~1.5 ms of CPU)."""
    return _proposal_read(pk)


def _proposal_read(pk: int, *joined: str) -> Proposal | None:
    """The proposal's row and signers, and what its page shows besides: its attachments, the
    proposals merged into it, and the 督办 records of a key proposal (重点提案), read for
    one only."""
    proposal = (
        Proposal.objects.select_related(
            "organisation", "first_proposer", "suggested_department", *joined
        )
        .prefetch_related(Prefetch("signers", queryset=Signer.objects.select_related("member")))
        .filter(pk=pk)
        .first()
    )
    if proposal is not None:
        prefetch_related_objects(
            [proposal],
            "attachments",
            Prefetch("merged_proposals", queryset=Proposal.objects.only("pk", "number", "title")),
            *(["supervisions"] if proposal.key_status else []),
        )
    return proposal


# What `policies.can_view` reads of a proposal and its organisation, and the page's title.
VIEW_CHECKED = (
    "title",
    "status",
    "key_status",
    "created_by",
    "first_proposer",
    "organisation__path",
)


def proposal_to_view(pk: int) -> Proposal | None:
    """The proposal with only what `policies.can_view` and the page's title read (its state,
    proposer and creator, its organisation's path), not its signers (`policies.is_signer` asks
    for the viewer alone, and only a member's login gets that far): the check in front of the
    page's kept region (`core.regions`). The region, when built, reads the proposal whole
    (`proposal_for_page`); a kept one reads nothing more of it.

    The same instance as `Proposal.objects.select_related("organisation").only(*VIEW_CHECKED)`
    would give (the other fields deferred), from SQL the ORM compiles once a process
    (`_view_read`): on a kept visit compiling the query cost more than running it."""
    alias = router.db_for_read(Proposal)
    sql, own, org = _view_read(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    proposal = Proposal.from_db(alias, own, row[: len(own)])
    organisation = Organisation.from_db(alias, org, row[len(own) :])
    Proposal._meta.get_field("organisation").set_cached_value(proposal, organisation)
    return proposal


@functools.cache
def _view_read(alias: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """`proposal_to_view`'s SQL as the ORM compiles it for the database `alias` (the pk its
    one parameter), and the columns it selects of the proposal and of its organisation, in
    the order `Model.from_db` takes them. Only text and key columns: no converter applies."""
    checked = {name.split("__")[0] for name in VIEW_CHECKED}
    own = tuple(
        f.attname for f in Proposal._meta.concrete_fields if f.primary_key or f.name in checked
    )
    paths = {name.split("__")[1] for name in VIEW_CHECKED if "__" in name}
    org = tuple(
        f.attname for f in Organisation._meta.concrete_fields if f.primary_key or f.name in paths
    )
    query = (
        Proposal.objects.filter(pk=0)
        .order_by()
        .values_list(*own, *(f"organisation__{name}" for name in org))
        .query
    )
    compiler = query.get_compiler(alias)
    sql, params = compiler.as_sql()
    assert list(params) == [0], params
    # `from_db` is given the raw row: a column the database hands back in another shape (a
    # boolean or a date on SQLite, a decimal) would need its converter. Refused here, so a
    # field added to VIEW_CHECKED that needs one fails the first read, not a page later.
    converters = compiler.get_converters([col for col, _, _ in compiler.select])
    assert not converters, f"converted columns in the checked read: {sorted(converters)}"
    return sql, own, org


def proposal_to_check(pk: int) -> Proposal | None:
    """The proposal with what `policies.can_view` reads (its organisation, its signers): for
    a fragment of its page that shows nothing else of it (the similar-proposals panel)."""
    return (
        Proposal.objects.select_related("organisation")
        .prefetch_related("signers")
        .filter(pk=pk)
        .first()
    )


# A proposal is assigned only once accepted (proposal_assign from 已立案): in these states it
# never was, so its page reads no assignments.
NEVER_ASSIGNED = frozenset(
    {S.DRAFT, S.COSIGNING, S.SUBMITTED, S.RETURNED, S.REJECTED, S.TO_OPINION, S.TO_INFO}
)


def assignments_with_answers(proposal: Proposal) -> list[Assignment]:
    """The proposal's assignments with their tasks, contacts, sent answers and ratings."""
    if proposal.status in NEVER_ASSIGNED:
        return []
    return list(
        Assignment.objects.filter(proposal=proposal)
        .select_related("department", "task")
        .prefetch_related(
            "contacts",
            Prefetch(
                "answers",
                queryset=Answer.objects.sent().prefetch_related(
                    Prefetch("evaluations", queryset=Evaluation.objects.select_related("member"))
                ),
            ),
        )
        .order_by("round", "role", "id")
    )


def merge_targets(proposal: Proposal) -> QuerySet:
    return (
        Proposal.objects.filter(
            organisation_id=proposal.organisation_id,
            status__in=MERGE_TARGETS,
            merged_into__isnull=True,
        )
        .exclude(pk=proposal.pk)
        .only("pk", "number", "title")
        .order_by("year", "kind", "serial", "id")
    )


def cosigner_choices(organisation, exclude_member=None) -> QuerySet:
    """Members of the same organisation who can co-sign, in official (stroke) order: those
    holding an active seat in its current term (the latest, `members.selectors.current_term`);
    a seat still marked active in an earlier term (a term closed without 届满 recorded) does
    not count. One query (the term is a subquery)."""
    from xieshang.members.selectors import current_terms
    from xieshang.orgs.models import Organisation

    # `organisation` an Organisation or its id (the co-signer picker passes the id).
    pk = getattr(organisation, "pk", organisation)
    term = current_terms(Organisation.objects.filter(pk=pk))
    seated = Membership.objects.filter(status=Membership.Status.ACTIVE, term__in=term).values(
        "member_id"
    )
    qs = Member.objects.filter(organisation=organisation, pk__in=seated)
    if exclude_member is not None:
        qs = qs.exclude(pk=exclude_member.pk)
    # The organisation too: a picker labels each with `members.labels.member_label`.
    return qs.only("pk", "name", "stroke_key", "organisation").order_by("stroke_key", "id")


# --- State and review outcome, shown apart on the proposal page -------------------------------

# The statuses that record a review decision; the proposal page shows the decision as the
# review outcome and the state the proposal is in now beside it, never one mixed label.
_OUTCOME_STATUSES = {
    Proposal.Status.MERGED,
    Proposal.Status.TO_OPINION,
    Proposal.Status.TO_INFO,
    Proposal.Status.REJECTED,
}
_ACCEPTED_STATUSES = {
    Proposal.Status.ACCEPTED,
    Proposal.Status.ASSIGNED,
    Proposal.Status.ANSWERED,
    Proposal.Status.CLOSED,
}


def stage_label(proposal: Proposal) -> str:
    """Where the proposal is now: 草稿, 待审查, 待交办, 办理中, 已答复, 已办结…"""
    S = Proposal.Status
    special = {
        S.ACCEPTED: _("待交办"),
        S.MERGED: _("随并入提案办理"),
        S.TO_OPINION: _("已转办"),
        S.TO_INFO: _("已转办"),
        S.REJECTED: _("审查结束"),
    }
    return str(special.get(proposal.status, proposal.get_status_display()))


def review_outcome(proposal: Proposal) -> dict | None:
    """The review decision ({"code", "label", "target"}), or None while none is taken."""
    status = proposal.status
    if status in _ACCEPTED_STATUSES:
        return {"code": "accepted", "label": str(_("已立案")), "target": None}
    if status in _OUTCOME_STATUSES:
        target = proposal.merged_into if status == Proposal.Status.MERGED else None
        return {"code": status, "label": str(proposal.get_status_display()), "target": target}
    return None
