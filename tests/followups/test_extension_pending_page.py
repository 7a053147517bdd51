"""A task's page, while its unit's extension request waits: no second request form (the
engine refuses one, and the reason typed would be lost) but a line saying who decides."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.followups.test_engine import world  # noqa: F401 - the fixture
from xieshang.followups import services
from xieshang.followups.models import Task

pytestmark = pytest.mark.django_db


def page(user, task, language="zh-hans") -> str:
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)
    response = client.get(reverse("followups:detail", args=[task.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.clause("C4.6")
@pytest.mark.parametrize(
    ("kind", "zh", "en"),
    [
        (
            Task.Kind.PROPOSAL,
            "延期申请待提案委员会审批，审批后如仍需延期可再次申请。",
            "Proposals Committee",
        ),
        (
            Task.Kind.OUTCOME,
            "延期申请待政协办公室审批，审批后如仍需延期可再次申请。",
            "CPPCC Office",
        ),
    ],
)
def test_a_pending_extension_request_says_who_decides_instead_of_a_second_form(
    world,  # noqa: F811
    kind,
    zh,
    en,
):
    task = services.task_open(
        organisation=world["district"],
        title="关于加快老旧小区改造的提案",
        department=world["dept"],
        kind=kind,
        actor=world["office"],
        working_days=10,
        start_date=dt.date(2026, 2, 5),
    )
    extension_url = reverse("followups:extension", args=[task.pk])
    assert extension_url in page(world["clerk"], task)  # the form, before any request
    with time_machine.travel(dt.datetime(2026, 2, 10, 9, 0)):
        services.extension_request(
            task=task,
            requested_due=dt.date(2026, 3, 20),
            reason="需会同财政测算",
            actor=world["clerk"],
        )
        html = page(world["clerk"], task)
        assert extension_url not in html and "申请延期</" not in html
        assert 'id="extension-pending"' in html and zh in html
        english = page(world["clerk"], task, "en")
        assert en in english and "waiting for" in english
        # The deciders see the request to decide, not the unit's line.
        assert 'id="extension-pending"' not in page(world["office"], task)
