"""The checks page's Excel exports are in one language, the reader's, as the page and the
other exports are: sheet name, headers, values, 合计 and the file's name; the names of
streets, sectors and parties are the organisation's own."""

import io
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xieshang.members.models import Category, MembershipCategory
from xieshang.orgs.models import Level

from ..factories import make_org
from .factories import committee, seat_of

pytestmark = pytest.mark.django_db
HAN = re.compile(r"[\u4e00-\u9fff]")
OWN_NAMES = {"示范区政协", "经济界", "教育界", "无党派人士", "王一", "李二", "西街道"}


def _read(response):
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.active
    name = unquote(response["Content-Disposition"].split("filename*=UTF-8''")[1])
    return ws.title, [list(r) for r in ws.iter_rows(values_only=True)], name


def _chinese_outside_names(values) -> list[str]:
    return [v for v in values if isinstance(v, str) and HAN.search(v) and v not in OWN_NAMES]


@pytest.fixture
def english(client):
    c = committee()
    a = c.member("王一")
    c.member("李二", sector=c.sector2, committees=[])
    MembershipCategory.objects.create(membership=seat_of(a, c.term), category=Category.RELIGIOUS)
    make_org("西街道", level=Level.STREET, parent=c.org)
    client.force_login(c.clerk)
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize("table", ["streets", "no_committee", "sector", "party", "category"])
def test_every_checks_export_reads_in_english_for_an_english_reader(english, table):
    response = english.get(reverse("members:checks_export", args=[table]))
    assert response.status_code == 200
    title, rows, name = _read(response)
    cells = [title, *rows[0], *(v for row in rows[1:] for v in row)]
    assert _chinese_outside_names(cells) == []
    assert not HAN.search(name.replace("示范区政协", "")), name


def test_the_composition_export_in_english(english):
    title, rows, name = _read(english.get(reverse("members:checks_export", args=["category"])))
    assert title == "Composition by category"
    assert rows[0] == ["Category", "Number", "Share (%)"]
    assert rows[-1] == ["Total", 2, 100]
    assert name.startswith("示范区政协 Term 15 Composition by category")


def test_the_composition_export_in_chinese(client):
    c = committee()
    c.member("王一")
    client.force_login(c.clerk)
    title, rows, name = _read(client.get(reverse("members:checks_export", args=["sector"])))
    assert title == "委员构成按界别"
    assert rows[-1] == ["合计", 1, 100]
    assert name.startswith("示范区政协第十五届委员构成按界别")
