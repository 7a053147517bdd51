"""Working days: Chinese public holidays and swapped working days (调休).

The `holidays` library knows the State Council's schedule (public holidays and the weekend
days that are working days) for the years it has been told — 2026 at the time of writing.
For later years it still knows the statutory festivals but not the swaps. `CalendarDay` rows
entered by an administrator override it: the next year's schedule announced each November,
or a local exception. A year nobody knows anything about counts Saturdays and Sundays as
days off and everything else as working days.

Deadlines are counted with `add_working_days` ("answer within 10 working days": the day of
the event itself is not counted); elapsed time with `working_days_between`.

A year's schedule is confirmed once its `HolidayNotice` is entered (or the library knows its
swaps). From November 1 a deadline in the next, unconfirmed, year may still move:
`unconfirmed_year` says so, and `{% unconfirmed_note %}` shows it next to the date.
"""

import calendar as pycalendar
import datetime as dt
import re
import time
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.utils import timezone, translation

ONE_DAY = dt.timedelta(days=1)
# The longest count `add_working_days` takes (about 20 years): it walks day by day, so a
# count of 10^6 would hold a request for seconds and 10^20 would run past the year 9999.
# Every configured deadline is far shorter (orgs.config ranges); a longer one is a bug.
MAX_WORKING_DAYS = 5000
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


