"""Server-searched pickers of the proposals app (core.pickers).

`assign-departments`: the active handling units where the user assigns proposals
(`proposals.assign`), narrowed to one organisation by `organisation=<id>`; with
`proposal=<id>` and nothing typed yet, the department suggestion (routing) comes first.
"""

from xieshang.core import access, pickers
from xieshang.orgs.models import Department

from . import routing
from .models import Proposal

PERM = "proposals.assign"


def _int(params, name) -> int | None:
    try:
        return int(params.get(name) or "")
    except (TypeError, ValueError):
        return None


def assign_departments(user, params):
    qs = Department.objects.filter(
        organisation__in=access.organisations(user, PERM), is_active=True
    )
    org = _int(params, "organisation")
    if org is not None:
        qs = qs.filter(organisation_id=org)
    return qs.select_related("organisation").order_by("organisation__path", "sort_order", "name")


def _labeler(params):
    if params.get("organisation"):
        return lambda d: d.name
    return lambda d: f"{d.organisation.name} · {d.name}"


def _suggest(user, params, queryset, q: str):
    pk = _int(params, "proposal")
    if q or pk is None:
        return []
    proposal = access.scope(Proposal.objects.filter(pk=pk), user, PERM).first()
    if proposal is None:
        return []
    departments = [s.department for s in routing.suggest(proposal)]
    allowed = set(queryset.filter(pk__in=[d.pk for d in departments]).values_list("pk", flat=True))
    return [d for d in departments if d.pk in allowed]


pickers.register(
    "assign-departments",
    queryset_for_user=assign_departments,
    labeler=_labeler,
    search_fields=("name", "organisation__name"),
    suggest=_suggest,
    perm=PERM,
)
