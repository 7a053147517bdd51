"""What every stage of consultation work uses: the plan status shorthand, the public
portal's rate-limit refusal, finding an organisation's CPPCC committee and its focus areas,
and the users holding given roles (whom plan, party-plan and outcome notices go to)."""

from xieshang.orgs import config
from xieshang.orgs.models import Organisation

from .. import rules, selectors
from ..models import ConsultationPlan, FocusArea

PS = ConsultationPlan.Status


class RateLimited(Exception):
    """Too many public submissions from one address in the last hour."""


def cppcc_of(organisation: Organisation) -> Organisation:
    """The CPPCC committee a node belongs to: itself, or the nearest CPPCC ancestor of a
    street or community (a liaison officer's topics go to the district committee)."""
    if organisation.is_cppcc:
        return organisation
    ancestors = Organisation.objects.filter(pk__in=organisation.ancestor_ids()).order_by("-path")
    for node in ancestors:
        if node.is_cppcc:
            return node
    return organisation


def focus_areas_ensure(organisation: Organisation):
    """The organisation's focus areas (C2.1), seeded from the configured list the first time
    they are needed. Idempotent."""
    areas = selectors.focus_areas(organisation)
    if not FocusArea.objects.filter(organisation=organisation).exists():
        names = config.get(organisation, rules.FOCUS_AREAS)
        FocusArea.objects.bulk_create(
            [
                FocusArea(organisation=organisation, name=name, sort_order=i)
                for i, name in enumerate(names, 1)
            ],
            ignore_conflicts=True,
        )
    return areas


def _users_with_roles(organisation, roles):
    from xieshang.core.models import User

    return User.objects.filter(
        role_assignments__organisation=organisation,
        role_assignments__role__in=roles,
        is_active=True,
    ).distinct()