@lru_cache(maxsize=16)
def _library_zh(year: int) -> holidays.HolidayBase | None:
    try:
        return holidays.China(years=year, language="zh_CN")
    except Exception:  # noqa: BLE001 - a year outside the library's range
        return None


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
    counts backwards. A count beyond MAX_WORKING_DAYS either way raises ValueError at once
    rather than walking for minutes."""
    return _add_working_days(_Days(), start, n)


def add_working_days_each(pairs) -> list[dt.date]:
    """`add_working_days(start, n)` for each (start, n) of `pairs`, the overrides read for all
    of them together: a list with a date per row costs a query per few months its dates span,
    not one per row."""
    days = _Days()
    return [_add_working_days(days, start, n) for start, n in pairs]


def _add_working_days(days: _Days, start: dt.date | dt.datetime, n: int) -> dt.date:
    if abs(n) > MAX_WORKING_DAYS:
        raise ValueError(f"add_working_days: {n} working days is beyond {MAX_WORKING_DAYS}")
    start = _as_date(start)
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
    # The whole span in one read: a page's deadlines a year apart cost one query, not one per
    # window.
    days._load(min(start, wanted[0]), max(start, wanted[-1]))
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


# --- Confirmed years and the year view ------------------------------------------------------

# The State Council publishes the next year's schedule in November or December.
NOTICE_SEASON_MONTH = 11


def library_knows_swaps(year: int) -> bool:
    """Does the holidays library carry the State Council's make-up working days for `year`?
    (It has 2026's; for later years it knows the festivals only.)"""
    calendar = _library(year)
    # The set also holds the previous December's make-up days that a notice named.
    found = getattr(calendar, "weekend_workdays", None) or () if calendar is not None else ()
    return any(day.year == year for day in found)


# Whether a year has a notice, remembered by this process for a few minutes: the warning
# next to deadlines then costs no query on most pages (and a page's query count does not
# depend on the date). Saving a notice forgets it at once in the saving process; another
# worker process stops warning within _CONFIRMED_TTL seconds.
_CONFIRMED_TTL = 300.0
_confirmed: dict[int, tuple[bool, float]] = {}


def forget_confirmed() -> None:
    _confirmed.clear()


def year_confirmed(year: int) -> bool:
    """Is `year`'s holiday schedule known: its notice entered, or the library's own data?"""
    from .models import HolidayNotice

    if library_knows_swaps(year):
        return True
    now = time.monotonic()
    hit = _confirmed.get(year)
    if hit is not None and now - hit[1] < _CONFIRMED_TTL:
        return hit[0]
    found = HolidayNotice.objects.filter(year=year).exists()
    _confirmed[year] = (found, now)
    return found


def unconfirmed_year(
    day: dt.date | dt.datetime | None, *, today: dt.date | None = None
) -> int | None:
    """The year of a deadline `day` when that year's holiday schedule is not yet confirmed
    and should be: from November 1 of year Y, a deadline in Y+1 while Y+1 has no notice.
    None otherwise (so a deadline in the current year never warns)."""
    if day is None or day == "":
        return None
    day = _as_date(day)
    today = today or timezone.localdate()
    if today.month < NOTICE_SEASON_MONTH or day.year != today.year + 1:
        return None
    return None if year_confirmed(day.year) else day.year


@dataclass(frozen=True)
class YearDay:
    date: dt.date
    working: bool
    mark: str  # "rest" on a weekday off (休), "work" on a weekend working day (班), else ""
    name: str  # the holiday's (or make-up day's) name, '' on ordinary days


@dataclass(frozen=True)
class YearMonth:
    month: int
    weeks: list[list[YearDay | None]]  # Monday first; None pads the first and last week

    @property
    def label(self) -> str:
        """The caption: 4月, in English "April"."""
        from .text import month_name

        return month_name(self.month)


def year_days(year: int) -> dict[dt.date, YearDay]:
    """Every day of `year` as the deadline counter sees it (overrides over the library),
    with the names to show: one query."""
    from .models import CalendarDay

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    overrides = {
        row["date"]: row
        for row in CalendarDay.objects.filter(date__range=(start, end)).values(
            "date", "is_working_day", "note"
        )
    }
    # The library's names in the reader's language; a name an administrator typed (the
    # override's note) is shown as typed.
    chinese = (translation.get_language() or "zh-hans").startswith("zh")
    library = _library_zh(year) if chinese else _library(year)
    in_words = _swap_in_words if chinese else _swap_in_english
    days: dict[dt.date, YearDay] = {}
    day = start
    while day <= end:
        row = overrides.get(day)
        working = row["is_working_day"] if row else _library_says_working(day)
        weekend = day.weekday() >= 5
        mark = "rest" if (not working and not weekend) else ("work" if working and weekend else "")
        name = ""
        if row and row["note"]:
            name = row["note"]
        elif not working and library is not None:
            name = in_words(library.get(day) or "")
        days[day] = YearDay(day, working, mark, name)
        day += ONE_DAY
    return days


_SWAPPED_FROM = re.compile(r"由\s*(\d{4})-(\d{2})-(\d{2})\s*调休")


def _swap_in_words(name: str) -> str:
    """The library names a swapped day off "休息日（由 2026-01-04 调休）"; the page says
    "休息日（1月4日调休上班）", in the way the State Council's notice does."""
    return _SWAPPED_FROM.sub(lambda m: f"{int(m[2])}月{int(m[3])}日调休上班", name)


_SWAPPED_FROM_EN = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


def _swap_in_english(name: str) -> str:
    """The library's English name of a swapped day off, "Day off (substituted from
    01/04/2026)", said as the Chinese page says it and with the date as the English pages
    write it: "Day off (in exchange for working on January 4)"."""
    from django.utils import formats

    def date(m: re.Match) -> str:
        day = dt.date(int(m[3]), int(m[1]), int(m[2]))
        return f"in exchange for working on {formats.date_format(day, 'MONTH_DAY_FORMAT')}"

    return _SWAPPED_FROM_EN.sub(date, name)


def year_months(year: int) -> list[YearMonth]:
    """The twelve month grids of `year` for the year view."""
    days = year_days(year)
    grid = pycalendar.Calendar(firstweekday=0)
    return [
        YearMonth(
            month,
            [
                [days[d] if d.month == month else None for d in week]
                for week in grid.monthdatescalendar(year, month)
            ],
        )
        for month in range(1, 13)
    ]
