"""我的信息 on a phone (390 px): reached from the user menu, nothing scrolls sideways, a wrong
number is refused under its field with the typing kept, and the corrected one is saved."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import login
from xieshang.members.models import Member
from xieshang.orgs.models import Role

from ..factories import user_with_role
from .factories import committee, ensure_parties


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_member_updates_their_contact_data_on_a_phone(phone_page):
    ensure_parties()
    c = committee()
    user = user_with_role(Role.MEMBER, c.org, username="wangfang", full_name="王芳")
    member = c.member(
        "王芳", committees=[c.committee2], user=user, phone="13912345678", employer="第一中学教师"
    )
    page = phone_page
    login(page, "wangfang")
    page.get_by_role("button", name="展开菜单").click()
    # The menu slides open; a tap on the user menu while it still moves can be lost (seen
    # under CI's load), so wait until it has opened, as a person does.
    expect(page.locator("#mainnav")).to_have_class(re.compile(r"\bshow\b"))
    menu = page.get_by_role("button", name="王芳")  # the user menu
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    page.get_by_role("link", name="我的信息").click()
    page.wait_for_url("**/members/me/")
    expect(page.locator("#my-record")).to_contain_text("示范区政协")
    expect(page.get_by_text("教科卫体委员会")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label("手机号码").fill("1380000")
    page.get_by_label("工作单位及职务").fill("第一中学校长")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("手机号码应为以1开头的11位数字。")).to_be_visible()
    expect(page.get_by_label("工作单位及职务")).to_have_value("第一中学校长")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="/tmp/h/my_profile_refused_390.png", full_page=True)

    page.get_by_label("手机号码").fill("138 0000 5678")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存您的联系方式")).to_be_visible()
    expect(page.get_by_label("手机号码")).to_have_value("13800005678")
    page.screenshot(path="/tmp/h/my_profile_saved_390.png", full_page=True)
    member = Member.objects.get(pk=member.pk)
    assert member.phone == "13800005678" and member.employer == "第一中学校长"
