"""Periodic work of meetings: closing attendance after a meeting, and scheduling the
committees' work reports of the year. Both are idempotent."""

import datetime as dt

from django.utils import timezone

from xieshang.core.scheduler import periodic


@periodic("meetings.close_finished", every=dt.timedelta(hours=1))
def close_finished() -> int:
    from .services import close_finished_meetings

    return close_finished_meetings()


@periodic("meetings.schedule_committee_reports", at=dt.time(6, 0))
def schedule_committee_reports() -> int:
    from xieshang.orgs.models import Committee, Organisation

    from .services import committee_reports_schedule

    year = timezone.localdate().year
    created = 0
    orgs = Organisation.objects.filter(
        pk__in=Committee.objects.values("organisation_id").distinct()
    )
    for org in orgs:
        created += committee_reports_schedule(organisation=org, year=year)
    return created
