"""What duty needs from meetings: how many activities each 委员活动小组 held in a year,
for the annual commendation (C5.8, `duty.awards`), and the chairman's meetings an exit
decision may cite (C5.10, `duty.exits`). Registered with duty at start-up, since duty sits
below meetings and cannot import it."""

from django.db.models import Count
from django.utils import timezone

from xieshang.duty.awards import register_group_activities
from xieshang.duty.exits import register_chairman_meetings

from .models import Meeting, MeetingKind


@register_group_activities
def group_activities_held(organisation, year: int) -> dict[int, int]:
    """{group id: group activities of the year that took place} (one grouped query): notified
    or closed, already started; drafts and cancelled ones do not count."""
    rows = (
        Meeting.objects.filter(
            organisation=organisation,
            kind=MeetingKind.GROUP,
            activity_group__isnull=False,
            start__year=year,
            start__lte=timezone.now(),
            status__in=[Meeting.Status.PUBLISHED, Meeting.Status.CLOSED],
        )
        .values("activity_group_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["activity_group_id"]: r["n"] for r in rows}


@register_chairman_meetings
def chairman_meetings(organisation):
    """The organisation's chairman's meetings not cancelled, newest first."""
    return (
        Meeting.objects.filter(organisation=organisation, kind=MeetingKind.CHAIRMAN)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-start")
    )
