"""In January and February the office prints the annual duty reports and reads the sector
contacts of the year just ended: those pages open on it, not on the new year's empty weeks,
as the evaluation does (`core.years`)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.duty.factories import setting

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C5.7")]


@pytest.mark.parametrize(
    ("today", "year"),
    [(dt.date(2027, 1, 4), 2026), (dt.date(2027, 2, 28), 2026), (dt.date(2027, 3, 1), 2027)],
)
def test_the_year_end_pages_open_on_the_year_being_reported(client, today, year):
    _org, _term, office, _member = setting()
    with time_machine.travel(dt.datetime(today.year, today.month, today.day, 10), tick=False):
        client.force_login(office)
        reports = client.get(reverse("duty:reports")).content.decode()
        assert f"{year}年度委员履职报告" in reports
        contacts = client.get(reverse("duty:sector_contacts")).content.decode()
        assert f"{year}年度委员联系界别群众情况" in contacts
        # A year asked for is the one shown.
        asked = client.get(reverse("duty:reports") + "?year=2027").content.decode()
        assert "2027年度委员履职报告" in asked
