"""报送党委 / 报送政府 means the item's own committee's Party committee and government (the
page says 本级党委, 本级政府): only that committee's office sends it there. The city office
reading a district's item it received must not mark it sent to the district's Party
committee, which would then find in its inbox an item its own CPPCC office never sent."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.opinions.factories import make_opinion
from xieshang.core.audit import history
from xieshang.opinions import services
from xieshang.opinions.models import Opinion

pytestmark = pytest.mark.django_db
S = Opinion.Status


@pytest.mark.clause("C2.9")
def test_only_the_items_own_office_reports_it_to_the_party_committee(world, client):
    office, city_office = world["office"], world["city_office"]
    opinion = make_opinion(world["member"], office=office, state=S.REPORTED)

    with pytest.raises(ValidationError):
        services.opinion_report(opinion=opinion, actor=city_office, upward=False, party=True)
    opinion.refresh_from_db()
    assert not opinion.reported_to_party

    # The page offers the city office no such box, and a crafted post is refused too.
    client.force_login(city_office)
    url = reverse("opinions:detail", args=[opinion.pk])
    page = client.get(url).content.decode()
    assert 'name="party"' not in page and 'name="government"' not in page
    client.post(reverse("opinions:report", args=[opinion.pk]), {"party": "on"})
    opinion.refresh_from_db()
    assert not opinion.reported_to_party
    client.force_login(world["party_office"])
    assert opinion.title not in client.get(reverse("opinions:received")).content.decode()

    # The district's own office does, and the history says to whom.
    client.force_login(office)
    assert 'name="party"' in client.get(url).content.decode()
    services.opinion_report(opinion=opinion, actor=office, upward=False, party=True)
    opinion.refresh_from_db()
    assert opinion.reported_to_party
    assert "本级党委" in [str(e.shown_note) for e in history(opinion)]
