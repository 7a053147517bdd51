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
    focus_areas_ensure_all([organisation])
    return selectors.focus_areas(organisation)


def focus_areas_ensure_all(organisations) -> None:
    """`focus_areas_ensure` for many organisations (a province office's hundred committees):
    one query finds those that have their areas; only the others are seeded."""
    wanted = {o.pk: o for o in organisations}
    seeded = set(
        FocusArea.objects.filter(organisation__in=list(wanted))
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    for pk, organisation in wanted.items():
        if pk in seeded:
            continue
        names = config.get(organisation, rules.FOCUS_AREAS)
        FocusArea.objects.bulk_create(
            [
                FocusArea(organisation=organisation, name=name, sort_order=i)
                for i, name in enumerate(names, 1)
            ],
            ignore_conflicts=True,
        )
