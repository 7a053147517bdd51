"""The server-searched pickers of the members pages (core.pickers): the list filters'
terms, sectors, special committees and activity groups, which grow with the organisation
tree (about 5,000 choices for a province office, issue 14).

Each is scoped like `selectors.filter_choices(user, perm)`: the organisations where the user
holds `perm` (a known permission, default "members.view"). `multi=1` labels each choice
with its organisation, as the filter form does for users who see several.
"""

from xieshang.core import pickers
from xieshang.core.picker_sources import scope_perm

from . import selectors


def _label(params):
    if params.get("multi"):
        return lambda o: f"{o}（{o.organisation}）"
    return str


def _choices(key: str, order: tuple[str, ...]):
    def queryset_for_user(user, params):
        return selectors.filter_choices(user, scope_perm(params, "members.view"))[key].order_by(
            *order
        )

    return queryset_for_user


pickers.register(
    "member-terms",
    queryset_for_user=_choices("terms", ("organisation__path", "-number")),
    labeler=_label,
    search_fields=("organisation__name",),
)
pickers.register(
    "member-sectors",
    queryset_for_user=_choices("sectors", ("organisation__path", "sort_order", "id")),
    labeler=_label,
    search_fields=("name", "organisation__name"),
)
pickers.register(
    "member-committees",
    queryset_for_user=_choices("committees", ("organisation__path", "sort_order", "id")),
    labeler=_label,
    search_fields=("name", "organisation__name"),
)
pickers.register(
    "member-groups",
    queryset_for_user=_choices("groups", ("organisation__path", "id")),
    labeler=_label,
    search_fields=("name", "organisation__name"),
)
