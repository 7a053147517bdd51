"""Working days: Chinese public holidays and swapped working days (调休).

The `holidays` library knows the State Council's schedule (public holidays and the weekend
days that are working days) for the years it has been told — 2026 at the time of writing.
For later years it still knows the statutory festivals but not the swaps. `CalendarDay` rows
entered by an administrator override it: the next year's schedule announced each November,
or a local exception. A year nobody knows anything about counts Saturdays and Sundays as
days off and everything else as working days.

Deadlines are counted with `add_working_days` ("answer within 10 working days": the day of
the event itself is not counted); elapsed time with `working_days_between`.
"""

import datetime as dt
from functools import lru_cache

import holidays
from django.utils import timezone

ONE_DAY = dt.timedelta(days=1)
# Overrides are read in windows of this many days, so a long count costs a few queries.
_WINDOW_DAYS = 120


@lru_cache(maxsize=64)
def _library(year: int) -> holidays.HolidayBase | None:
    try:
        return holidays.China(years=year)
    except Exception:  # noqa: BLE001 - a year outside the library's range: weekends only
        return None


def _library_says_working(day: dt.date) -> bool:
    calendar = _library(day.year)
    if calendar is None:
        return day.weekday() < 5
    return calendar.is_working_day(day)


def holiday_name(day: dt.date) -> str:
    """The library's name of the holiday on `day` (in English), or '' on other days."""
    calendar = _library(day.year)
    return (calendar.get(day) or "") if calendar is not None else ""


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


class _Days:
    """Answers "is this a working day?" for a run of consecutive days, reading the
    administrator's overrides one window at a time (not one query per day)."""

    def __init__(self) -> None:
        self._overrides: dict[dt.date, bool] = {}
        self._lo: dt.date | None = None
        self._hi: dt.date | None = None

    def _load(self, lo: dt.date, hi: dt.date) -> None:
        from .models import CalendarDay

        rows = CalendarDay.objects.filter(date__range=(lo, hi)).values_list(
            "date", "is_working_day"
        )
        self._overrides.update(dict(rows))
        self._lo = lo if self._lo is None else min(lo, self._lo)
        self._hi = hi if self._hi is None else max(hi, self._hi)

    def working(self, day: dt.date) -> bool:
        if self._lo is None or day < self._lo or day > self._hi:
            window = dt.timedelta(days=_WINDOW_DAYS)
            if self._lo is None:
                self._load(day - window, day + window)
            elif day < self._lo:
                self._load(day - window, self._lo - ONE_DAY)
            else:
                self._load(self._hi + ONE_DAY, day + window)
        override = self._overrides.get(day)
        if override is not None:
            return override
        return _library_says_working(day)


def is_working_day(day: dt.date | dt.datetime) -> bool:
    from .models import CalendarDay

    day = _as_date(day)
    override = CalendarDay.objects.filter(date=day).values_list("is_working_day", flat=True).first()
    if override is not None:
        return override
    return _library_says_working(day)


def add_working_days(start: dt.date | dt.datetime, n: int) -> dt.date:
    """The date `n` working days after `start`; `start` itself is not counted.

    n == 0 returns `start` if it is a working day, else the next working day; a negative n
    counts backwards."""
    start = _as_date(start)
    days = _Days()
    day = start
    if n == 0:
        while not days.working(day):
            day += ONE_DAY
        return day
    step = ONE_DAY if n > 0 else -ONE_DAY
    remaining = abs(n)
    while remaining:
        day += step
        if days.working(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date | dt.datetime, end: dt.date | dt.datetime) -> int:
    """Working days after `start` up to and including `end`; 0 when `end` is not after
    `start`. `working_days_between(d, add_working_days(d, n)) == n` for n >= 0."""
    start, end = _as_date(start), _as_date(end)
    days = _Days()
    count = 0
    day = start
    while day < end:
        day += ONE_DAY
        if days.working(day):
            count += 1
    return count


def next_working_day(day: dt.date | dt.datetime) -> dt.date:
    """`day` itself if it is a working day, else the first working day after it."""
    return add_working_days(day, 0)


def working_days_from(start: dt.date | dt.datetime, ends) -> dict[dt.date, int]:
    """Signed working days from `start` to each date in `ends` (negative when the end lies
    before `start`), reading the overrides once for the whole span rather than once per date:
    a list page with one deadline per row stays at a fixed number of queries."""
    start = _as_date(start)
    wanted = sorted({_as_date(end) for end in ends})
    if not wanted:
        return {}
    days = _Days()
    result: dict[dt.date, int] = {}
    # Walk outwards from `start` in each direction once, noting the count at each wanted date.
    count, day = 0, start
    for end in (d for d in wanted if d >= start):
        while day < end:
            day += ONE_DAY
            count += 1 if days.working(day) else 0
        result[end] = count
    count, day = 0, start
    for end in reversed([d for d in wanted if d < start]):
        while day > end:
            count -= 1 if days.working(day) else 0
            day -= ONE_DAY
        result[end] = count
    return result
