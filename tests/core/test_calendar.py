"""Working days follow the State Council's 2026 schedule, with administrators' overrides."""

import datetime as dt

import holidays
import pytest

from xieshang.core.calendar import (
    add_working_days,
    is_working_day,
    next_working_day,
    working_days_between,
)
from xieshang.core.models import CalendarDay

pytestmark = pytest.mark.django_db

D = dt.date


def test_it_reads_the_2026_swaps_from_the_library():
    # The library's own data, so a library update that changes 2026 shows up here first.
    china = holidays.China(years=2026)
    assert {D(2026, 2, 14), D(2026, 2, 28), D(2026, 9, 20), D(2026, 10, 10)} <= set(
        china.weekend_workdays
    )


@pytest.mark.parametrize(
    "day",
    [D(2026, 2, 15), D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 20), D(2026, 2, 23)]
    + [D(2026, 10, d) for d in range(1, 8)],
)
def test_it_treats_spring_festival_and_national_day_as_days_off(day):
    assert not is_working_day(day)


@pytest.mark.parametrize("day", [D(2026, 2, 14), D(2026, 2, 28), D(2026, 9, 20), D(2026, 10, 10)])
def test_it_treats_swapped_weekend_days_as_working_days(day):
    assert day.weekday() >= 5
    assert is_working_day(day)


def test_it_counts_an_ordinary_week_monday_to_friday():
    assert is_working_day(D(2026, 3, 2))
    assert not is_working_day(D(2026, 3, 7))
    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)
    assert add_working_days(D(2026, 3, 2), 10) == D(2026, 3, 16)


def test_it_counts_across_the_spring_festival():
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)  # the swapped Saturday
    assert add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    # 10 working days from Fri 13 Feb: 14, 24, 25, 26, 27, 28(Sat), 2, 3, 4, 5 March.
    assert add_working_days(D(2026, 2, 13), 10) == D(2026, 3, 5)
    assert working_days_between(D(2026, 2, 13), D(2026, 3, 5)) == 10


def test_it_counts_across_national_day():
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)
    assert add_working_days(D(2026, 9, 18), 1) == D(2026, 9, 20)
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 12)) == 4  # 8, 9, 10, 12


def test_it_counts_backwards_and_moves_zero_to_a_working_day():
    assert add_working_days(D(2026, 2, 24), -1) == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 16), 0) == D(2026, 2, 24)
    assert add_working_days(D(2026, 2, 13), 0) == D(2026, 2, 13)
    assert next_working_day(D(2026, 10, 1)) == D(2026, 10, 8)


def test_it_gives_zero_between_a_day_and_itself_or_an_earlier_day():
    assert working_days_between(D(2026, 3, 5), D(2026, 3, 5)) == 0
    assert working_days_between(D(2026, 3, 5), D(2026, 3, 1)) == 0


def test_it_lets_an_override_make_a_working_day_a_holiday():
    assert add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 3)
    CalendarDay.objects.create(date=D(2026, 3, 3), is_working_day=False, note="本地假日")
    assert not is_working_day(D(2026, 3, 3))
    assert add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 4)
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 6)) == 3


def test_it_lets_an_override_make_a_holiday_a_working_day():
    CalendarDay.objects.create(date=D(2026, 10, 5), is_working_day=True)
    assert is_working_day(D(2026, 10, 5))
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 5)


def test_it_applies_overrides_far_beyond_the_first_window():
    # A long count must still see an override half a year after its start.
    start = D(2026, 1, 5)
    plain = add_working_days(start, 150)
    CalendarDay.objects.create(date=plain, is_working_day=False)
    assert add_working_days(start, 150) == next_working_day(plain + dt.timedelta(days=1))


def test_it_still_counts_weekends_in_a_year_the_library_does_not_know():
    # 2101 is past the library's range: no holidays, but Saturday and Sunday stay days off.
    assert D(2101, 1, 7).weekday() == 4  # a Friday
    assert add_working_days(D(2101, 1, 7), 1) == D(2101, 1, 10)
    assert not is_working_day(D(2101, 1, 8))


def test_it_lets_an_administrator_enter_next_years_swap():
    # 2027's schedule is not in the library yet; a swapped Sunday entered by hand counts.
    sunday = D(2027, 2, 14)
    assert sunday.weekday() == 6
    assert not is_working_day(sunday)
    CalendarDay.objects.create(date=sunday, is_working_day=True, note="调休上班")
    assert is_working_day(sunday)
    assert add_working_days(D(2027, 2, 12), 1) == sunday


def test_it_accepts_an_aware_datetime_in_local_time():
    from django.utils import timezone

    # 20:00 UTC on 13 Feb is already 14 Feb in Beijing.
    moment = dt.datetime(2026, 2, 13, 20, 0, tzinfo=dt.UTC)
    assert timezone.localtime(moment).date() == D(2026, 2, 14)
    assert add_working_days(moment, 1) == D(2026, 2, 24)
