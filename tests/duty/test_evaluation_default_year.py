"""In January and February the office evaluates the year just ended: the yearly evaluation
opens on it (and its export without a year follows), not on the new year's few weeks."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.duty.factories import setting

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C5.7")]


def _heading(client) -> str:
    html = client.get(reverse("duty:evaluation")).content.decode()
    return html.split('<h1 class="h4">', 1)[1].split("</h1>", 1)[0]


@pytest.mark.parametrize(
    ("today", "year"),
    [(dt.date(2027, 1, 12), 2026), (dt.date(2027, 2, 28), 2026), (dt.date(2027, 3, 1), 2027)],
)
def test_the_evaluation_opens_on_the_year_being_evaluated(client, today, year):
    _org, _term, office, _member = setting()
    with time_machine.travel(dt.datetime(today.year, today.month, today.day, 10), tick=False):
        client.force_login(office)
        assert f"{year}年度委员履职考核" in _heading(client)
        # A year asked for is still the one shown.
        html = client.get(reverse("duty:evaluation") + "?year=2027").content.decode()
        assert "2027年度委员履职考核" in html
