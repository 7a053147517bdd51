"""The yearly evaluation sorted by name lists the members in the official order, by
surname strokes (姓氏笔画), as the members list and the printed annual reports do; pinyin is
the option. Equal scores follow the stroke order too. The Excel export keeps the page's
order."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.duty.factories import YEAR, record, setting
from tests.factories import MemberFactory, seat
from xieshang.duty.models import DutyKind

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C5.7")]

# 丁 2 strokes (ding), 王 4 (wang), 白 5 (bai): strokes 丁王白, pinyin 白丁王.
STROKES = ["丁一", "王一", "白一"]
PINYIN = ["白一", "丁一", "王一"]


def _names(html: str) -> list[str]:
    table = html.split('id="duty-evaluation"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"/duty/members/\d+/\?year=\d+\">([^<]+)</a>", table)


def _export(client, sort: str) -> list[str]:
    response = client.get(reverse("duty:evaluation_export"), {"year": YEAR, "sort": sort})
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.fixture
def office(client):
    org, term, office, member = setting()
    member.memberships.all().delete()
    for name in ["王一", "白一", "丁一"]:
        seat(MemberFactory(organisation=org, name=name), term)
    client.force_login(office)
    return office


def test_by_name_is_the_surname_stroke_order_and_pinyin_the_option(client, office):
    page = client.get(reverse("duty:evaluation"), {"year": YEAR, "sort": "name"})
    assert _names(page.content.decode()) == STROKES
    assert "姓氏笔画排序" in page.content.decode()
    assert _export(client, "name") == STROKES
    page = client.get(reverse("duty:evaluation"), {"year": YEAR, "sort": "pinyin"})
    assert _names(page.content.decode()) == PINYIN
    assert _export(client, "pinyin") == PINYIN


def test_equal_scores_follow_the_stroke_order(client, office):
    from xieshang.members.models import Member

    record(Member.objects.get(name="王一"), DutyKind.INSPECTION)
    page = client.get(reverse("duty:evaluation"), {"year": YEAR})
    assert _names(page.content.decode()) == ["王一", "丁一", "白一"]
    assert _export(client, "score") == ["王一", "丁一", "白一"]
