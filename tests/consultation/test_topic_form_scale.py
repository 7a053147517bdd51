"""The topic form of a city or province office, which may propose to every committee below
it: the same number of queries whatever the number of committees, and no list of them (or of
their focus areas) in the page; the committee and its area are searched on the server."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_org, user_with_role
from xieshang.consultation.models import FocusArea, Topic, TopicType
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db
URL = reverse("consultation:topic_new")


def page_queries(client) -> tuple[int, str]:
    client.get(URL)  # the first visit seeds the committees' focus areas
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(URL)
    assert page.status_code == 200
    return len(ctx.captured_queries), page.content.decode()


def test_a_city_offices_topic_form_costs_the_same_with_more_districts(client):
    city = make_org("示范市政协", Level.CITY)
    make_org("东区政协", Level.DISTRICT, parent=city)
    client.force_login(user_with_role(Role.OFFICE, city))
    few, _page = page_queries(client)
    for i in range(6):
        make_org(f"第{i}区政协", Level.DISTRICT, parent=city)
    many, page = page_queries(client)
    assert many == few
    assert "/pickers/consultation-topic-organisations/" in page
    assert "/pickers/consultation-topic-areas/" in page
    assert "第3区政协" not in page  # searched for, not listed
    assert "selected>示范市政协</option>" in page  # its own committee unless chosen

    found = client.get(reverse("picker", args=["consultation-topic-areas"]), {"q": "第3区"}).json()[
        "results"
    ]
    assert found and all(r["text"].startswith("第3区政协 · ") for r in found)
    area = FocusArea.objects.get(pk=found[0]["value"])

    # A topic for that district is proposed with its area; another district's area refused.
    data = {
        "organisation": area.organisation_id,
        "title": "区域养老服务协商",
        "source": Topic.Source.CPPCC,
        "proposer_name": "市政协办公室",
        "topic_type": TopicType.DELIBERATION,
        "focus_area": FocusArea.objects.exclude(organisation=area.organisation).first().pk,
    }
    refused = client.post(URL, data)
    assert refused.status_code == 400 and "重点领域不属于本组织" in refused.content.decode()
    assert client.post(URL, {**data, "focus_area": area.pk}).status_code == 302
    assert Topic.objects.get(title="区域养老服务协商").organisation_id == area.organisation_id
