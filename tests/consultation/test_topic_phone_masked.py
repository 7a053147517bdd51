"""A resident's number on a topic suggestion is masked on the staff page and shown whole only
on request, with the look logged (SPEC, personal information: who viewed it is recorded), as
on a resident's issue; staff of another committee and other roles do not see it at all."""

import pytest
from django.urls import reverse

from xieshang.consultation import services
from xieshang.core.models import Event

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.3")]

PHONE = "13800001111"


def test_the_number_is_masked_and_the_whole_number_is_a_logged_look(world, client):
    topic = services.topic_public_submit(
        organisation=world.district,
        title="公园健身器材老化问题",
        description="人民公园健身器材多处损坏，老人锻炼存在安全隐患，希望协商解决。",
        name="王女士",
        phone=PHONE,
        ip="10.1.1.1",
    )
    url = reverse("consultation:topic", args=[topic.pk])
    client.force_login(world.office)
    page = client.get(url).text
    assert PHONE not in page and "138****1111" in page
    assert not Event.objects.filter(verb="pii.view").exists()

    page = client.get(url + "?phone=1").text
    assert PHONE in page
    look = Event.objects.get(verb="pii.view", object_id=str(topic.pk))
    assert look.actor == world.office and look.data["fields"] == ["contact_phone"]

    # Asking for it without the right shows nothing and logs nothing.
    client.force_login(world.other_office)
    assert client.get(url + "?phone=1").status_code == 404
    client.force_login(world.party_office)
    response = client.get(url + "?phone=1")
    assert PHONE not in response.text and "138****1111" not in response.text
    assert Event.objects.filter(verb="pii.view").count() == 1
