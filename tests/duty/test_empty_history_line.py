"""An empty 办理记录 reads 暂无记录 as a plain line, not as step 1 of the numbered list
("1. 暂无记录"), on every page that includes the history (the score table's here)."""

import re

import pytest
from django.urls import reverse

from tests.duty.factories import YEAR, setting
from xieshang.core.models import Event

pytestmark = pytest.mark.django_db


def _history(html: str) -> str:
    return re.search(r'id="history-title".*?</section>', html, re.S).group(0)


def test_an_empty_history_is_a_plain_line_not_a_numbered_step(client):
    _org, _term, office, _member = setting()
    client.force_login(office)
    Event.objects.all().delete()
    html = _history(client.get(reverse("duty:rules") + f"?year={YEAR}").content.decode())
    assert "暂无记录" in html
    assert "<li" not in html and "list-group-numbered" not in html
