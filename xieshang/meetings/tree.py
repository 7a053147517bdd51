"""The meetings column group of the roll-up page (core.tree, C2.9): meetings held (closed)
in the year and the members' attendance rate over them, counted as
`selectors.attendance_by_kind` counts, per child subtree: two queries."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from xieshang.core import access, tree
from xieshang.core.text import rate

from .models import Invitation, Meeting

PRESENT = [Invitation.Outcome.PRESENT, Invitation.Outcome.LATE]
COUNTED = [*PRESENT, Invitation.Outcome.EXCUSED, Invitation.Outcome.ABSENT]


def tree_columns(user, organisation, children, year: int):
    if not access.can(user, "meetings.view", organisation):
        return None
    held = tree.rollup(
        Meeting.objects.filter(status=Meeting.Status.CLOSED, start__year=year),
        organisation,
        children,
        held=Count("pk"),
    )
    attendance = tree.rollup(
        Invitation.objects.filter(
            meeting__status=Meeting.Status.CLOSED,
            meeting__start__year=year,
            category=Invitation.Category.MEMBER,
        ),
        organisation,
        children,
        field="meeting__organisation",
        present=Count("pk", filter=Q(outcome__in=PRESENT)),
        counted=Count("pk", filter=Q(outcome__in=COUNTED)),
    )
    return tree.Group(
        title=_("会议活动"),
        columns=[_("召开会议"), _("出勤率（%）")],
        values={
            k: [v["held"], rate(attendance[k]["present"], attendance[k]["counted"])]
            for k, v in held.items()
        },
        order=40,
    )


tree.register(tree_columns)
