"""A routed issue's follow-up task shows the numbers the resident typed masked, as the
issue's staff page does: the task is read by the department, the office and the supervising
office, and keeps its text after the resident's own number is deleted."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.residents.conftest import accepted
from xieshang.residents import services

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]

TYPED = "北门路灯坏了，请联系我13812345678，身份证110101199003071234。"


def test_the_task_masks_the_numbers_the_resident_typed(world):
    issue, _code = accepted(
        world,
        title="路灯不亮 13812345678",
        description=TYPED,
        location="北门 电话13812345678",
    )
    services.issue_route(issue=issue, actor=world["liaison"], department=world["dept"])
    issue.refresh_from_db()
    task = issue.task
    for text in (task.title, task.request):
        assert "13812345678" not in text and "110101199003071234" not in text
    assert "138****5678" in task.request and "110****1234" in task.request
    assert "138****5678" in task.title

    clerk = Client()
    clerk.force_login(world["clerk"])
    page = clerk.get(reverse("followups:detail", args=[task.pk])).content.decode()
    assert "13812345678" not in page and "138****5678" in page
    # The department reads the whole number on the issue's page, by the logged look.
    whole = clerk.get(reverse("residents:detail", args=[issue.pk]) + "?phone=1")
    assert "13812345678" in whole.content.decode()

    supervisor = Client()
    supervisor.force_login(world["supervisor"])
    seen = supervisor.get(reverse("followups:detail", args=[task.pk]))
    if seen.status_code == 200:
        assert "13812345678" not in seen.content.decode()
