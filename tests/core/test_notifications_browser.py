"""The inbox in a real browser, on a phone-sized screen."""

import pytest

from tests.conftest import login
from tests.factories import UserFactory
from xieshang.core.notifications import notify


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_marks_a_message_read_on_a_phone(phone_page):
    user = UserFactory(username="weiyuan", full_name="李娜")
    notify([user], title="常委会会议通知", body="3月5日上午9时在二楼会议室召开。")
    login(phone_page, "weiyuan")
    phone_page.goto(phone_page.base_url + "/inbox/")
    item = phone_page.locator("li[data-notification]")
    assert "常委会会议通知" in item.inner_text()
    assert item.get_by_text("未读").is_visible()
    # The page fits the phone's width: no sideways scrolling.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    item.get_by_role("button", name="标为已读").click()
    phone_page.wait_for_load_state()
    assert phone_page.get_by_text("没有未读消息").is_visible()
    assert phone_page.locator("#unread-count").count() == 0
    assert not phone_page.locator("li[data-notification]").get_by_text("未读").count()
