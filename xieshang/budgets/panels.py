"""The budget panel on an activity's, a training's and a liaison room's own page (registered
with core.panels, so those apps never import this one). Shown only to whoever may read the
budget of the line's organisation; to an office that may keep it, a link to draw one up
when there is none yet. One query for the lines, whatever the page."""

from django.urls import reverse

from xieshang.core.panels import Panel
from xieshang.meetings.models import MeetingKind

from . import policies, selectors

TEMPLATE = "budgets/_panel.html"


def _panel(request, *, lines, organisation, create_query: str) -> Panel | None:
    user = request.user
    visible = [line for line in lines if policies.can_view(user, line.organisation)]
    can_create = policies.can_manage(user, organisation) and not lines
    if not visible and not can_create:
        return None
    return Panel(
        TEMPLATE,
        {
            "lines": visible,
            "create_url": f"{reverse('budgets:create')}?{create_query}" if can_create else "",
        },
        order=60,
    )


def activity_panel(request, activity) -> Panel | None:
    if not policies.can_use(request.user):
        return None
    lines = selectors.lines_for_target(activity=activity)
    return _panel(
        request,
        lines=lines,
        organisation=activity.organisation,
        create_query=f"activity={activity.pk}",
    )


def training_panel(request, meeting) -> Panel | None:
    if meeting.kind != MeetingKind.TRAINING or not policies.can_use(request.user):
        return None
    lines = selectors.lines_for_target(training=meeting)
    return _panel(
        request,
        lines=lines,
        organisation=meeting.organisation,
        create_query=f"training={meeting.pk}",
    )


def room_panel(request, room) -> Panel | None:
    if not policies.can_use(request.user):
        return None
    lines = selectors.lines_for_target(liaison_room=room)
    # A room gets a line a year: the office may add this year's when it is missing.
    from django.utils import timezone

    this_year = [line for line in lines if line.year == timezone.localdate().year]
    user = request.user
    visible = [line for line in lines if policies.can_view(user, line.organisation)]
    can_create = not this_year and policies.can_manage(user, room.street)
    if not visible and not can_create:
        return None
    return Panel(
        TEMPLATE,
        {
            "lines": visible,
            "create_url": f"{reverse('budgets:create')}?room={room.pk}" if can_create else "",
        },
        order=60,
    )
