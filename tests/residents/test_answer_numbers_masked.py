"""A resident's number written into the answer (a direct reply, the reply to a rating) is
masked on the staff issue page as the description is (C2.11): the chair reads 137****9876,
the liaison sees it whole only through the logged look."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import user_with_role
from tests.residents.conftest import accepted
from xieshang.core.models import Event
from xieshang.orgs.models import Role
from xieshang.residents import services

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]

ANSWER = "路灯已修复。如有问题可再联系社区（电话 13712349876 李建国反映）。"


def _answer_block(html: str) -> str:
    return html.split('id="issue-answer"', 1)[1].split("</div></div>", 1)[0]


def test_the_answer_on_the_staff_page_masks_the_residents_number(world):
    issue, _code = accepted(world, phone="13712349876")
    services.issue_close(issue=issue, actor=world["liaison"], reply=ANSWER)
    url = reverse("residents:detail", args=[issue.pk])

    chair = Client()
    chair.force_login(user_with_role(Role.CHAIR, world["district"]))
    page = chair.get(url).content.decode()
    assert "电话 137****9876 李建国反映" in _answer_block(page)
    assert "13712349876" not in page
    assert "?phone=1" not in page  # the chair may not reveal it

    liaison = Client()
    liaison.force_login(world["liaison"])
    page = liaison.get(url).content.decode()
    assert "137****9876" in _answer_block(page) and "13712349876" not in page
    assert "显示完整内容（将记录查看）" in _answer_block(page)
    shown = liaison.get(url + "?phone=1").content.decode()
    assert "电话 13712349876 李建国反映" in _answer_block(shown)
    look = Event.objects.filter(verb="pii.view", actor=world["liaison"]).latest("pk")
    assert "answer" in look.data["fields"]


def test_the_reply_to_a_rating_masks_the_number_too(world):
    issue, _code = accepted(world)
    services.issue_close(issue=issue, actor=world["liaison"], reply="已告知物业。")
    issue.refresh_from_db()
    services.issue_rate(issue=issue, rating="dissatisfied", comment="没人来")
    issue.refresh_from_db()
    services.issue_review_close(
        issue=issue, actor=world["liaison"], reply="物业已回访，可拨 13712349876 联系。"
    )
    client = Client()
    client.force_login(world["office"])
    page = client.get(reverse("residents:detail", args=[issue.pk])).content.decode()
    assert "可拨 137****9876 联系" in page
    assert "13712349876" not in page
