import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.pickers import pick
from xieshang.members.models import Member

from ..conftest import login
from .factories import committee, ensure_parties, valid_id


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_creates_a_member_finds_them_in_stroke_order_and_exports_them(page):
    ensure_parties()
    c = committee()
    for name in ("丁一", "张三", "潘五"):
        c.member(name)
    login(page, c.clerk.username)

    page.goto(page.base_url + "/members/")
    page.get_by_role("link", name="新增委员").click()
    page.get_by_label("姓名").fill("王芳")
    page.get_by_label("性别").select_option(label="女")
    page.get_by_label("身份证号").fill(valid_id("11010519800101002"))
    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_label("工作单位及职务").fill("示范区第一中学校长")
    pick(page, "界别", "教育界", typed="教育")  # searched on the server
    pick(page, "党派", "中国民主促进会", typed="促进")  # a long list: a search-as-you-type picker
    page.get_by_label("教科卫体委员会").check()
    page.get_by_label("党外知识分子").check()
    page.get_by_role("button", name="保存").click()

    page.wait_for_url("**/members/*/")
    assert page.get_by_text("已新增委员“王芳”").is_visible()
    member = Member.objects.get(name="王芳")
    assert member.memberships.get().committees.get().name == "教科卫体委员会"

    page.get_by_role("link", name="委员名单").first.click()
    page.wait_for_url("**/members/")
    rows = page.locator("#member-table tbody .xs-member-name")
    expect(rows).to_have_count(4)
    names = rows.all_inner_texts()
    # 丁 (2 strokes) < 王 (4) < 张 (7) < 潘 (15)
    assert names == ["丁一", "王芳", "张三", "潘五"]

    with page.expect_download() as info:
        page.get_by_role("link", name="导出 Excel").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as fh:
        ws = load_workbook(io.BytesIO(fh.read())).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = rows[0]
    exported = {r[header.index("姓名")]: r for r in rows[1:]}
    assert [r[header.index("姓名")] for r in rows[1:]] == ["丁一", "王芳", "张三", "潘五"]
    assert exported["王芳"][header.index("所在专委会")] == "教科卫体委员会"
    assert exported["王芳"][header.index("手机号码")] == "13912345678"
