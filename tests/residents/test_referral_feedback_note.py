"""The department answering a resident's issue is told, beside the form and in its confirm,
that its feedback goes straight to the resident and to the public portal: the follow-up
page's usual confirm promised that whoever assigned it would review it first (tester)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import DepartmentFactory, user_with_role
from xieshang.followups import services as followups
from xieshang.orgs.models import Role

from .conftest import routed

pytestmark = pytest.mark.django_db

NOTE = "答复将直接告知群众（短信），并在隐去姓名、联系方式和门牌号后在公众平台公开，不经街道审核。"


def test_the_department_is_told_its_answer_is_published_at_once(client, world):
    issue, _code = routed(world)
    client.force_login(world["clerk"])
    page = client.get(reverse("followups:detail", args=[issue.task.pk])).content.decode()
    assert f'id="feedback-note">{NOTE}<' in page
    assert f'data-confirm="提交书面反馈？提交后不能修改。{NOTE}"' in page
    assert "由交办方审核办结" not in page

    # A task about nothing in particular keeps the engine's own words.
    dept = DepartmentFactory(organisation=world["district"], name="区民政局")
    clerk = user_with_role(Role.DEPARTMENT, world["district"], department=dept)
    task = followups.task_open(
        organisation=world["district"],
        title="督办事项",
        department=dept,
        actor=world["office"],
        due_date=timezone.localdate() + dt.timedelta(days=30),
    )
    client.force_login(clerk)
    page = client.get(reverse("followups:detail", args=[task.pk])).content.decode()
    assert "由交办方审核办结" in page and NOTE not in page
