"""Who may see and do what with a social-conditions item, on top of core.access.

- Authors (and whoever drafted it) see their own items, drafts included; no other member does.
- The office of the item's organisation sees every item once submitted; drafts stay private.
  Offices of nodes above it (`opinions.view` reaches down) see it once the district's office
  has accepted it: one still 待审核, returned or not accepted is that committee's own matter
  (`reads_undecided`).
- The office of a higher node the item was reported to sees it in its upward queue.
- The supervising office (督查室) reads an item that a follow-up task it tracks is about
  (`followups.policies.supervises_task_about`), and no other item.
"""

from django.db.models import Q

from xieshang.core import access
from xieshang.core.access import acting_member, member_of
from xieshang.followups.policies import answers_about, supervises_task_about

from .models import Opinion


def is_author(user, opinion: Opinion) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if opinion.created_by_id == user.pk:
        return True
    member = member_of(user)
    return member is not None and opinion.authors.filter(pk=member.pk).exists()


def can_submit(user) -> bool:
    """Members while seated (a former member reads their own items, writes none) and staff
    holding `opinions.submit`."""
    return access.can(user, "opinions.submit") or acting_member(user) is not None


def own_office_q(user, field: str = "organisation") -> Q:
    """Rows of the organisations where the user runs the office itself. Offices higher up
    may act on items below (the tree rule), but their queue shows their own node's items
    and, separately, what was reported to them."""
    if getattr(user, "is_superuser", False):
        return Q()
    ids = {
        ra.organisation_id
        for ra in access.assignments(user)
        if "opinions.manage" in access.PERMISSIONS.get(ra.role, ())
    }
    return Q(**{f"{field}_id__in": sorted(ids)})


def can_manage(user, opinion: Opinion) -> bool:
    return access.can(user, "opinions.manage", opinion.organisation)


def reports_locally(user, opinion: Opinion) -> bool:
    """Whether `user` runs the office of the item's own committee, which alone reports it to
    that committee's Party committee and government (报送党委 / 报送政府): an office higher
    up, acting on it by the tree rule or as the node it was reported to, would mark the
    district's recipients, not its own."""
    if getattr(user, "is_superuser", False):
        return True
    return any(
        ra.organisation_id == opinion.organisation_id
        and "opinions.manage" in access.PERMISSIONS.get(ra.role, ())
        for ra in access.assignments(user)
    )


def can_edit(user, opinion: Opinion) -> bool:
    """Authors edit their draft or returned item; the office edits any item it has not yet
    published."""
    if opinion.status in (Opinion.Status.DRAFT, Opinion.Status.RETURNED) and is_author(
        user, opinion
    ):
        return True
    return opinion.status in (
        Opinion.Status.SUBMITTED,
        Opinion.Status.RETURNED,
        Opinion.Status.ACCEPTED,
    ) and can_manage(user, opinion)


def can_manage_upward(user, opinion: Opinion) -> bool:
    """The office of a node the item was reported to may adopt it and report it further."""
    return opinion.reported_to_id is not None and access.can(
        user, "opinions.manage", opinion.reported_to
    )


def reads_record(user, opinion: Opinion) -> bool:
    """The item's history and its path up the tree are the CPPCC's own record: its authors,
    the CPPCC staff who read its organisation's items, and the office of a node it was
    reported to. A Party committee's or government's office reading what was reported to it,
    or a unit answering about it, reads the item, not the review notes."""
    return (
        is_author(user, opinion)
        or access.can(user, "opinions.view", opinion.organisation)
        or can_manage_upward(user, opinion)
    )


def instruction_organisation(opinion: Opinion, user):
    """Whose units carry out an instruction `user` records on the item: the item's own
    office's units, unless the user acts only at the node it was reported to (a city office
    recording its mayor's instruction on a district's report)."""
    if can_manage(user, opinion) or opinion.reported_to_id is None:
        return opinion.organisation
    return opinion.reported_to


# Statuses before the item's own office has accepted it: the committee's internal work, read
# by its own staff and not by the offices above (they read what was accepted and reported).
UNDECIDED = (Opinion.Status.SUBMITTED, Opinion.Status.RETURNED, Opinion.Status.REJECTED)


