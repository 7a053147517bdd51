"""Organisation scope and roles: the one place that answers "what may this user see or do here".

A user holds roles (`orgs.RoleAssignment`) in organisations. A role grants permissions
(strings such as "members.view") in its organisation and below it in the tree: reading
reaches every node below, so city staff see their districts; doing stops at the next CPPCC
committee below, whose own office does it (`REACHES_DOWN`). Views, the API and exports all
call these functions; per-app `policies.py` modules add object rules (a member sees their
own draft) on top.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet

from xieshang.orgs.models import ADMIN_DUTIES, Level, Organisation, Role

_STAFF_READ = {"members.view", "orgs.view", "checks.view"}

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.OFFICE: frozenset(
        _STAFF_READ
        | {
            "members.edit",
            "members.import",
            "members.export",
            "members.view_pii",
            # Issue 11: talks and visits (C3.3), Party groups (C6.2), conveners (C5.5).
            "members.contacts",
            "members.party_groups",
            "members.conveners",
            "notifications.send",
            "followups.view",
            "followups.manage",
            "proposals.view",
            "consultation.view",
            "consultation.topic_submit",
            "consultation.manage",
            "consultation.activities",
            "consultation.plan_draft",
            "consultation.party_plan_comment",
            "meetings.view",
            "meetings.manage",
            "duty.manage",
            # Reading the duty files and scores, which reaches the committees below (a
            # province office reads a city's evaluation); recording and deciding stop at
            # the own committee (duty.manage).
            "duty.view",
            "opinions.view",
            "opinions.manage",
            "opinions.submit",
            "portal.screening",
            "orgs.department_order",
            # Issue 11: activity budgets (C6.4): the office keeps the books.
            "budgets.view",
            "budgets.manage",
        }
    ),
    Role.PROPOSAL_COMMITTEE: frozenset(
        _STAFF_READ
        | {
            "followups.view",
            "followups.manage",
            "proposals.view",
            "proposals.review",
            "proposals.assign",
        }
    ),
    Role.COMMITTEE_STAFF: frozenset(
        {
            "members.view",
            "members.contacts",
            "orgs.view",
            "consultation.view",
            "consultation.topic_submit",
            "consultation.activities",
            "meetings.view",
            "meetings.committee_report",
            "opinions.submit",
        }
    ),
    Role.CHAIR: frozenset(
        _STAFF_READ
        | {
            "members.export",
            "followups.view",
            "proposals.view",
            "proposals.key_approve",
            "consultation.view",
            "consultation.topic_submit",
            "consultation.plan_review",
            "consultation.party_plan_comment",
            "meetings.view",
            "meetings.leave_approve",
            "opinions.view",
            # C5.8: the chairman's meeting approves or returns the commendation list.
            "duty.award_approve",
            "budgets.view",
        }
    ),
    Role.MEMBER: frozenset({"consultation.topic_submit", "opinions.submit"}),
    Role.GROUP_LEADER: frozenset({"orgs.view"}),
    Role.DEPARTMENT: frozenset({"consultation.topic_submit"}),
    Role.DEPARTMENT_LEADER: frozenset({"consultation.topic_submit"}),
    Role.SUPERVISOR: frozenset(
        # The supervision office checks how the activity funds were used: it reads budgets.
        {"orgs.view", "followups.view", "proposals.view", "consultation.view", "budgets.view"}
    ),
    Role.PARTY_OFFICE: frozenset(
        {
            "orgs.view",
            "consultation.view",
            "consultation.topic_submit",
            "consultation.plan_revise",
            "consultation.plan_revision_complete",
            "consultation.decide",
            "consultation.party_plan",
            # They receive consultation outcomes and leaders' instructions: they follow
            # the departments' written feedback on them.
            "followups.view",
            # The 社情民意 items reported to the Party committee (报送党委), not the office's
            # queue of submissions.
            "opinions.received_party",
        }
    ),
    Role.GOVERNMENT_OFFICE: frozenset(
        {
            "orgs.view",
            "consultation.view",
            "consultation.topic_submit",
            "consultation.plan_revise",
            "consultation.decide",
            "followups.view",
            "opinions.received_government",
        }
    ),
    Role.STANDING_SECRETARY: frozenset(
        {
            "orgs.view",
            "consultation.view",
            "consultation.plan_approve",
            "consultation.decide",
            "followups.view",
        }
    ),
    Role.ORGANISATION_DEPT: frozenset({"members.view", "orgs.view"}),
    Role.UNITED_FRONT: frozenset(
        {
            "members.view",
            "orgs.view",
            "consultation.view",
            "consultation.topic_submit",
            "consultation.party_plan",
        }
    ),
    Role.LIAISON: frozenset({"orgs.view", "consultation.topic_submit"}),
    # 三员分立: the three administrator duties see nothing of the domain data beyond what
    # their duty needs, and none of them can grant itself another's duty.
    # The official order of the handling units is the office's; the system administrator,
    # who keeps the reference data, may set it too.
    # The configurable rules (规则设置) are reference data too: the system administrator
    # changes them for their organisation and the ones below it (docs/decisions.md).
    Role.SYSTEM_ADMIN: frozenset(
        {"orgs.view", "orgs.manage", "orgs.department_order", "orgs.rules", "system.manage"}
    ),
    Role.SECURITY_ADMIN: frozenset({"security.manage", "audit.view_admins"}),
    Role.AUDIT_ADMIN: frozenset({"audit.view", "audit.export"}),
}


def assignments(user) -> list:
    """The user's role assignments with their organisations, cached on the user object for
    the request so that a page asks the database once."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_xs_assignments", None)
    if cached is None:
        cached = list(
            user.role_assignments.select_related("organisation").order_by(
                "organisation__path", "role"
            )
        )
        user._xs_assignments = cached
    return cached


