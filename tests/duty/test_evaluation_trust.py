"""Evaluation people can trust (issue 11): a year in progress is not graded and raises no
year-judging discipline case; a finished year is graded from its records; the demo's
history gives a believable spread."""

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from tests.duty.factories import record, setting
from tests.factories import MemberFactory, seat
from xieshang.core.models import Event
from xieshang.duty import demo, selectors
from xieshang.duty.models import DisciplineCase, DutyKind
from xieshang.duty.services import scan_all, scan_discipline
from xieshang.orgs.models import Session

pytestmark = pytest.mark.django_db
K = DutyKind
Rule = DisciplineCase.Rule


def _beijing(*args):
    """A moment given in Beijing time (the product's TIME_ZONE)."""
    return dt.datetime(*args, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _idle_and_low(member, year):
    """A member who attended one plenary half-day a year and did nothing else."""
    record(member, K.PLENARY_HALF_DAY, date=dt.date(year, 1, 8))


@pytest.mark.clause("C5.7")
@pytest.mark.clause("C5.11")
@time_machine.travel(_beijing(2026, 11, 30, 10, 0))
def test_a_year_in_progress_reads_in_progress_and_raises_no_year_judging_case(client):
    org, _term, office, member = setting()
    for year in (2024, 2025, 2026):
        _idle_and_low(member, year)
    record(member, K.PLENARY_ABSENCE_UNEXCUSED, date=dt.date(2026, 1, 9))

    client.force_login(office)
    page = client.get(reverse("duty:evaluation") + "?year=2026").content.decode()
    row = page[page.index(member.name) :]
    row = row[: row.index("</tr>")]
    assert "进行中" in row and "不称职" not in row
    assert "-25" in row  # the score so far: 5 for the half-day, -30 for the absence
    assert "2026年度尚未结束" in page
    assert "尚未结束" not in client.get(reverse("duty:evaluation") + "?year=2025").content.decode()
    file_page = client.get(reverse("duty:member_file", args=[member.pk]) + "?year=2026")
    assert "进行中" in file_page.content.decode()

    # Even when asked for the running year, the scan judges no part of it as a whole year;
    # the absence already happened, so its reminder is raised now. The daily scan judges
    # 2025, which has ended (2024 and 2025: nothing filed, below 60 both years).
    scan_discipline(org, 2026, yearly=True)
    scan_all()
    assert set(DisciplineCase.objects.values_list("year", "rule")) == {
        (2026, Rule.ABSENCE_REMINDER),
        (2025, Rule.NO_CONTRIBUTION),
        (2025, Rule.LOW_SCORE),
    }


@pytest.mark.clause("C5.7")
@pytest.mark.clause("C5.11")
def test_the_year_is_graded_and_judged_once_it_has_ended_in_beijing_time(client):
    org, _term, office, member = setting()
    for year in (2025, 2026):
        _idle_and_low(member, year)
    # 31 December, 23:30 in Beijing (15:30 UTC): the year is still running.
    with time_machine.travel(_beijing(2026, 12, 31, 23, 30)):
        assert selectors.scores(org, 2026, [member.pk])[member.pk].grade == "进行中"
        scan_discipline(org, 2026)
        assert not DisciplineCase.objects.filter(year=2026).exists()
    # Half an hour later it is 2027 in Beijing (still 31 December in UTC).
    with time_machine.travel(_beijing(2027, 1, 1, 0, 0)):
        score = selectors.scores(org, 2026, [member.pk])[member.pk]
        assert (score.grade, score.provisional, score.total) == ("不称职", False, Decimal(5))
        scan_all()
        assert set(DisciplineCase.objects.filter(year=2026).values_list("rule", flat=True)) == {
            Rule.NO_CONTRIBUTION,
            Rule.LOW_SCORE,
        }
        assert Event.objects.filter(verb="duty.case_raise").count() == 2
        client.force_login(office)
        page = client.get(reverse("duty:evaluation") + "?year=2026").content.decode()
        assert "不称职" in page and "进行中" not in page


@pytest.mark.clause("C5.7")
@time_machine.travel(_beijing(2026, 11, 30, 10, 0))
def test_known_records_of_a_finished_year_give_known_grades():
    org, term, _office, _member = setting()
    people = {name: MemberFactory(organisation=org, name=name) for name in "甲乙丙丁"}
    for member in people.values():
        seat(member, term)
    year = 2025
    day = dt.date(year, 3, 1)
    for member in people.values():  # 三个一 for everyone: 25 + 15 + 5 = 45
        record(member, K.PLENARY_HALF_DAY, date=day, quantity=5)
        record(member, K.PROPOSAL_FIRST, date=day)
        record(member, K.INSPECTION, date=day)
    record(people["甲"], K.MEETING, date=day, quantity=10)  # 95
    record(people["乙"], K.MEETING, date=day, quantity=8)  # 85
    record(people["丙"], K.MEETING, date=day, quantity=4)  # 65
    record(people["丁"], K.ABSENCE_UNEXCUSED, date=day)  # 40
    found = selectors.scores(org, year, [m.pk for m in people.values()])
    assert {name: (found[m.pk].total, found[m.pk].grade) for name, m in people.items()} == {
        "甲": (Decimal(95), "优秀"),
        "乙": (Decimal(85), "良好"),
        "丙": (Decimal(65), "称职"),
        "丁": (Decimal(40), "不称职"),
    }


@pytest.mark.clause("C5.7")
@pytest.mark.clause("C5.11")
@time_machine.travel(_beijing(2026, 11, 30, 10, 0))
def test_the_demo_history_grades_a_spread_and_raises_a_handful_of_cases():
    org, term, _office, _member = setting()  # term from 2022
    for number, year in enumerate(range(2022, 2027), start=1):
        Session.objects.create(
            term=term,
            number=number,
            start_date=dt.date(year, 1, 8),
            end_date=dt.date(year, 1, 10),
        )
    for _i in range(99):
        seat(MemberFactory(organisation=org), term)
    rows = demo.history(organisation=org, rng=random.Random(11))
    assert rows > 100 * 4 * 10  # four finished years, a dozen facts a member a year

    for year in range(2022, 2026):
        grades = Counter(s.grade for _m, s in selectors.evaluation_rows(org, year))
        assert sum(grades.values()) == 100
        assert grades["优秀"] + grades["良好"] + grades["称职"] >= 85
        assert 5 <= grades["优秀"] <= 30  # a minority
        assert grades["称职"] > grades["优秀"]
        assert 1 <= grades["不称职"] <= 10
    # Nothing of this year is invented: the other demos write it through the services.
    assert not selectors.scores(org, 2026, None)

    scan_all()
    cases = Counter(DisciplineCase.objects.values_list("rule", flat=True))
    assert 1 <= sum(cases.values()) <= 10
    assert set(cases) <= {Rule.LOW_SCORE, Rule.NO_CONTRIBUTION}


@pytest.mark.clause("C5.11")
@time_machine.travel(_beijing(2026, 11, 30, 10, 0))
def test_a_year_without_any_duty_record_in_the_organisation_judges_nobody():
    """An office that started using the system this year (or a node whose members are filed
    elsewhere) has an empty ledger for last year: nobody is idle or failing for it."""
    org, _term, _office, member = setting()
    _idle_and_low(member, 2025)  # 2024: nothing recorded for anyone
    assert scan_all() == {"created": 0}
    _idle_and_low(member, 2024)
    assert scan_all() == {"created": 2}
    assert set(DisciplineCase.objects.values_list("rule", flat=True)) == {
        Rule.NO_CONTRIBUTION,
        Rule.LOW_SCORE,
    }
