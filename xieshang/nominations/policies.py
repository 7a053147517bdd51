"""Who may see and do what in nomination rounds, on `core.access`.

- The office (Role.OFFICE) of the round's own committee sets the round up, its seats, records
  the CPPCC Party group's opinion (政协党组 works through the office, which keeps its
  minutes) and confirms the list.
- The chairman's meeting members (Role.CHAIR) see the rounds and may record the Party
  group's opinion too (the chair is the Party group's secretary).
- The organisation department (Role.ORGANISATION_DEPT) nominates Party members, the united
  front department (Role.UNITED_FRONT) everyone else (C5.1); each records the consultations
  and completes the nominations of its own candidates only. Both see the whole list: the
  composition is the joint concern of the list they build together.
- Higher committees' offices, chairs and departments see a committee's rounds and act on
  none of them (reading reaches down the tree; doing stops at the next committee below).
- Nobody else sees anything here (403/404).

Roles are read directly (like `platforms.policies`): which department may act depends on
the candidate's party, a rule of this app, not a permission string.
"""

from django.db.models import Q

from xieshang.core import access
from xieshang.orgs.models import Level, Organisation, Party, Role

from .models import Candidate, NominatingDepartment, NominationRound

OFFICE = frozenset({Role.OFFICE})
OPINION_ROLES = frozenset({Role.OFFICE, Role.CHAIR})
DEPARTMENTS = frozenset({Role.ORGANISATION_DEPT, Role.UNITED_FRONT})
VIEW_ROLES = OFFICE | OPINION_ROLES | DEPARTMENTS
CPPCC_LEVELS = (Level.PROVINCE, Level.CITY, Level.DISTRICT)


def _superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False))


def _roles_in(user, organisation: Organisation) -> set[str]:
    """Roles held in `organisation` or an ancestor of it."""
    return access.roles(user, organisation)


def _acting(user, organisation: Organisation, wanted: frozenset) -> set[str]:
    """Of `wanted`, the roles the user holds for acting in `organisation`: at it or above,
    and not across a committee below the one they hold it in (`core.access`)."""
    return {
        str(role)
        for role in wanted
        if access.in_role_subtree(user, frozenset({role}), organisation)
    }


def _paths(user, wanted: frozenset) -> list[str]:
    return sorted({ra.organisation.path for ra in access.assignments(user) if ra.role in wanted})


def department_for(party: Party) -> str:
    """C5.1: Party members are nominated by the organisation department, everyone else by
    the united front department."""
    if party.kind == Party.Kind.CPC:
        return NominatingDepartment.ORGANISATION
    return NominatingDepartment.UNITED_FRONT


def can_use(user) -> bool:
    """Whether the nomination pages have anything for the user."""
    if not getattr(user, "is_authenticated", False):
        return False
    return _superuser(user) or bool(_paths(user, VIEW_ROLES))


def visible_q(user, field: str = "organisation") -> Q:
    if _superuser(user):
        return Q()
    q = Q(pk__in=[])
    for path in _paths(user, VIEW_ROLES):
        q |= Q(**{f"{field}__path__startswith": path})
    return q


def can_view(user, round: NominationRound) -> bool:
    return _superuser(user) or bool(_roles_in(user, round.organisation) & VIEW_ROLES)


def can_manage(user, round: NominationRound) -> bool:
    return _superuser(user) or bool(_acting(user, round.organisation, OFFICE))


def can_record_opinion(user, round: NominationRound) -> bool:
    return _superuser(user) or bool(_acting(user, round.organisation, OPINION_ROLES))


def nominating_departments(user, round: NominationRound) -> set[str]:
    """The departments the user nominates for in the round's committee."""
    if _superuser(user):
        return {d.value for d in NominatingDepartment}
    return _acting(user, round.organisation, DEPARTMENTS)


def may_nominate(user, round: NominationRound, party: Party) -> bool:
    return department_for(party) in nominating_departments(user, round)


def can_act_on(user, candidate: Candidate) -> bool:
    """Consultation, completion and withdrawal: the candidate's own department."""
    return candidate.department in nominating_departments(user, candidate.round)


def manageable_organisations(user):
    """Committees where the user may open a round."""
    orgs = Organisation.objects.filter(level__in=CPPCC_LEVELS)
    if _superuser(user):
        return orgs
    return orgs.filter(access.role_subtree_q(user, OFFICE, "path"))
