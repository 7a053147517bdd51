"""A department clerk handles a proposal on a phone, in a real browser."""

import re

import pytest

from tests.conftest import login
from tests.factories import user_with_role
from tests.proposals.test_department_pages import assigned
from xieshang.orgs.models import Role


@pytest.mark.browser
@pytest.mark.clause("C4.6")
@pytest.mark.django_db(transaction=True)
def test_it_lets_a_clerk_record_a_contact_and_answer_on_a_phone(phone_page, world):
    proposal = assigned(world)
    leader = user_with_role(
        Role.DEPARTMENT_LEADER, world.district, department=world.housing, full_name="王局长"
    )
    page = phone_page
    page.goto(page.base_url + "/accounts/login/")
    login(page, world.housing_clerk.username)
    page.goto(page.base_url + "/proposals/dept/")
    page.get_by_role("link", name=proposal.title).click()
    page.wait_for_load_state()
    # Fits the phone's width: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_text("记录联系情况", exact=True).click()
    page.get_by_label("联系方式").select_option(label="电话")
    page.get_by_label("沟通情况").fill("电话沟通了加装电梯的补贴标准")
    page.get_by_role("button", name="保存联系记录").click()
    page.wait_for_load_state()
    assert page.get_by_text("联系记录已保存。").is_visible()
    assert "电话沟通了加装电梯的补贴标准" in page.locator("#contacts").inner_text()
    page.get_by_label("办理结果分类").select_option("B")
    page.get_by_label("答复内容").fill("已列入明年城市更新计划。")
    page.locator("#id_contact_person").fill("赵经办")
    page.locator("#id_contact_phone").fill("0571-12345678")
    page.get_by_role("button", name="提交答复").click()
    page.wait_for_load_state()
    # The answer waits for the department leader's sign-off; the clerk can read its letter.
    assert page.get_by_text("答复已提交，待单位负责人签发后送达提案人。").is_visible()
    link = page.get_by_role("link", name="下载答复函（PDF）")
    response = page.request.get(page.base_url + link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
    proposal.refresh_from_db()
    assert proposal.status == "assigned"

    # The leader finds it on the home page, reads it and signs it off on the phone.
    page.context.clear_cookies()
    login(page, leader.username)
    page.get_by_role("link", name=re.compile("待签发答复函")).click()
    page.get_by_role("link", name=proposal.title).click()
    page.wait_for_load_state()
    assert "已列入明年城市更新计划。" in page.locator(".border-warning").inner_text()
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="签发并送达提案人").click()
    page.wait_for_load_state()
    assert asked and "签发后答复即送达提案人" in asked[0]
    assert page.get_by_text("答复函已签发并送达提案人").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    proposal.refresh_from_db()
    assert proposal.status == "answered"
