"""Object rules of the duty file, on top of `core.access`."""

from xieshang.core import access
from xieshang.core.access import member_of


def can_manage(user, organisation) -> bool:
    return access.can(user, "duty.manage", organisation)


def can_view_case(user, case) -> bool:
    """The office that handles a discipline case, the member it is about, and the chairman's
    meeting, which is asked to confirm a revocation it proposes (read only)."""
    own = member_of(user)
    return (
        can_manage(user, case.organisation)
        or (own is not None and own.pk == case.member_id)
        or access.can(user, "duty.award_approve", case.organisation)
    )


def can_view_member(user, member) -> bool:
    """A member sees their own file; the office sees every file in its scope."""
    own = member_of(user)
    return (own is not None and own.pk == member.pk) or can_manage(user, member.organisation)


def office_organisation(user):
    """The organisation whose duty files the user manages (their highest such node)."""
    for assignment in access.assignments(user):
        if access.can(user, "duty.manage", assignment.organisation):
            return assignment.organisation
    return None
