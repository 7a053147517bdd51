"""The proposals column group of the roll-up page (core.tree, C2.9): received, accepted and
answered, counted as the figures page counts them, per child subtree in one query."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xieshang.core import access, tree

from .figures import S
from .models import ACCEPTED_OR_LATER, NOT_RECEIVED, Proposal


def tree_columns(user, organisation, children, year: int):
    if not access.can(user, "proposals.view", organisation):
        return None
    qs = Proposal.objects.filter(year=year).exclude(status__in=NOT_RECEIVED)
    found = tree.rollup(
        qs,
        organisation,
        children,
        received=Count("pk"),
        accepted=Count("pk", filter=Q(status__in=ACCEPTED_OR_LATER)),
        answered=Count("pk", filter=Q(status__in=[S.ANSWERED, S.CLOSED])),
    )
    return tree.Group(
        title=_("提案"),
        columns=[_("收到提案"), pgettext("review outcome", "立案"), _("已答复")],
        values={k: [v["received"], v["accepted"], v["answered"]] for k, v in found.items()},
        order=10,
        headline=(0, _("件")),
    )


tree.register(tree_columns)
