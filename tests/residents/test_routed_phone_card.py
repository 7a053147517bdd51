"""The department's list of routed residents' issues keeps the masked phone on a phone's
card too (a labelled line 联系电话：139****1111), not only in the desktop table: the
department calls the resident back."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.residents.conftest import routed

pytestmark = pytest.mark.django_db


def test_the_routed_list_card_shows_the_masked_phone(world):
    issue, _code = routed(world, phone="13900001111")
    client = Client()
    client.force_login(world["clerk"])
    page = client.get(reverse("residents:routed")).content.decode()
    table = re.search(r'<table[^>]*id="routed-list".*?</table>', page, re.S).group(0)
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", table, re.S) if issue.ticket in r)
    (cell,) = re.findall(r'<td([^>]*data-label="联系电话"[^>]*)>(.*?)</td>', row, re.S)
    attrs, text = cell
    assert text.strip() == "139****1111"
    assert "13900001111" not in page
    # A minor column (or an empty cell) is hidden on a phone's card (site.css); this one is not.
    classes = re.search(r'class="([^"]*)"', attrs)
    assert not classes or not {"xs-col-minor", "xs-empty"} & set(classes.group(1).split())
