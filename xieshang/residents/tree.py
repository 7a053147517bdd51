"""The grassroots issues column group of the roll-up page (core.tree, C2.9): issues raised
in the year (not rejected, as the statistics count them) and closed (settled by the
council or answered and closed), per child subtree in one query."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xieshang.core import tree

from . import policies
from .models import ResidentIssue

S = ResidentIssue.Status


def tree_columns(user, organisation, children, year: int):
    roots = policies.stats_roots(user)
    if not any(organisation.path.startswith(r.path) for r in roots):
        return None
    found = tree.rollup(
        ResidentIssue.objects.filter(created_at__year=year),
        organisation,
        children,
        received=Count("pk", filter=~Q(status=S.REJECTED)),
        closed=Count("pk", filter=Q(status__in=[S.SETTLED, S.CLOSED])),
    )
    return tree.Group(
        title=_("民情事项"),
        columns=[_("收到"), pgettext("tree column", "办结")],
        values={k: [v["received"], v["closed"]] for k, v in found.items()},
        order=50,
    )


tree.register(tree_columns)
