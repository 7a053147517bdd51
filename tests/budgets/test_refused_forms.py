"""A refused void is shown again with its reason and what was typed, even when the entry
was voided meanwhile (a colleague acted first) and its row offers no void form any more."""

import pytest
from django.urls import reverse

from xieshang.core.models import Event

from .conftest import make_line, spend

pytestmark = pytest.mark.django_db


def test_a_refused_void_keeps_its_reason_when_a_colleague_voided_the_entry_first(client, world):
    line = make_line(world)
    entry = spend(world, line, "100")
    client.force_login(world["office"])
    url = reverse("budgets:void", args=[line.pk, entry.pk])
    assert client.post(url, {"reason": "金额有误"}).status_code == 302
    response = client.post(url, {"reason": "与记-03-017重复录入"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "该支出记录已作废。" in body and "与记-03-017重复录入" in body
    entry.refresh_from_db()
    assert entry.void_reason == "金额有误"
    assert Event.objects.filter(verb="budget.void").count() == 1
