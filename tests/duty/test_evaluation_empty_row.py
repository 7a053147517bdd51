"""The evaluation table's "nobody" row spans the whole table: the name, sector, score and
grade columns and one column per minimum duty requirement, however many the rules set."""

import re

import pytest
from django.urls import reverse

from tests.duty.factories import YEAR, setting

pytestmark = pytest.mark.django_db


def test_the_empty_row_spans_every_column_of_the_header(client):
    _org, _term, office, _member = setting()
    client.force_login(office)
    text = client.get(reverse("duty:evaluation") + f"?year={YEAR}&sector=999999").content
    table = text.decode().split('id="duty-evaluation"', 1)[1].split("</table>", 1)[0]
    header = re.search(r"<thead>(.*?)</thead>", table, re.S).group(1)
    columns = len(re.findall(r"<th\b", header))
    assert columns > 4, "the minimum requirements have their columns"
    spans = re.findall(r'<td colspan="(\d+)"', table)
    assert spans == [str(columns)]