def forget(user) -> None:
    """Drop what this module kept on the user for the request: their roles just changed."""
    for key in (
        "_xs_assignments",
        "_xs_grants",
        "_xs_committees_below",
        "_xs_scope_shares",
        "_xs_former",
    ):
        user.__dict__.pop(key, None)


def member_of(user):
    """The `members.Member` a login belongs to, or None (staff, anonymous)."""
    # RelatedObjectDoesNotExist is an AttributeError, so getattr's default covers it.
    return getattr(user, "member", None) if getattr(user, "is_authenticated", False) else None


def acting_member(user):
    """The `members.Member` a login acts as — drafts, submits, co-signs, writes 社情民意, signs
    in — or None. A former member (every seat recorded for them ended: resigned, revoked,
    term ended) is None here and keeps `member_of`, which reads their own past records. A
    member with no seat recorded at all acts as before. One query, kept on the user for the
    request."""
    member = member_of(user)
    if member is None:
        return None
    former = user.__dict__.get("_xs_former")
    if former is None:
        # "active" is `members.Membership.Status.ACTIVE` (core sits below members).
        statuses = set(member.memberships.values_list("status", flat=True).distinct())
        former = bool(statuses) and "active" not in statuses
        user.__dict__["_xs_former"] = former
    return None if former else member


def is_former_member(user) -> bool:
    """Whether the login belongs to a member who holds no seat any more (`acting_member`)."""
    return member_of(user) is not None and acting_member(user) is None


DEPARTMENT_ROLES = frozenset({Role.DEPARTMENT, Role.DEPARTMENT_LEADER})


def department_ids(user) -> set[int]:
    """Departments (承办单位) the user answers for as clerk or leader."""
    return {
        ra.department_id
        for ra in assignments(user)
        if ra.department_id and ra.role in DEPARTMENT_ROLES
    }


def roles(user, organisation: Organisation | None = None) -> set[str]:
    """Roles the user holds (in `organisation` or any ancestor of it, if given)."""
    result = set()
    for ra in assignments(user):
        if organisation is None or organisation.path.startswith(ra.organisation.path):
            result.add(ra.role)
    return result


def has_role(user, *wanted: str) -> bool:
    return bool(roles(user) & set(wanted))


def role_holders(organisation, *roles: str, committee=None) -> QuerySet:
    """The active accounts (`is_active`) holding any of `roles` in `organisation` itself:
    whom a notice to "the office" (or the chair, the proposal committee...) of a node goes
    to. `organisation` is an Organisation or its pk, or a list of either for several nodes
    (a proposal's organisation and the levels above: `ancestor_ids()`). A role held above
    or below the node does not count: holders are looked up where the role was granted,
    not where it reaches (`can`). A queryset of users, each once however many of the roles
    they hold, in pk order (`.first()` is the earliest account). With `committee` (a
    special committee or its pk): only the roles held for that committee (its staff)."""
    from django.contrib.auth import get_user_model

    nodes = organisation if isinstance(organisation, list | tuple | set) else [organisation]
    ids = [getattr(node, "pk", node) for node in nodes]
    held = {}
    if committee is not None:
        held["role_assignments__committee_id"] = getattr(committee, "pk", committee)
    return (
        get_user_model()
        .objects.filter(
            role_assignments__organisation_id__in=ids,
            role_assignments__role__in=roles,
            is_active=True,
            **held,
        )
        .distinct()
        .order_by("pk")
    )


