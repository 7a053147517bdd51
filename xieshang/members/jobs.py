"""Periodic work of members."""

import datetime as dt

from xieshang.core.scheduler import periodic


@periodic("members.fail_stale_imports", every=dt.timedelta(minutes=10))
def fail_stale_imports() -> int:
    """An import whose worker was killed would otherwise show "导入中" for ever."""
    from .imports import fail_stale_jobs

    return fail_stale_jobs()
