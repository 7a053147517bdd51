"""The duty file in English reads right for any year it shows."""

import pytest
from django.urls import reverse

from tests.duty.factories import YEAR, setting

pytestmark = pytest.mark.django_db


def test_a_past_years_score_is_headed_score_for_the_year_not_this_year(client):
    _org, _term, _office, member = setting()
    client.force_login(member.user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("duty:my_file"), {"year": YEAR}).content.decode()
    assert "Score for the year" in page and "Score this year" not in page
