"""The residents' issue queue's tab from the address: a tab it offers filters, absent or
empty is 待受理, and one it does not offer is a 400 naming the tabs (not silently 待受理)."""

import pytest
from django.urls import reverse

from .conftest import accepted, raise_issue

pytestmark = pytest.mark.django_db


def test_a_tab_filters_and_an_unknown_one_is_refused_with_the_tabs(client, world):
    waiting, _code = raise_issue(world, title="待受理的事")
    running, _code = accepted(world, title="办理中的事")
    client.force_login(world["office"])
    url = reverse("residents:queue")
    for query in ("", "?state="):
        page = client.get(url + query).content.decode()
        assert waiting.title in page and running.title not in page
    page = client.get(url + "?state=open").content.decode()
    assert running.title in page and waiting.title not in page
    refused = client.get(url + "?state=late")
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "状态（state）不是有效的选项" in body and "转办逾期（overdue）" in body
