"""A line break in an item's text is one character, as the page's counter shows it
(fix-opin): the browser sends CRLF, which the form counted as two, so an item at the limit by
the counter was refused ("正文共1501字") and its text stored with CRs."""

import pytest

from xieshang.opinions.models import Opinion

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C3.2")]


def test_an_item_at_the_limit_by_the_counter_is_saved(client, world):
    client.force_login(world["member"].user)
    facts = "\r\n".join(["第一段"] * 10)  # 39 characters to a reader: 10 × 3 + 9 breaks
    suggestions = "建" * (1500 - 39)
    response = client.post(
        "/opinions/new/",
        {"title": "关于分段的建议", "facts": facts, "analysis": "", "suggestions": suggestions},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    opinion = Opinion.objects.get()
    assert "\r" not in opinion.facts
    assert opinion.body_length == 1500
