"""Periodic work of the follow-up engine, run by `manage.py run_scheduler`."""

import datetime as dt

from xieshang.core.scheduler import periodic


@periodic("followups.scan_deadlines", every=dt.timedelta(minutes=30))
def scan_deadlines() -> dict[str, int]:
    from .services import scan_deadlines as scan

    return scan()
