"""The portal and the figures page in a real browser, on a phone."""

import pytest
from django.utils import timezone

from tests.conftest import login
from tests.members.factories import ensure_parties
from tests.proposals.conftest import World

from .test_portal import answered


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_resident_finds_an_answer_on_a_phone_without_contact_details(phone_page):
    ensure_parties()
    world = World()
    answered(world)
    answered(world, title="关于增设社区托育点的建议", facts="托育服务不足。", analysis="托位少。")
    page = phone_page
    page.goto(page.base_url + "/portal/")
    # The masthead leaves the screen to the page: the sections are one row that scrolls
    # sideways, with the section shown marked.
    header = page.locator("header").bounding_box()
    assert header["height"] <= 120, header
    nav = page.get_by_role("navigation", name="公众平台导航")
    assert nav.get_by_role("link", name="首页").get_attribute("aria-current") == "page"
    page.goto(page.base_url + "/portal/data/")
    data_link = nav.get_by_role("link", name="开放数据")
    assert data_link.get_attribute("aria-current") == "page"
    assert nav.get_by_role("link", name="首页").get_attribute("aria-current") is None
    box, screen = data_link.bounding_box(), page.evaluate("window.screen.width")
    assert 0 <= box["x"] and box["x"] + box["width"] <= screen, box
    assert page.evaluate("document.documentElement.scrollWidth <= window.screen.width + 1")
    page.goto(page.base_url + "/portal/")
    page.get_by_label("搜索提案及答复").fill("加装电梯")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/portal/proposals/?q=*")
    assert page.locator("#public-proposals tbody tr").count() == 1
    page.get_by_role("link", name="关于加快老旧小区加装电梯的建议").click()
    page.wait_for_url("**/portal/proposals/*/")
    body = page.locator("body").inner_text()
    assert "区住房和城乡建设局" in body
    assert "13812345678" not in body and "王小明" not in body
    assert page.evaluate("document.documentElement.scrollWidth <= window.screen.width + 1")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_figures_page_works_on_a_phone_and_exports(phone_page):
    ensure_parties()
    world = World()
    answered(world)
    page = phone_page
    login(page, world.reviewer.username)
    page.goto(page.base_url + f"/proposals/figures/?year={timezone.localdate().year}")
    assert page.get_by_role("heading", name="承办单位办理情况").is_visible()
    assert "区住房和城乡建设局" in page.locator("#department-figures").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.screen.width + 1")
    with page.expect_download() as info:
        page.get_by_role("link", name="导出 Excel").click()
    assert info.value.suggested_filename.endswith(".xlsx")
