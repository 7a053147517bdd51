"""Who may see and do what with consultation platforms and their sessions, on core.access.

- The office (Role.OFFICE) of the platform's own committee, a street liaison officer
  (Role.LIAISON) in the platform's street or above it, and the platform's own convener
  manage the platform and its sessions. The office of a higher committee reads them (reading
  reaches down the tree; doing stops at the next committee below, `core.access`).
- Outcomes are approved (and so published) by the convener or the office only: the liaison
  officer who records a session does not also sign it off.
- A member sees the platforms they are currently assigned to, and their sessions.
- The chair (Role.CHAIR) reads the platforms and sessions of their committee and below (the
  register, a session's record), as they read residents' issues: reading only.
- Everybody else sees nothing here (the portal shows what is published).

The roles are read here rather than as `core.access` permission strings because the rule is
specific to this app (the convener is a person on the row, not a role).
"""

from django.db.models import Q

from xieshang.core import access
from xieshang.core.access import member_of
from xieshang.orgs.models import Level, Organisation, Role

from .models import Platform, PlatformMember

MANAGER_ROLES = frozenset({Role.OFFICE, Role.LIAISON})
# Who reads the register of their committee and below without managing it.
READ_ROLES = MANAGER_ROLES | {Role.CHAIR}
PLATFORM_LEVELS = (Level.STREET, Level.COMMUNITY)


def _manages(user, organisation: Organisation, roles: frozenset = MANAGER_ROLES) -> bool:
    return access.in_role_subtree(user, roles, organisation)


def _manage_q(user, field: str, roles: frozenset = MANAGER_ROLES) -> Q:
    return access.role_subtree_q(user, roles, f"{field}__path" if field else "path")


def _superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False))


def is_convener(user, platform: Platform) -> bool:
    return bool(getattr(user, "pk", None)) and platform.convener_id == user.pk


def can_create(user, organisation: Organisation) -> bool:
    """Register a platform at this street or community."""
    if organisation.level not in PLATFORM_LEVELS:
        return False
    return _superuser(user) or _manages(user, organisation)


def can_manage(user, platform: Platform) -> bool:
    if _superuser(user) or is_convener(user, platform):
        return True
    return _manages(user, platform.organisation)


def can_approve(user, platform: Platform) -> bool:
    """Approve a session's outcomes for publication: the convener or the office."""
    if _superuser(user) or is_convener(user, platform):
        return True
    return _manages(user, platform.organisation, frozenset({Role.OFFICE}))


def is_assigned(user, platform: Platform) -> bool:
    member = member_of(user)
    return (
        member is not None
        and PlatformMember.objects.filter(
            platform=platform, member=member, until__isnull=True
        ).exists()
    )


def can_view(user, platform: Platform) -> bool:
    return (
        can_manage(user, platform)
        or access.under(platform.organisation, access.role_paths(user, READ_ROLES))
        or is_assigned(user, platform)
    )


def viewable_session_ids(user, sessions) -> set[int]:
    """`can_view` of their platforms for many sessions at once (the duty file's links,
    `followups.subjects`): the platforms a member is assigned to read in one query, so
    that their sessions cost the same however many; the rest is the user's roles."""
    sessions = list(sessions)
    member = member_of(user)
    assigned: set[int] = set()
    if member is not None and sessions:
        assigned = set(
            PlatformMember.objects.filter(
                member=member, until__isnull=True, platform__in={s.platform_id for s in sessions}
            ).values_list("platform_id", flat=True)
        )
    paths = access.role_paths(user, READ_ROLES)
    return {
        s.pk
        for s in sessions
        if s.platform_id in assigned
        or can_manage(user, s.platform)
        or access.under(s.platform.organisation, paths)
    }


def can_view_session(user, session) -> bool:
    """A session's page: whoever may see its platform."""
    return can_view(user, session.platform)


def manage_q(user, field: str = "organisation") -> Q:
    """Platforms (or, with `field="platform__organisation"`, sessions) the user manages."""
    if _superuser(user):
        return Q()
    q = _manage_q(user, field)
    if getattr(user, "is_authenticated", False):
        convener = field.replace("organisation", "convener")
        q |= Q(**{convener: user})
    return q


def visible_q(user, field: str = "organisation") -> Q:
    """The platforms (or sessions) a user may see in lists: those managed, those of the
    committees below (read), those a member is assigned to."""
    q = manage_q(user, field) | access.under_q(access.role_paths(user, READ_ROLES), field)
    member = member_of(user)
    if member is not None:
        assigned = PlatformMember.objects.filter(member=member, until__isnull=True).values(
            "platform_id"
        )
        key = "pk__in" if field == "organisation" else "platform_id__in"
        q |= Q(**{key: assigned})
    return q


def manageable_organisations(user):
    """Streets and communities where the user may register platforms."""
    orgs = Organisation.objects.filter(level__in=PLATFORM_LEVELS)
    if _superuser(user):
        return orgs
    return orgs.filter(_manage_q(user, ""))


def coverage_roots(user) -> list[Organisation]:
    """The nodes whose streets and communities the user oversees (office or liaison)."""
    if _superuser(user):
        return list(Organisation.objects.filter(level=Level.DISTRICT))
    found = {
        ra.organisation.path: ra.organisation
        for ra in access.assignments(user)
        if ra.role in MANAGER_ROLES
    }
    return [found[p] for p in access.outermost(found)]


def can_use_register(user) -> bool:
    """Whether the staff pages of this app have anything for the user."""
    if not getattr(user, "is_authenticated", False):
        return False
    if _superuser(user) or access.role_paths(user, READ_ROLES):
        return True
    if Platform.objects.filter(convener=user).exists():
        return True
    member = member_of(user)
    return (
        member is not None
        and PlatformMember.objects.filter(member=member, until__isnull=True).exists()
    )


def approve_q(user, field: str = "platform__organisation") -> Q:
    """Sessions whose outcomes the user may approve (convener or office)."""
    if _superuser(user):
        return Q()
    q = _manage_q(user, field, frozenset({Role.OFFICE}))
    if getattr(user, "is_authenticated", False):
        q |= Q(**{field.replace("organisation", "convener"): user})
    return q


def visible_streets_q(user) -> Q:
    """Streets offered in the register's filter: those under the user's manager roles, and
    those holding (or whose communities hold) a platform the user sees."""
    if _superuser(user):
        return Q()
    seen = Platform.objects.filter(visible_q(user)).values("organisation_id")
    seen_parents = Organisation.objects.filter(pk__in=seen).values("parent_id")
    return (
        access.under_q(access.role_paths(user, READ_ROLES), "")
        | Q(pk__in=seen)
        | Q(pk__in=seen_parents)
    )
