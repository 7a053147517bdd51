"""Must show (C2.11), on a phone-size page: a resident raises an issue on the portal and
gets a ticket → the liaison officer routes it to a department → the department answers →
the resident opens the lookup page in a fresh browser and sees the answer."""

import pytest

from tests.conftest import login
from tests.pickers import pick
from xieshang.residents.models import ResidentIssue

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def fresh(browser, base_url):
    context = browser.new_context(locale="zh-CN", **PHONE)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.base_url = base_url
    return context, page


def fits(page) -> bool:
    # Against the screen: a phone widens its layout viewport (innerWidth) to fit what is
    # too wide, so innerWidth would always "fit".
    return page.evaluate("document.documentElement.scrollWidth <= window.screen.width + 1")


@pytest.mark.browser
@pytest.mark.clause("C2.11")
@pytest.mark.django_db(transaction=True)
def test_a_residents_issue_from_the_portal_to_the_departments_answer(
    phone_page, browser, live_server, world
):
    # 1. The resident, on a phone, raises the issue and gets a ticket and a check code.
    page = phone_page
    page.goto(page.base_url + "/portal/issues/")
    assert page.locator("#pipl-notice").is_visible() and fits(page)
    page.get_by_label("所在街道或社区").select_option(label="城关街道 · 东门社区")
    page.get_by_label("您反映的事").fill("小区北门路灯不亮")
    page.get_by_label("具体情况").fill("北门两盏路灯坏了一个多月，晚上老人出行不便。")
    page.get_by_label("手机号码（选填）").fill("13900001111")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/portal/issues/thanks/")
    ticket = page.locator("#ticket").inner_text().strip()
    code = page.locator("#check-code").inner_text().strip()
    assert ticket.startswith("MQ") and len(code) == 6 and fits(page)

    # 2. The street's liaison officer accepts it and routes it to the department.
    context, staff = fresh(browser, live_server.url)
    login(staff, world["liaison"].username)
    staff.goto(staff.base_url + "/residents/")
    staff.get_by_role("link", name="小区北门路灯不亮").click()
    staff.locator("#act-accept").get_by_role("button", name="受理").click()
    staff.wait_for_load_state()
    route = staff.locator("#act-route")
    pick(staff, "承办单位", "区住房和城乡建设局", within=route, typed="住房")
    route.get_by_role("button", name="转办").click()
    staff.wait_for_load_state()
    assert staff.locator("#issue-status").inner_text() == "已转职能部门"
    context.close()

    # 3. The department answers in writing on its follow-up task.
    context, dept = fresh(browser, live_server.url)
    login(dept, world["clerk"].username)
    dept.goto(dept.base_url + "/residents/routed/")
    dept.locator("#routed-list tbody tr").first.get_by_role("link").last.click()
    dept.wait_for_url("**/followups/*/")
    dept.get_by_label("反馈内容").fill("已安排维修，路灯已于本周恢复照明。联系人：王工 13812345678")
    asked = []
    dept.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    dept.get_by_role("button", name="提交反馈").click()
    dept.wait_for_load_state()
    assert asked and "提交后不能修改" in asked[0]
    context.close()
    assert ResidentIssue.objects.get(ticket=ticket).status == "answered"

    # 4. The resident, in a fresh browser, looks it up with ticket + code.
    context, resident = fresh(browser, live_server.url)
    resident.goto(resident.base_url + "/portal/issues/lookup/")
    resident.get_by_label("受理编号").fill(ticket)
    resident.get_by_label("查询码").fill(code.lower())
    resident.get_by_role("button", name="查询").click()
    resident.wait_for_load_state()
    answer = resident.locator("#public-answer").inner_text()
    assert "路灯已于本周恢复照明" in answer
    assert "13812345678" not in answer and "王工" not in answer
    assert "部门已答复" in resident.locator("#public-status").inner_text()
    assert "已转区住房和城乡建设局办理" in resident.locator("#public-steps").inner_text()
    assert fits(resident)
    # …and rates it once.
    resident.get_by_label("满意", exact=True).check()
    resident.get_by_role("button", name="提交评价").click()
    resident.wait_for_load_state()
    assert "您的评价" in resident.locator("#public-rating").inner_text()
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_pasted_web_address_in_an_issue_does_not_widen_a_phones_page(phone_page, world):
    from tests.residents.conftest import accepted

    address = "https://example.com/" + "a1b2c3d4e5" * 6
    issue, _code = accepted(world, title=f"小区公告见{address}", description=f"详见{address}")
    page = phone_page
    login(page, world["liaison"].username)
    page.goto(page.base_url + f"/residents/{issue.pk}/")
    assert address[:20] in page.content()
    assert fits(page)


@pytest.mark.browser
@pytest.mark.clause("C2.11")
@pytest.mark.django_db(transaction=True)
def test_the_counter_counts_an_emoji_as_one_character_as_the_server_does(phone_page, world):
    """具体情况 with emoji: the counter under it says what the server will count (one an
    emoji), not the browser's UTF-16 units (two an emoji), which told a resident at 1,990
    characters with a few emoji that they were over the limit."""
    page = phone_page
    page.goto(page.base_url + "/portal/issues/")
    page.get_by_label("具体情况").fill("路灯坏了🙏" * 10)  # 50 characters, 60 UTF-16 units
    assert "已写 50 / 2000 字" in page.locator("#body-count").inner_text()
