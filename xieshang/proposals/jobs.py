"""Periodic work of proposals, run by `manage.py run_scheduler`."""

import datetime as dt

from xieshang.core.scheduler import periodic


@periodic("proposals.publish_due", every=dt.timedelta(hours=1))
def publish_due() -> int:
    """Publish on the portal the answers whose publication delay has passed."""
    from .services import publish_due as publish

    return publish()
