"""In January and February the office writes up the year just ended: the proposal figures
(and their Excel without a year) open on that year, as the work report linked from the page
does, not on the new year's empty weeks (`core.years.closing_year`)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

pytestmark = [pytest.mark.clause("C4.6")]


def _heading(html: str) -> str:
    return html.split("<h1", 1)[1].split("</h1>", 1)[0]


@pytest.mark.parametrize(
    ("today", "year"),
    [(dt.date(2027, 1, 4), 2026), (dt.date(2027, 2, 28), 2026), (dt.date(2027, 3, 1), 2027)],
)
def test_the_figures_open_on_the_year_being_reported(world, client, today, year):
    with time_machine.travel(dt.datetime(today.year, today.month, today.day, 10), tick=False):
        client.force_login(world.office)
        page = client.get(reverse("proposals:figures")).content.decode()
        assert f"{year}年度" in _heading(page)
        # The work report the page links to opens on the same year.
        report = client.get(reverse("proposals:work_report")).content.decode()
        assert f"{year}年度" in _heading(report)
        response = client.get(reverse("proposals:figures_export"))
        assert f"proposal-figures-{year}.xlsx" in response["Content-Disposition"]
        # A year asked for is the one shown.
        asked = client.get(reverse("proposals:figures"), {"year": 2027}).content.decode()
        assert "2027年度" in _heading(asked)
        response = client.get(reverse("proposals:figures_export"), {"year": 2027})
        assert "proposal-figures-2027.xlsx" in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("today", "year"), [(dt.date(2027, 2, 10), 2026), (dt.date(2027, 3, 1), 2027)]
)
def test_a_handling_units_own_figures_open_on_the_same_year(world, client, today, year):
    with time_machine.travel(dt.datetime(today.year, today.month, today.day, 10), tick=False):
        client.force_login(world.housing_clerk)
        page = client.get(reverse("proposals:figures")).content.decode()
        assert f'name="year" value="{year}"' in page
