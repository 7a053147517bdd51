"""A mobile or ID card number a resident types into a topic suggestion on the portal is
masked on the staff pages, as on a resident's issue: the office sees it whole only by the
logged look ("显示完整内容（将记录查看）"); once the topic is accepted, the chair, the
standing committee's secretary and committee staff read it masked and cannot look.
The topics list, the moderation list, the Excel export and the header search mask it too."""

import pytest
from django.urls import reverse

from tests.xlsx import texts, workbook
from xieshang.consultation import services
from xieshang.consultation.models import ActivityForm, PlanItem
from xieshang.core.models import ApiToken, Event

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.3")]

MOBILE, ID_NUMBER = "13912348888", "110101199001011234"
MOBILE_MASKED, ID_MASKED = "139****8888", "110****1234"


def suggest(world, title="建议协商社区托育服务价格"):
    return services.topic_public_submit(
        organisation=world.district,
        title=title,
        description=f"托育费用太高。我手机{MOBILE}，身份证{ID_NUMBER}。",
        name="李女士",
        phone="",
        ip="10.1.1.2",
    )


def test_numbers_in_a_suggestion_are_masked_and_the_full_text_is_a_logged_look(world, client):
    topic = suggest(world)
    url = reverse("consultation:topic", args=[topic.pk])
    client.force_login(world.office)
    page = client.get(url).text
    assert MOBILE not in page and ID_NUMBER not in page
    assert MOBILE_MASKED in page and ID_MASKED in page
    assert "显示完整内容（将记录查看）" in page
    assert not Event.objects.filter(verb="pii.view").exists()

    page = client.get(url + "?phone=1").text
    assert MOBILE in page and ID_NUMBER in page
    look = Event.objects.get(verb="pii.view", object_id=str(topic.pk))
    assert look.actor == world.office and look.data["fields"] == ["description"]

    # Accepted into the topic pool, it is read by the chair, the standing committee and
    # the committees: masked, with no way to see more and nothing logged.
    services.topic_moderate(topic=topic, actor=world.office, accept=True, focus_area=world.area())
    for reader in (world.chair, world.standing, world.committee_staff):
        client.force_login(reader)
        for asked in (url, url + "?phone=1"):
            response = client.get(asked)
            assert response.status_code == 200, reader
            assert MOBILE not in response.text and ID_NUMBER not in response.text
            assert MOBILE_MASKED in response.text
            assert "显示完整内容（将记录查看）" not in response.text
    assert Event.objects.filter(verb="pii.view").count() == 1


def test_a_number_in_the_title_is_masked_on_the_lists_the_export_and_the_search(world, client):
    topic = suggest(world, title=f"托育服务价格太高请回电{MOBILE}")
    client.force_login(world.office)

    page = client.get(reverse("consultation:moderation")).text
    assert f"托育服务价格太高请回电{MOBILE_MASKED}" in page and MOBILE not in page
    page = client.get(reverse("consultation:topic", args=[topic.pk])).text
    assert MOBILE not in page

    services.topic_moderate(topic=topic, actor=world.office, accept=True, focus_area=world.area())
    page = client.get(reverse("consultation:topics")).text
    assert f"托育服务价格太高请回电{MOBILE_MASKED}" in page and MOBILE not in page

    shown = texts(workbook(client.get(reverse("consultation:topics_export"))))
    assert f"托育服务价格太高请回电{MOBILE_MASKED}" in shown
    assert not any(MOBILE in t for t in shown)

    page = client.get(reverse("search"), {"q": "托育服务价格"}).text
    assert f"托育服务价格太高请回电{MOBILE_MASKED}" in page and MOBILE not in page

    # The API, which has no logged look either, and wherever the topic is named by itself
    # (a plan item's topic picker).
    _, raw = ApiToken.issue(user=world.office, name="test")
    found = client.get("/api/v1/consultation/topics", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    [row] = [t for t in found["items"] if t["id"] == topic.pk]
    assert row["title"] == f"托育服务价格太高请回电{MOBILE_MASKED}"
    assert MOBILE not in row["description"] and ID_MASKED in row["description"]
    assert str(topic) == f"托育服务价格太高请回电{MOBILE_MASKED}"


def test_a_plan_item_made_from_such_a_topic_takes_its_title_masked(world, client):
    topic = world.topic(f"托育服务价格太高请回电{MOBILE}")
    plan = services.plan_create(organisation=world.district, year=2027, actor=world.office)
    client.force_login(world.office)
    response = client.post(
        f"/consultation/plans/{plan.pk}/items/new/",
        {
            "topic": topic.pk,
            "title": "",  # 按议题填写
            "form": ActivityForm.SPECIAL,
            "month": 6,
            "lead_leader": "刘副主席",
            "version": plan.version,
        },
    )
    assert response.status_code == 302
    assert PlanItem.objects.get().title == f"托育服务价格太高请回电{MOBILE_MASKED}"


def _found(query):
    from xieshang.consultation.models import Topic
    from xieshang.textsim.search import search

    return list(
        search(Topic.objects.all(), ["title", "ticket"], query).values_list("pk", flat=True)
    )


def test_a_search_for_the_whole_number_finds_no_topic_and_the_upgrade_rewrites_old_entries(
    world,
):
    import importlib

    from django.apps import apps

    from xieshang.textsim import index
    from xieshang.textsim.models import SearchEntry, SimilarityVector

    topic = suggest(world, title=f"托育服务价格太高请回电{MOBILE}")
    plain = suggest(world, title="建议协商老旧小区加装电梯")
    assert _found(MOBILE) == [] and _found(ID_NUMBER) == []
    assert topic.pk in _found("托育")
    kept = SimilarityVector.objects.filter(content_type__model="topic", object_id=topic.pk)
    assert all(MOBILE not in v.text for v in kept)

    # As indexed before this change: the resident's words whole.
    entry = SearchEntry.objects.get(content_type__model="topic", object_id=topic.pk)
    raw = index.fields_from_text([topic.title, topic.ticket], ["李女士"], [topic.description])
    SearchEntry.objects.filter(pk=entry.pk).update(**raw)
    assert _found(MOBILE) == [topic.pk]
    before = SearchEntry.objects.get(content_type__model="topic", object_id=plain.pk)

    upgrade = importlib.import_module("xieshang.consultation.migrations.0008_reindex_topic_numbers")
    upgrade.Migration.operations[0].code(apps, None)

    assert _found(MOBILE) == [] and _found(ID_NUMBER) == []
    assert topic.pk in _found("托育")
    after = SearchEntry.objects.get(content_type__model="topic", object_id=plain.pk)
    assert after.digest == before.digest  # a topic with no number is left as it was
