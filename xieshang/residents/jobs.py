"""Periodic work of residents' issues, run by `manage.py run_scheduler`."""

import datetime as dt

from xieshang.core.scheduler import periodic


@periodic("residents.purge_phones", at=dt.time(3, 20))
def purge_phones() -> int:
    """Residents' numbers go N days after their issue closed (residents.phone_keep_days)."""
    from .privacy import purge_phones as purge

    return purge()


@periodic("residents.retry_sms", every=dt.timedelta(minutes=10))
def retry_sms() -> int:
    from .messaging import retry_sms as retry

    return retry()
