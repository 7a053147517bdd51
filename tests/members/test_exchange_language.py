"""The members' data-exchange files are Chinese whatever the clerk's language: the import
template lists the names the import reads (男、女, the categories' Chinese names), the import
takes them when the clerk browses in English, and the roll export writes its values in
Chinese under its Chinese headers, so its rows go back into the template."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xieshang.members.models import Category, Member

from .factories import committee, valid_id
from .test_excel import read_back, upload, xlsx  # noqa: F401 - upload is a fixture

pytestmark = pytest.mark.django_db
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def test_a_template_downloaded_in_english_lists_the_chinese_names_the_import_takes(client, upload):  # noqa: F811
    c = committee()
    client.force_login(c.clerk)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("members:import_template"))
    wb = load_workbook(io.BytesIO(response.content))
    help_rows = dict(wb["填写说明"].iter_rows(min_row=2, max_col=2, values_only=True))
    assert help_rows["性别"] == "男、女"
    categories = help_rows["联系类别"].split("、")
    assert len(categories) == len(Category.choices)
    assert not LATIN_WORD.findall(help_rows["性别"] + help_rows["联系类别"])

    # A row filled in with the names the template gave is imported, in English too.
    row = {
        "姓名": "王英文",
        "性别": help_rows["性别"].split("、")[1],  # 女
        "身份证号": valid_id("33010219750601002"),  # even: a woman
        "界别": "经济界",
        "党派": "民建",
        "联系类别": categories[0],
    }
    response = upload(c.org, xlsx([row]))
    job = response.context["job"]
    assert job.status == "done", job.problems
    member = Member.objects.get(name="王英文")
    assert member.gender == "F"


def test_the_roll_exported_in_english_writes_chinese_values_under_its_chinese_headers(client):
    c = committee()
    c.member("张三", phone="13900000003")
    client.force_login(c.clerk)
    client.cookies["django_language"] = "en"
    rows = read_back(client.get(reverse("members:export")))
    header, row = rows[0], rows[1]
    assert header[:3] == ["序号", "姓名", "性别"]
    values = dict(zip(header, row, strict=True))
    assert values["性别"] in ("男", "女")
    assert values["届次"] == "第十五届"
    assert values["状态"] == "在任"
    assert not LATIN_WORD.findall(" ".join(str(v) for v in row if v))