def _view_roles() -> list[str]:
    return [role for role, perms in access.PERMISSIONS.items() if "opinions.view" in perms]


def reads_undecided(user, organisation) -> bool:
    """Whether `user` reads `organisation`'s items not yet accepted: at their own committee
    and its streets, not in a committee below (where reading reaches, this stops)."""
    if getattr(user, "is_superuser", False):
        return True
    return access.in_role_subtree(user, _view_roles(), organisation)


def can_view(user, opinion: Opinion, *, authored: bool | None = None) -> bool:
    """`authored`: whether the user is among its authors, when the caller has read it
    (None: looked up here, one query)."""
    if authored if authored is not None else is_author(user, opinion):
        return True
    if opinion.status == Opinion.Status.DRAFT:
        return False
    if access.can(user, "opinions.view", opinion.organisation) and (
        opinion.status not in UNDECIDED or reads_undecided(user, opinion.organisation)
    ):
        return True
    if opinion.reported_to_party and access.can(user, RECEIVED_PARTY, opinion.organisation):
        return True
    if opinion.reported_to_government and access.can(
        user, RECEIVED_GOVERNMENT, opinion.organisation
    ):
        return True
    if opinion.reported_to_id is not None and access.can(
        user, "opinions.view", opinion.reported_to
    ):
        return True
    # A unit or office asked to carry out a leader's instruction on it reads what it answers.
    if answers_about(user, opinion):
        return True
    return supervises_task_about(user, opinion)


def viewable_ids(user, opinions) -> set[int]:
    """`can_view` for many items at once (the duty file's links, `followups.subjects`):
    which of them the user wrote is read in one query, so that a member's items cost the
    same however many; one not theirs is asked the rest alone."""
    opinions = list(opinions)
    authored: set[int] = set()
    if getattr(user, "is_authenticated", False) and opinions:
        authored = {o.pk for o in opinions if o.created_by_id == user.pk}
        member = member_of(user)
        if member is not None:
            authored |= set(
                Opinion.authors.through.objects.filter(
                    member=member, opinion__in=[o.pk for o in opinions]
                ).values_list("opinion_id", flat=True)
            )
    return {o.pk for o in opinions if can_view(user, o, authored=o.pk in authored)}


# 报送党委 / 报送政府: the Party committee's and the government's offices read the items the
# CPPCC office reported to them, and nothing of the office's queue.
RECEIVED_PARTY = "opinions.received_party"
RECEIVED_GOVERNMENT = "opinions.received_government"


def received_q(user) -> Q:
    """The items reported to the Party committee or government whose office `user` is."""
    return (access.org_filter(user, RECEIVED_PARTY) & Q(reported_to_party=True)) | (
        access.org_filter(user, RECEIVED_GOVERNMENT) & Q(reported_to_government=True)
    )


def receives(user) -> bool:
    return access.can(user, RECEIVED_PARTY) or access.can(user, RECEIVED_GOVERNMENT)


def decided_or_own_q(user, prefix: str = "") -> Q:
    """Items the user may see by name as far as review goes: accepted or later anywhere they
    read, and any state at their own committee and its streets (`reads_undecided`). A
    committee below keeps its 待审核, 退回修改 and 不予录用 items to itself: the offices above
    count them in the year's totals, never by title or author (`selectors.statistics`)."""
    if getattr(user, "is_superuser", False):
        return Q()
    return ~Q(**{f"{prefix}status__in": UNDECIDED}) | access.role_subtree_q(
        user, _view_roles(), f"{prefix}organisation__path"
    )


def visible_q(user) -> Q:
    """The items a user may see in lists (drafts only their own)."""
    q = access.org_filter(user, "opinions.view") & ~Q(status=Opinion.Status.DRAFT)
    # Not yet accepted: only where the user's own committee is (`reads_undecided`).
    q &= decided_or_own_q(user)
    q |= access.org_filter(user, "opinions.view", "reported_to") & Q(reported_to__isnull=False)
    q |= received_q(user)
    member = member_of(user)
    if member is not None:
        q |= Q(authors=member)
    if getattr(user, "is_authenticated", False):
        q |= Q(created_by=user)
    return q