# What reaches down the tree: reading (a city sees its districts' work and figures), proposing
# a consultation topic (a suggestion the receiving office screens) and the three
# administrator duties, which a provincial deployment runs from the top. Everything
# else — every write, a decision, full personal data, an export of it — stops at the next
# CPPCC committee below: a city office runs the city committee and its streets, not the
# districts, whose own office does (SPEC: the higher level receives reports and roll-ups).
REACHES_DOWN = frozenset(
    {
        "members.view",
        "orgs.view",
        "checks.view",
        "followups.view",
        "proposals.view",
        "consultation.view",
        "meetings.view",
        "opinions.view",
        "budgets.view",
        "duty.view",
        "consultation.topic_submit",
        "orgs.manage",
        "orgs.rules",
        "system.manage",
        "security.manage",
        "audit.view_admins",
        "audit.view",
        "audit.export",
    }
)
# Levels whose nodes have CPPCC committees below them.
_ABOVE_DISTRICT = frozenset({Level.PROVINCE, Level.CITY})


def _grants(user, perm: str) -> list[tuple[str, tuple[str, ...]]]:
    """Where `user` may do `perm`: [(subtree path, paths of the subtrees cut out of it)],
    none inside another unless an outer one cuts it out. Kept on the user for the request;
    a read or a district's role costs no query, a city's or province's write one; the 政协委员
    role two (the account's member and its seats: a former member's role grants nothing)."""
    cache = user.__dict__.setdefault("_xs_grants", {})
    if perm in cache:
        return cache[perm]
    held = [
        ra.organisation
        for ra in assignments(user)
        if perm in PERMISSIONS.get(ra.role, ())
        and (ra.role != Role.MEMBER or not is_former_member(user))
    ]
    local = perm not in REACHES_DOWN
    grants = _subtrees(held, _committees_below(user) if local else [])
    cache[perm] = grants
    return grants


def _subtrees(held, below) -> list[tuple[str, tuple[str, ...]]]:
    grants: list[tuple[str, tuple[str, ...]]] = []
    for path in sorted(org.path for org in held):
        if _within(path, grants):
            continue  # already inside a subtree the user holds it in
        cut = outermost(p for p in below if p.startswith(path) and p != path)
        grants.append((path, tuple(cut)))
    return grants


def role_paths(user, roles) -> list[str]:
    """Paths of the organisations where the user holds one of `roles`, uncut: what a
    role-based app (residents' issues, platforms) lets its holders read down the tree."""
    return sorted({ra.organisation.path for ra in assignments(user) if ra.role in roles})


def under(organisation: Organisation, paths) -> bool:
    return any(organisation.path.startswith(p) for p in paths)


def under_q(paths, field: str) -> Q:
    """Rows whose `field` (an Organisation FK; "" for organisations themselves) lies under
    one of `paths`; matches nothing when there are none."""
    return _subtrees_q([(path, ()) for path in paths], f"{field}__path" if field else "path")


def role_subtrees(user, roles) -> list[tuple[str, tuple[str, ...]]]:
    """Where the user holds one of `roles`, for apps whose rule is a role rather than a
    permission (residents' issues, platforms): each subtree with the committees below cut
    out, as for a write, so a city office does not act for a district's (`REACHES_DOWN`)."""
    if not getattr(user, "is_authenticated", False):
        return []
    key = "roles:" + ",".join(sorted(roles))
    cache = user.__dict__.setdefault("_xs_grants", {})
    if key not in cache:
        held = [ra.organisation for ra in assignments(user) if ra.role in roles]
        cache[key] = _subtrees(held, _committees_below(user)) if held else []
    return cache[key]


def in_role_subtree(user, roles, organisation: Organisation) -> bool:
    return _within(organisation.path, role_subtrees(user, roles))


def role_subtree_q(user, roles, lookup: str) -> Q:
    """A Q on `lookup` (a path field) for `role_subtrees`; matches nothing when none."""
    return _subtrees_q(role_subtrees(user, roles), lookup)


