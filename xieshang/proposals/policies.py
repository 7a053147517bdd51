"""Who may see and do what with a proposal, on top of core.access.

- The first proposer (and whoever drafted it) sees their drafts; nobody else does.
- Invited co-signers see the proposal once it is sent to them.
- A department sees only proposals with an assignment to it.
- Proposal-committee staff, the office, the chair and supervisors see every submitted
  proposal of their organisation subtree (`proposals.view`).
"""

from django.db.models import Q, QuerySet

from xieshang.core import access
from xieshang.core.access import department_ids, member_of
from xieshang.followups.policies import LEADERS_OFFICES, answers_about
from xieshang.orgs.models import Role

from .models import Answer, Assignment, Attachment, Proposal, Signer


def is_first_proposer(user, proposal: Proposal) -> bool:
    member = member_of(user)
    if proposal.created_by_id and proposal.created_by_id == getattr(user, "pk", None):
        return True
    return member is not None and proposal.first_proposer_id == member.pk


def is_signer(user, proposal: Proposal) -> bool:
    member = member_of(user)
    return member is not None and proposal.signers.filter(member=member).exists()


def can_view(user, proposal: Proposal, *, signed: bool | None = None) -> bool:
    """`signed`: whether the user co-signs it, when the caller has read it (None: looked up
    here, one query)."""
    # `proposals.view` first: it reads only the request's role assignments (which the layout
    # reads anyway), so the reviewer's page never reads the login's member. The same answer in
    # every case: only a draft is refused before it, and a draft is not asked it here.
    not_draft = proposal.status != Proposal.Status.DRAFT
    if not_draft and access.can(user, "proposals.view", proposal.organisation):
        return True
    if is_first_proposer(user, proposal):
        return True
    if not not_draft:
        return False
    if signed if signed is not None else is_signer(user, proposal):
        return True
    depts = department_ids(user)
    if depts and proposal.assignments.filter(department_id__in=depts).exists():
        return True
    if leaders_office_reads(user, proposal):
        return True
    # An office asked to carry out a leader's instruction on it reads what it answers.
    return answers_about(user, proposal)


def leaders_office_reads(user, proposal: Proposal) -> bool:
    """A key proposal (重点提案) goes to the leaders of its node: the Party committee's and
    the government's office there read it, to record their leaders' instructions on it
    (C4.7, `proposals.instructions`); not an office of a node above it, nor other proposals."""
    return proposal.is_key and any(
        ra.role in LEADERS_OFFICES and ra.organisation_id == proposal.organisation_id
        for ra in access.assignments(user)
    )


def viewable_ids(user, proposals) -> set[int]:
    """`can_view` for many proposals at once (the duty file's links, `followups.subjects`):
    which of them the user co-signs is read in one query, so that a member's proposals cost
    the same however many; one neither theirs nor co-signed is asked the rest alone."""
    proposals = list(proposals)
    member = member_of(user)
    signed: set[int] = set()
    if member is not None and proposals:
        signed = set(
            Signer.objects.filter(
                member=member, proposal__in=[p.pk for p in proposals]
            ).values_list("proposal_id", flat=True)
        )
    return {p.pk for p in proposals if can_view(user, p, signed=p.pk in signed)}


def can_view_attachment(user, attachment: Attachment) -> bool:
    """An attachment is for whoever may see its proposal (core.files asks this)."""
    return can_view(user, attachment.proposal)


def can_review(user, proposal: Proposal) -> bool:
    return access.can(user, "proposals.review", proposal.organisation)


def can_rate_for(user, proposal: Proposal) -> bool:
    """代为评价 of an answer to `proposal` (the answered one): the proposal committee, as it
    records 代为确认, and the clerk who entered it, or a proposal merged into it, for
    proposers without an account (paper proposals: that clerk is told to have the answer
    rated, `services.common._proposer_users`). A proposer rates their own answers."""
    if can_review(user, proposal):
        return True
    # A member enters proposals only as their own first proposer (`proposal_create`): never
    # a stand-in, and the proposer's page asks nothing more.
    if not getattr(user, "is_authenticated", False) or member_of(user) is not None:
        return False
    # One query: it, or one merged into it, entered by this user for a first proposer
    # without an account (or for a body: no first proposer).
    return (
        Proposal.objects.filter(Q(pk=proposal.pk) | Q(merged_into_id=proposal.pk), created_by=user)
        .filter(Q(first_proposer__isnull=True) | Q(first_proposer__user__isnull=True))
        .exists()
    )


def can_approve_key(user, proposal: Proposal) -> bool:
    return access.can(user, "proposals.key_approve", proposal.organisation)


def can_handle(user, assignment: Assignment) -> bool:
    return assignment.department_id in department_ids(user)


