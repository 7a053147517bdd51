"""A phone or ID number the resident typed into the issue's title is masked wherever staff
pages name the issue (its page, the lists, the street desk), as the description is; the
whole title is read by the same logged look as the description."""

import pytest
from django.urls import reverse

from tests.residents.conftest import raise_issue, routed
from xieshang.core.models import Event

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]

TITLE = "路灯不亮 请回电13812345678 身份证110101199003071234"


def _assert_masked(body, where):
    assert "13812345678" not in body and "110101199003071234" not in body, where
    assert "138****5678" in body and "110****1234" in body, where


def test_a_number_typed_into_the_title_is_masked_on_every_staff_page(client, world):
    issue, _code = routed(world, title=TITLE)
    detail = reverse("residents:detail", args=[issue.pk])
    client.force_login(world["liaison"])
    _assert_masked(client.get(detail).content.decode(), "detail")
    _assert_masked(client.get(reverse("residents:queue") + "?state=open").content.decode(), "queue")
    _assert_masked(client.get(reverse("residents:dashboard")).content.decode(), "dashboard")
    client.force_login(world["clerk"])
    _assert_masked(client.get(reverse("residents:routed")).content.decode(), "routed")
    # The whole title by the logged look, as the description and the phone.
    client.force_login(world["liaison"])
    assert not Event.objects.filter(verb="pii.view").exists()
    body = client.get(detail + "?phone=1").content.decode()
    assert "13812345678" in body and "110101199003071234" in body
    looked = Event.objects.get(verb="pii.view", object_id=str(issue.pk))
    assert "title" in looked.data["fields"]


def test_a_similar_issue_is_named_with_its_numbers_masked(client, world):
    raise_issue(world, title=TITLE, phone="13900002222")
    issue, _code = raise_issue(world, title="路灯不亮 请回电")
    client.force_login(world["liaison"])
    body = client.get(reverse("residents:detail", args=[issue.pk])).content.decode()
    similar = body.split('id="similar-issues"', 1)[1].split("</ul>", 1)[0]
    assert "138****5678" in similar and "13812345678" not in similar


def test_the_public_progress_page_names_the_street_and_the_community(client, world):
    issue, code = raise_issue(world)
    client.post(reverse("residents_public:lookup"), {"ticket": issue.ticket, "code": code})
    body = client.get(reverse("residents_public:lookup")).content.decode()
    assert "城关街道 · 东门社区" in body


def test_a_number_typed_into_the_place_is_masked_and_shown_by_the_logged_look(client, world):
    issue, _code = routed(world, title="路灯不亮", location="北门 电话13812345678")
    detail = reverse("residents:detail", args=[issue.pk])
    client.force_login(world["liaison"])
    body = client.get(detail).content.decode()
    assert "13812345678" not in body and "北门 电话138****5678" in body
    body = client.get(detail + "?phone=1").content.decode()
    assert "北门 电话13812345678" in body
    looked = Event.objects.get(verb="pii.view", object_id=str(issue.pk))
    assert "location" in looked.data["fields"]
