"""The year a year-end page opens on (统计年度).

The office's year-end work — the evaluation, the annual duty reports, the attendance and
sector-contact figures, the proposal work report — is written in January and February
about the year just ended, for the plenary session early in the new year. Until the end
of February such a page (and its export or PDF without a year) opens on that year, not on
the new year's few empty weeks; a year asked for is shown as asked. From March on it opens
on the current year, whose figures so far are then the ones worth reading.
"""

import datetime as dt

from django.utils import timezone

# The last month (inclusive) in which a year-end page still opens on the year just ended.
LAST_YEAR_UNTIL_MONTH = 2


def closing_year(today: dt.date | None = None) -> int:
    """The year a year-end page opens on, `today` (the local date) deciding."""
    today = today or timezone.localdate()
    return today.year - 1 if today.month <= LAST_YEAR_UNTIL_MONTH else today.year
