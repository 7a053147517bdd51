"""The activity page in English names its parts as a reader expects: who organised it (not
"Lead", the proposals' handling role) and the lists of speeches, attachments, outcomes."""

import datetime as dt

import pytest
from django.urls import reverse

from xieshang.consultation import services
from xieshang.consultation.models import ActivityForm

pytestmark = pytest.mark.django_db


def test_the_activity_page_reads_in_english(world, client):
    activity = services.activity_create(
        organisation=world.district,
        actor=world.office,
        title="社区养老服务协商座谈",
        form=ActivityForm.SYMPOSIUM,
        date=dt.date(2026, 9, 28),
        place="区政协",
    )
    client.force_login(world.office)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("consultation:activity", args=[activity.pk])).content.decode()
    assert "Organised by" in page and ">Lead<" not in page
    for heading in ("Speeches", "Attachments", "Outcomes"):
        assert f'<h2 class="h5">{heading}</h2>' in page