def _within(path: str, grants) -> bool:
    """Does `path` lie in one of the (subtree, cut-outs) `grants`?"""
    return any(path.startswith(p) and not _cut(path, cut) for p, cut in grants)


def _subtrees_q(grants, lookup: str) -> Q:
    """A Q on `lookup` (a path field) for the (subtree, cut-outs) `grants`: the Python test
    `_within` as SQL. Matches nothing when there are none."""
    q = None
    for path, cut in grants:
        part = Q(**{f"{lookup}__startswith": path})
        for c in cut:
            part &= ~Q(**{f"{lookup}__startswith": c})
        q = part if q is None else q | part
    return Q(pk__in=[]) if q is None else q


def outermost(paths) -> list[str]:
    """The sorted `paths` without those inside another of them: its subtree covers them."""
    result: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(p) for p in result):
            result.append(path)
    return result


def _committees_below(user) -> list[str]:
    """Paths of the CPPCC committees below the city and province nodes where the user holds
    any role: one query per request, and none for a district's staff."""
    cached = user.__dict__.get("_xs_committees_below")
    if cached is None:
        tops = {
            ra.organisation for ra in assignments(user) if ra.organisation.level in _ABOVE_DISTRICT
        }
        cached = []
        if tops:
            q = Q()
            for org in tops:
                q |= Q(path__startswith=org.path)
            cached = sorted(
                Organisation.objects.filter(q, level__in=[Level.CITY, Level.DISTRICT])
                .exclude(pk__in=[o.pk for o in tops])
                .values_list("path", flat=True)
            )
        user.__dict__["_xs_committees_below"] = cached
    return cached


def _cut(path: str, cut: tuple[str, ...]) -> bool:
    return any(path.startswith(c) for c in cut)


def _paths_with(user, perm: str) -> list[str]:
    return [path for path, _cut_out in _grants(user, perm)]


def grant_paths(user, perm: str) -> list[str]:
    """The paths of the subtrees at whose top the user holds `perm` ([""] for the
    superuser); for a write, committees below may be cut out (`organisations` says)."""
    if getattr(user, "is_superuser", False):
        return [""]
    return _paths_with(user, perm)


def _path_q(user, perm: str, lookup: str) -> Q | None:
    """A Q on `lookup` (a path field) for the user's grants of `perm`; None when none."""
    grants = _grants(user, perm)
    return _subtrees_q(grants, lookup) if grants else None


def can(user, perm: str, organisation: Organisation | None = None) -> bool:
    """May `user` do `perm` in `organisation` (or anywhere, when no organisation is given)?"""
    if getattr(user, "is_superuser", False) and perm not in {"audit.view", "audit.export"}:
        # The superuser is the installer's break-glass account; it is not an auditor.
        return True
    grants = _grants(user, perm)
    if organisation is None:
        return bool(grants)
    return _within(organisation.path, grants)


def same_scope(user, perm: str, other: str) -> bool:
    """Whether `user` may do `perm` in exactly the organisations where they may do `other`
    (a province office reads every committee's members but exports its own: the list says
    so beside its export button). No query beyond the request's assignments."""
    if getattr(user, "is_superuser", False):
        return True
    return _grants(user, perm) == _grants(user, other)


def require(user, perm: str, organisation: Organisation | None = None) -> None:
    if not can(user, perm, organisation):
        raise PermissionDenied


def org_filter(user, perm: str, field: str = "organisation") -> Q:
    """A Q that keeps rows whose `field` (an Organisation FK) lies in the user's scope."""
    if getattr(user, "is_superuser", False):
        return Q()
    q = _path_q(user, perm, f"{field}__path")
    return Q(pk__in=[]) if q is None else q


def scope(qs: QuerySet, user, perm: str, field: str = "organisation") -> QuerySet:
    return qs.filter(org_filter(user, perm, field))


def scope_share(user, *perms: str) -> float:
    """The share of all organisations in which the user holds any of `perms` (one query,
    kept on the user object for the request as `assignments` is: a list search asks it for
    its page and again for its total): a district's staff in a province ~0.03, a city's
    ~0.09, the province's 1."""
    shares = user.__dict__.setdefault("_xs_scope_shares", {})
    if perms not in shares:
        mine = Organisation.objects.none()
        for perm in perms:
            mine = mine | organisations(user, perm)
        counts = Organisation.objects.aggregate(
            mine=Count("pk", filter=Q(pk__in=mine.values("pk"))), total=Count("pk")
        )
        shares[perms] = counts["mine"] / max(1, counts["total"])
    return shares[perms]


