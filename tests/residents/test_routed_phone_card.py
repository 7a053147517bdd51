"""The department's list of routed residents' issues and the street's queue keep the masked
phone on a phone's card too (a labelled line 联系电话：139****1111), not only in the desktop
table: the department and the liaison call the resident back."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.residents.conftest import raise_issue, routed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "make, url, user, table_id",
    [
        (routed, "residents:routed", "clerk", "routed-list"),
        (raise_issue, "residents:queue", "liaison", "issue-queue"),
    ],
)
def test_the_list_card_shows_the_masked_phone(world, make, url, user, table_id):
    issue, _code = make(world, phone="13900001111")
    client = Client()
    client.force_login(world[user])
    page = client.get(reverse(url)).content.decode()
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S).group(0)
    row = next(r for r in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S) if issue.ticket in r)
    (cell,) = re.findall(r'<td([^>]*data-label="联系电话"[^>]*)>(.*?)</td>', row, re.S)
    attrs, text = cell
    assert text.strip() == "139****1111"
    assert "13900001111" not in page
    # A minor column (or an empty cell) is hidden on a phone's card (site.css); this one is not.
    classes = re.search(r'class="([^"]*)"', attrs)
    assert not classes or not {"xs-col-minor", "xs-empty"} & set(classes.group(1).split())
