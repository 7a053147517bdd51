"""The consultation column group of the roll-up page (core.tree, C2.9): activities held in
the year, per child subtree in one query."""

from django.db.models import Count
from django.utils.translation import gettext as _

from xieshang.core import access, tree

from .summary import held_activities_of_year


def tree_columns(user, organisation, children, year: int):
    if not access.can(user, "consultation.view", organisation):
        return None
    qs = held_activities_of_year(year)  # the summary's definition (summary.WorkReport.held)
    found = tree.rollup(qs, organisation, children, held=Count("pk"))
    return tree.Group(
        title=_("协商"),
        columns=[_("开展协商活动")],
        values={k: [v["held"]] for k, v in found.items()},
        order=20,
    )


tree.register(tree_columns)
