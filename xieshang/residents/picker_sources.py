"""Server-searched pickers of the residents' issue pages (core.pickers, issue 14).

`resident-places`: the streets and communities where the user triages residents' issues
(`staff_places`: hundreds in a district, thousands for a province office), for the staff
form's "所在街道或社区", searched by the community's or its street's name. It is the
queryset that form validates with, so a place outside it is refused there.
"""

from xieshang.core import pickers
from xieshang.orgs.models import Level, Organisation

from . import policies


def staff_places(user):
    return (
        Organisation.objects.filter(
            policies.triage_q(user, ""), level__in=[Level.STREET, Level.COMMUNITY]
        )
        .select_related("parent")
        .order_by("path")
    )


def place_label(org) -> str:
    if org.level == Level.COMMUNITY and org.parent_id:
        return f"{org.parent.name} · {org.name}"
    return org.name


pickers.register(
    "resident-places",
    queryset_for_user=lambda user, params: staff_places(user),
    label=place_label,
    search_fields=("name", "parent__name"),
)