def can_sign_off(user, assignment: Assignment) -> bool:
    """签发 is the department's responsible leader's: a 承办单位负责人 of that department."""
    return any(
        ra.role == Role.DEPARTMENT_LEADER and ra.department_id == assignment.department_id
        for ra in access.assignments(user)
    )


def can_view_answer(user, answer: Answer) -> bool:
    """An answer's letters (the generated one and the stamped scan of record): see
    `can_view_letters`. core.files asks this for the scan."""
    return can_view_letters(user, answer.assignment.proposal)


def can_view_letters(user, proposal: Proposal) -> bool:
    """The answer letters of `proposal` (the proposal the departments answered) are for
    the departments handling it, its proposers (also of proposals merged into it, who get
    the same answer) and holders of `proposals.view`."""
    from .services.evaluation import proposers  # services import this module

    if access.can(user, "proposals.view", proposal.organisation):
        return True
    if proposal.created_by_id and proposal.created_by_id == user.pk:
        return True
    depts = department_ids(user)
    if depts and proposal.assignments.filter(department_id__in=depts).exists():
        return True
    member = member_of(user)
    if member is not None and proposal.first_proposer_id == member.pk:
        return True
    return member is not None and member.pk in {m.pk for m in proposers(proposal)}


def scope_q(user) -> Q:
    """Proposals of the organisations where `user` holds `proposals.view`, drafts aside: an
    IN sub-select on the proposal's own column (no join), so the list's ordered index can
    serve it."""
    return Q(organisation_id__in=access.organisations(user, "proposals.view").values("pk")) & ~Q(
        status=Proposal.Status.DRAFT
    )


def personal_ids(user) -> list[QuerySet]:
    """The ids a user sees by their own part in a proposal: first proposer, co-signer (not
    drafts), drafter, handling department. Each is one index look-up."""
    branches = []
    member = member_of(user)
    if member is not None:
        branches.append(Proposal.objects.filter(first_proposer=member).values_list("pk", flat=True))
        branches.append(
            Signer.objects.filter(member=member)
            .exclude(proposal__status=Proposal.Status.DRAFT)
            .values_list("proposal_id", flat=True)
        )
    if getattr(user, "is_authenticated", False):
        branches.append(Proposal.objects.filter(created_by=user).values_list("pk", flat=True))
    depts = department_ids(user)
    if depts:
        branches.append(
            Assignment.objects.filter(department_id__in=depts).values_list("proposal_id", flat=True)
        )
    return [b.order_by() for b in branches]


def has_drafts(user) -> bool:
    """Whether drafts are among the proposals `user` sees (`personal_ids`): a member writes
    them, and the office enters a paper proposal (纸质提案代录) as a draft of its own until it
    is sent. For everyone else the scope holds none (`scope_q`)."""
    if member_of(user) is not None:
        return True
    return Proposal.objects.filter(created_by=user, status=Proposal.Status.DRAFT).exists()


def union_of(branches: list[QuerySet]) -> QuerySet:
    first, *rest = branches
    return first.union(*rest) if rest else first


def visible_ids(user) -> QuerySet:
    """The ids of the proposals a user may see in lists (drafts only their own), as one
    UNION of index-served branches: an OR across the joins to signers, assignments and
    organisations makes PostgreSQL read every proposal (300 ms at 300,000); each branch
    here reads only its own rows. Best for counting a scope."""
    scope = Proposal.objects.filter(scope_q(user)).values_list("pk", flat=True).order_by()
    return union_of([scope, *personal_ids(user)])


def visible_organisations(user) -> list[int]:
    """The organisations of every proposal `visible_ids` holds: the scope's and those of
    the user's own part (one query). A search tells the text index these
    (`textsim.search`'s `organisations`), so that it reads only their entries."""
    ids = access.organisations(user, "proposals.view").values_list("pk", flat=True).order_by()
    personal = personal_ids(user)
    if personal:
        ids = ids.union(
            Proposal.objects.filter(pk__in=union_of(personal))
            .values_list("organisation_id", flat=True)
            .order_by()
        )
    return sorted(set(ids))


def visible_filter(user) -> Q:
    """The same set as `visible_ids`, as a filter for a page of a list in date order: the
    scope walks the ordered index and stops after a page, the personal part is one small
    UNION (a page of a city's 20,000 proposals: 77 ms as `visible_ids`, under 1 ms so)."""
    personal = personal_ids(user)
    if not personal:
        return scope_q(user)
    return scope_q(user) | Q(pk__in=union_of(personal))


def proposed_by_ids(member) -> QuerySet:
    """The ids of the proposals `member` proposes: as first proposer or confirmed co-signer
    (a UNION of two index look-ups; an OR across the signers join reads every proposal)."""
    return (
        Proposal.objects.filter(first_proposer=member)
        .values_list("pk", flat=True)
        .order_by()
        .union(
            Signer.objects.filter(member=member, status=Signer.Status.CONFIRMED)
            .values_list("proposal_id", flat=True)
            .order_by()
        )
    )
