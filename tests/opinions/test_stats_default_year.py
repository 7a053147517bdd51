"""In January and February the office writes up the year just ended: the 社情民意
statistics (and their Excel without a year) open on that year, as the yearly summary linked
from the page does, not on the new year's empty weeks (`core.years.closing_year`)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.9")]


@pytest.mark.parametrize(
    ("today", "year"),
    [(dt.date(2027, 1, 4), 2026), (dt.date(2027, 2, 28), 2026), (dt.date(2027, 3, 1), 2027)],
)
def test_the_statistics_open_on_the_year_being_reported(world, client, today, year):
    with time_machine.travel(dt.datetime(today.year, today.month, today.day, 10), tick=False):
        client.force_login(world["office"])
        html = client.get(reverse("opinions:stats")).content.decode()
        assert f'<option value="{year}" selected>' in html
        assert f'href="?year={year}&amp;format=xlsx"' in html
        # The summary the page links to opens on the same year without one asked.
        summary = client.get(reverse("opinions:summary")).content.decode()
        assert f"{year}年度社情民意信息工作情况" in summary
        response = client.get(reverse("opinions:stats"), {"format": "xlsx"})
        assert f"opinions-{year}.xlsx" in response["Content-Disposition"]
        # A year asked for is the one shown.
        asked = client.get(reverse("opinions:stats"), {"year": 2027}).content.decode()
        assert '<option value="2027" selected>' in asked
