"""The 社情民意 column group of the roll-up page (core.tree, C2.9): items submitted and
accepted (录用编发, as the yearly summary counts them: the same aggregates), per child subtree
in one query."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xieshang.core import access, tree

from .models import Opinion
from .summary import ACCEPTED, RECEIVED


def tree_columns(user, organisation, children, year: int):
    if not access.can(user, "opinions.view", organisation):
        return None
    qs = Opinion.objects.filter(year=year).exclude(status=Opinion.Status.DRAFT)
    found = tree.rollup(
        qs,
        organisation,
        children,
        submitted=RECEIVED,
        adopted=ACCEPTED,
    )
    return tree.Group(
        title=_("社情民意"),
        columns=[pgettext("opinions submitted", "报送"), pgettext("tree column", "录用")],
        values={k: [v["submitted"], v["adopted"]] for k, v in found.items()},
        order=30,
    )


tree.register(tree_columns)
