"""Periodic work of consultation, run by `manage.py run_scheduler`."""

import datetime as dt

from xieshang.core.scheduler import periodic


@periodic("consultation.purge_topic_phones", at=dt.time(3, 25))
def purge_topic_phones() -> int:
    """Residents' numbers on topic suggestions go N days after the suggestion was settled
    (consultation.topic_phone_keep_days), at the latest M days after it was submitted
    (consultation.topic_phone_max_days)."""
    from .privacy import purge_phones

    return purge_phones()
