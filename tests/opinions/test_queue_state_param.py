"""The 社情民意 office queue's tab from the address: a tab it offers filters, absent or empty
is 待审核, and one it does not offer is a 400 naming the tabs (not silently 待审核)."""

import pytest

from tests.opinions.factories import make_opinion
from xieshang.opinions.models import Opinion

pytestmark = pytest.mark.django_db
S = Opinion.Status


def test_a_tab_filters_and_an_unknown_one_is_refused_with_the_tabs(client, world):
    waiting = make_opinion(world["member"], state=S.SUBMITTED, title="待审核的信息")
    accepted = make_opinion(
        world["member"], office=world["office"], state=S.ACCEPTED, title="待编发的信息"
    )
    client.force_login(world["office"])
    for query in ("", "?state="):
        page = client.get("/opinions/queue/" + query).content.decode()
        assert waiting.title in page and accepted.title not in page
    page = client.get("/opinions/queue/?state=accepted").content.decode()
    assert accepted.title in page and waiting.title not in page
    refused = client.get("/opinions/queue/?state=pending")
    assert refused.status_code == 400
    assert "状态（state）不是有效的选项" in refused.content.decode()
    assert "待编发（accepted）" in refused.content.decode()


def test_the_tabs_are_named_in_english_for_an_english_reader(client, world):
    client.force_login(world["office"])
    client.cookies["django_language"] = "en"
    refused = client.get("/opinions/queue/?state=pending").content.decode()
    assert "Status (state) is not a valid choice; choose one of: " in refused
    assert "、" not in refused.split("choose one of:")[1].split("</")[0]
