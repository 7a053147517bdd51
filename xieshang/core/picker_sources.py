"""The server-searched pickers over the organisation tree (core.pickers): departments,
organisations and special committees, each scoped by a permission the requesting user holds.

Parameters (query string of the endpoint, or `params=` of the widget):
- `perm`: the permission whose scope applies (default "orgs.view"); it must be one the
  product knows, and the user's own scope for it is what they get.
- `organisation`: one organisation's id, to keep only its departments or committees (still
  within scope).

`audit-organisations` (no parameters): the organisations whose audit log the user reads.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef

from xieshang.orgs.models import Committee, Department, Organisation

from . import access, pickers

KNOWN_PERMS = frozenset(p for perms in access.PERMISSIONS.values() for p in perms)


def scope_perm(params, default: str = "orgs.view") -> str:
    perm = params.get("perm") or default
    if perm not in KNOWN_PERMS:
        raise PermissionDenied
    return perm


def int_param(params, name) -> int | None:
    """The integer query parameter `name`, or None when absent or not a number."""
    try:
        return int(params.get(name) or "")
    except (TypeError, ValueError):
        return None


def departments(user, params, perm: str | None = None):
    """Active departments in `user`'s scope for `perm` (a source that fixes its permission
    passes it; otherwise the `perm` parameter, default "orgs.view")."""
    orgs = access.organisations(user, perm or scope_perm(params))
    qs = Department.objects.filter(organisation__in=orgs, is_active=True)
    org = int_param(params, "organisation")
    if org is not None:
        qs = qs.filter(organisation_id=org)
    return qs.select_related("organisation").order_by("organisation__path", "sort_order", "name")


def department_label(params):
    if params.get("organisation"):
        return lambda d: d.name
    return lambda d: f"{d.organisation.name} · {d.name}"


def with_namesakes(qs):
    """`qs` with each organisation's parent and whether another organisation has its name
    (`has_namesake`), in the same query, for `organisation_label`."""
    namesakes = Organisation.objects.filter(name=OuterRef("name")).exclude(pk=OuterRef("pk"))
    return qs.select_related("parent").annotate(has_namesake=Exists(namesakes))


def organisation_label(org) -> str:
    """The organisation's name; a street or community whose name another organisation also
    has (three 和平社区 in one district) with its parent's in front: "城关街道 · 和平社区".
    CPPCC committees keep their own names, which already say where they are."""
    if org.is_cppcc or org.parent_id is None or not getattr(org, "has_namesake", False):
        return org.name
    return f"{org.parent.name} · {org.name}"


def organisations(user, params):
    qs = access.organisations(user, scope_perm(params))
    if params.get("open"):
        # For new organisations and roles: a closed (撤销) organisation is not offered.
        qs = qs.filter(is_active=True)
    level = params.get("level")
    if level:
        qs = qs.filter(level__in=level.split(","))
    return with_namesakes(qs).order_by("path")


def audit_organisations(user, params):
    """The organisations whose audit events the user reads (audit.view or
    audit.view_admins): the audit log's organisation filter validates with the same."""
    from .views_admin import _audit_organisations

    if not (access.can(user, "audit.view") or access.can(user, "audit.view_admins")):
        raise PermissionDenied
    return with_namesakes(_audit_organisations(user))


def committees(user, params):
    """Special committees of the organisations in scope (`perm`), optionally of one."""
    qs = Committee.objects.filter(organisation__in=access.organisations(user, scope_perm(params)))
    org = int_param(params, "organisation")
    if org is not None:
        qs = qs.filter(organisation_id=org)
    return qs.select_related("organisation").order_by("organisation__path", "sort_order", "id")


def committee_label(params):
    if params.get("organisation"):
        return lambda c: c.name
    return lambda c: f"{c.organisation.name} · {c.name}"


pickers.register(
    "departments",
    queryset_for_user=departments,
    labeler=department_label,
    search_fields=("name", "organisation__name"),
)
pickers.register(
    "organisations",
    queryset_for_user=organisations,
    label=organisation_label,
    search_fields=("name",),
)
pickers.register(
    "audit-organisations",
    queryset_for_user=audit_organisations,
    label=organisation_label,
    search_fields=("name",),
)
pickers.register(
    "committees",
    queryset_for_user=committees,
    labeler=committee_label,
    search_fields=("name", "organisation__name"),
)
