"""A year before the committee's first term has no one to evaluate: asked for in the
address bar, the evaluation and its export answer 400 saying so (as `year=abc` does),
instead of listing the current term's members, those who left with them, all below 60.
The year selector offers no such year."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.duty.factories import setting

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C5.7")]


def test_a_year_before_the_first_term_is_refused_with_a_message(client):
    org, _term, office, member = setting()  # the term began in 2022
    client.force_login(office)
    for name in ("duty:evaluation", "duty:evaluation_export"):
        response = client.get(reverse(name) + "?year=2019")
        assert response.status_code == 400, name
        text = response.content.decode()
        assert "2019年尚无届次" in text and "2022" in text
        assert member.name not in text
    # The first term's own year is evaluated as before.
    page = client.get(reverse("duty:evaluation") + "?year=2022")
    assert page.status_code == 200 and member.name in page.content.decode()


def test_the_year_selector_starts_at_the_first_terms_year(client):
    org, term, office, _member = setting()
    this_year = timezone.localdate().year
    term.start_date = dt.date(this_year - 1, 1, 10)
    term.save(update_fields=["start_date"])
    client.force_login(office)
    html = client.get(reverse("duty:evaluation")).content.decode()
    select = html.split('name="year"', 1)[1].split("</select>", 1)[0]
    assert f'value="{this_year - 1}"' in select
    assert f'value="{this_year - 2}"' not in select
