"""Periodic work of the duty file, run by `manage.py run_scheduler`."""

import datetime as dt

from xieshang.core.scheduler import periodic


@periodic("duty.scan_discipline", every=dt.timedelta(days=1))
def scan_discipline_job() -> dict[str, int]:
    from .services import scan_all

    return scan_all()