def scope_is_small(user, *perms: str) -> bool:
    """Whether the organisations in which the user holds any of `perms` are under a
    twentieth of all: a district's staff in a province (a city's are about a twelfth).

    A list over a small scope is fastest from the scope's rows (an index look-up per
    organisation); over a wide one, from reading the whole table once in the list's order."""
    return scope_share(user, *perms) < SMALL_SCOPE


SMALL_SCOPE = 1 / 20
# A search tells the text index the organisations of the user's rows when their scope is at
# most this share of all (`textsim.search`'s `organisations`): a city's (~0.09) then reads
# 900 entries of "养老" instead of the province's 16,000; the whole province's list would
# only slow the index down.
NARROW_SCOPE = 1 / 4


def organisations(user, perm: str) -> QuerySet:
    """Organisations in which the user may do `perm`."""
    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    q = _path_q(user, perm, "path")
    return Organisation.objects.none() if q is None else Organisation.objects.filter(q)


def home_organisation(user) -> Organisation | None:
    """The organisation a user works in by default: the highest node among their roles."""
    found = assignments(user)
    return found[0].organisation if found else None


def admin_duty_conflict(user, new_role: str, exclude_ids: Iterable[int] = ()) -> str | None:
    """The role `user` already holds that `new_role` would clash with (三员分立), or None.
    An administrator duty is an account of its own: it is held with no other administrator
    duty and no business role, so no one audits, secures or runs the system over records
    they also work on."""
    held = {ra.role for ra in user.role_assignments.exclude(pk__in=list(exclude_ids))}
    held.discard(new_role)
    if new_role in ADMIN_DUTIES:
        return next(iter(sorted(held)), None)
    return next(iter(sorted(held & ADMIN_DUTIES)), None)


def is_top_level(user, perm: str) -> bool:
    """Does the user hold `perm` where nobody holds it above them: at a root of the
    organisation tree (the province in a provincial deployment), or at a node none of whose
    ancestors has an active holder of a role granting `perm` (a district deployment keeps
    its city and province as bare nodes, as the demo does)? Deployment-wide things — the
    working-day calendar, audit events that belong to no organisation, accounts with no
    role — need this, so that someone holds them. One query at most, kept for the request."""
    if getattr(user, "is_superuser", False):
        return perm not in {"audit.view", "audit.export"}  # the superuser is no auditor
    paths = _paths_with(user, perm)
    if not paths:
        return False
    if any(path.count(".") == 1 for path in paths):
        return True
    cache = user.__dict__.setdefault("_xs_top_level", {})
    if perm not in cache:
        from xieshang.orgs.models import RoleAssignment

        # The strict ancestors of each path: "1.5.12." → "1.", "1.5.".
        above = {p[: i + 1] for p in paths for i, ch in enumerate(p[:-1]) if ch == "."}
        roles = [role for role, perms in PERMISSIONS.items() if perm in perms]
        held_above = set(
            RoleAssignment.objects.filter(
                role__in=roles, user__is_active=True, organisation__path__in=above
            ).values_list("organisation__path", flat=True)
        )
        cache[perm] = any(not any(path.startswith(held) for held in held_above) for path in paths)
    return cache[perm]


def is_staff_user(user) -> bool:
    """Staff are everyone who acts for an office (every role except 政协委员); they log in
    with a second factor when STAFF_2FA_REQUIRED is on."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return any(ra.role != Role.MEMBER for ra in assignments(user))


def scoped_users(user, perm: str = "security.manage") -> QuerySet:
    """Accounts the user may administer: those whose every role lies in an organisation
    within the user's scope for `perm`; accounts with no role at all only for top-level
    holders. One role outside the scope puts the whole account out of reach: resetting its
    password would hand the administrator that outside role too."""
    from django.contrib.auth import get_user_model

    from xieshang.orgs.models import RoleAssignment

    users = get_user_model().objects.all()
    if getattr(user, "is_superuser", False):
        return users
    paths = _paths_with(user, perm)
    if not paths:
        return users.none()
    in_scope = org_filter(user, perm)
    inside = RoleAssignment.objects.filter(in_scope).values("user_id")
    outside = RoleAssignment.objects.exclude(in_scope).values("user_id")
    q = Q(pk__in=inside) & ~Q(pk__in=outside)
    if is_top_level(user, perm):
        q |= ~Q(pk__in=RoleAssignment.objects.values("user_id"))
    return users.filter(q)
