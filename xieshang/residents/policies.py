"""Who may see and act on a resident's issue, on top of core.access.

- Triage (accept, reject, route, settle, convert, close) and the resident's whole phone
  number: the convener of a platform at the issue's street or community (or above it),
  users holding 街道联络员 (LIAISON) in the issue's node or an ancestor, and the CPPCC office
  (OFFICE) of its own committee: a city office does not triage a district's streets.
- Viewing and statistics: the triagers, plus chairs and the supervising office above, and
  the offices of higher committees (reading reaches down the tree).
- A department (clerk or leader) sees only the issues routed to it.
- Residents see their issue only through ticket + check code (no account, see services).
"""

from django.db.models import Q

from xieshang.core import access
from xieshang.followups.policies import answers_about
from xieshang.orgs.models import Role

from .models import ResidentIssue

TRIAGE_ROLES = frozenset({Role.LIAISON, Role.OFFICE})
VIEW_ROLES = TRIAGE_ROLES | {Role.CHAIR, Role.SUPERVISOR}


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _convener_paths(user) -> list[str]:
    """Paths of the streets/communities where the user convenes a platform (cached)."""
    if not _authenticated(user):
        return []
    cached = getattr(user, "_xs_convener_paths", None)
    if cached is None:
        from xieshang.platforms.models import Platform

        cached = sorted(
            set(Platform.objects.filter(convener=user).values_list("organisation__path", flat=True))
        )
        user._xs_convener_paths = cached
    return cached


def can_triage_in(user, organisation) -> bool:
    if not _authenticated(user):
        return False
    if user.is_superuser:
        return True
    return access.in_role_subtree(user, TRIAGE_ROLES, organisation) or access.under(
        organisation, _convener_paths(user)
    )


def can_triage(user, issue: ResidentIssue) -> bool:
    return can_triage_in(user, issue.organisation)


def is_department_of(user, issue: ResidentIssue) -> bool:
    return issue.department_id is not None and (issue.department_id in access.department_ids(user))


def can_view(user, issue: ResidentIssue) -> bool:
    if not _authenticated(user):
        return False
    if can_triage(user, issue) or is_department_of(user, issue):
        return True
    if access.under(issue.organisation, access.role_paths(user, VIEW_ROLES)):
        return True
    return answers_about(user, issue)


def can_see_phone(user, issue: ResidentIssue) -> bool:
    """The whole number: whoever handles the issue and may need to call the resident."""
    return can_triage(user, issue) or is_department_of(user, issue)


def triage_q(user, field: str = "organisation") -> Q:
    if not _authenticated(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    lookup = f"{field}__path" if field else "path"
    return access.role_subtree_q(user, TRIAGE_ROLES, lookup) | access.under_q(
        _convener_paths(user), field
    )


def visible_q(user, field: str = "organisation") -> Q:
    """Rows a user may see in lists and statistics (not the department's own list)."""
    if not _authenticated(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    paths = [*access.role_paths(user, VIEW_ROLES), *_convener_paths(user)]
    return access.under_q(paths, field)


def can_see_lists(user) -> bool:
    if not _authenticated(user):
        return False
    return (
        user.is_superuser
        or bool(access.role_paths(user, VIEW_ROLES))
        or bool(_convener_paths(user))
    )


def stats_roots(user):
    """The highest nodes a user's statistics start from (their own scope, deduplicated)."""
    from xieshang.orgs.models import Organisation

    if getattr(user, "is_superuser", False):
        return list(Organisation.objects.filter(parent__isnull=True))
    top = access.outermost({*access.role_paths(user, VIEW_ROLES), *_convener_paths(user)})
    return list(Organisation.objects.filter(path__in=top).order_by("path"))


def triages_somewhere(user) -> bool:
    """Is there a street or community whose issues the user handles? Holding a triage role
    is not enough: a city office's subtree stops at the district committees below, so a
    city without streets of its own handles none (its street desk, intake form and bulk
    refusal would all be empty or refused) and reads the lists and statistics instead."""
    if not _authenticated(user):
        return False
    if user.is_superuser or _convener_paths(user):
        return True
    if not access.role_paths(user, TRIAGE_ROLES):
        return False
    cached = getattr(user, "_xs_triages_somewhere", None)
    if cached is None:
        from xieshang.orgs.models import Level, Organisation

        cached = (
            Organisation.objects.filter(level__in=[Level.STREET, Level.COMMUNITY])
            .filter(triage_q(user, field=""))
            .exists()
        )
        user._xs_triages_somewhere = cached
    return cached
