"""Working days: Chinese public holidays and swapped working days (调休).

The `holidays` library knows the State Council's schedule (including weekend days that are
working days) for the years it has been told; `CalendarDay` rows entered by an administrator
override it, for the next year's schedule announced each November or a local exception.
"""

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _library(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year)


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    from .models import CalendarDay

    return dict(
        CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_working_day")
    )


def _library_says_working(day: dt.date) -> bool:
    return _library(day.year).is_working_day(day)


def is_working_day(day: dt.date) -> bool:
    override = _overrides(day, day).get(day)
    if override is not None:
        return override
    return _library_says_working(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The date `n` working days after `start` (start itself not counted). n may be 0, which
    returns `start` moved forward to a working day, or negative, counting backwards."""
    if isinstance(start, dt.datetime):
        start = start.date()
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    # One query for the overrides over a window generous enough for any holiday run.
    span = dt.timedelta(days=remaining * 3 + 40)
    lo, hi = (start, start + span) if step > 0 else (start - span, start)
    overrides = _overrides(lo, hi)

    def working(day: dt.date) -> bool:
        value = overrides.get(day)
        return value if value is not None else _library_says_working(day)

    day = start
    if remaining == 0:
        while not working(day):
            day += dt.timedelta(days=1)
        return day
    while remaining:
        day += dt.timedelta(days=step)
        if working(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    if end <= start:
        return 0
    overrides = _overrides(start, end)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        value = overrides.get(day)
        if value if value is not None else _library_says_working(day):
            count += 1
    return count
