"""采用日期 dates the authors' duty record, so it decides which year's evaluation counts the
adoption: a slip of the year (2025 typed for 2026) must not credit a year already evaluated."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.opinions.factories import make_opinion
from xieshang.duty.models import DutyRecord
from xieshang.opinions.models import Opinion

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C5.7")
def test_an_adoption_dated_before_the_items_year_is_refused_on_the_form(world, client):
    opinion = make_opinion(world["member"], office=world["office"], state=Opinion.Status.PUBLISHED)
    client.force_login(world["office"])
    last_year = dt.date(opinion.year - 1, 12, 20)
    response = client.post(
        f"/opinions/{opinion.pk}/adopt/",
        {"level": "district", "mode": "standalone", "adopted_on": last_year.isoformat()},
    )
    assert response.status_code == 400
    # The bound is the item's publication (F6), which is in its year.
    assert "采用日期不能早于这篇信息编发的日期" in response.content.decode()
    assert not opinion.adoptions.exists()
    assert not DutyRecord.objects.filter(date__year=opinion.year - 1).exists()
    # The right date goes through, and counts in the item's year.
    response = client.post(
        f"/opinions/{opinion.pk}/adopt/",
        {
            "level": "district",
            "mode": "standalone",
            "adopted_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert opinion.adoptions.count() == 1
