"""The login page in a real browser: a wrong password says only that, and what was typed
on a page whose session expired still comes back after it (static/xs/site.js)."""

import pytest
from django.conf import settings

from tests.conftest import login
from tests.factories import make_org, user_with_role
from xieshang.core.models import ApiToken
from xieshang.orgs.models import Role


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_is_not_taken_for_restored_typing(page):
    clerk = user_with_role(Role.OFFICE, make_org(), username="clerk")
    login(page, clerk.username, "wrong-Password1")
    assert "/accounts/login/" in page.url
    assert page.get_by_text("请输入一个正确的用户名和密码").first.is_visible()
    assert page.locator("div[data-restored]").count() == 0

    # A form posted after the session expired, then a mistyped password, then the right one.
    login(page, clerk.username)
    page.goto(page.base_url + "/accounts/tokens/")
    page.get_by_label("名称").fill("统计报表同步")
    page.context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="生成令牌").click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    for password in ("wrong-Password1", settings.DEMO_PASSWORD):
        page.get_by_label("用户名").fill(clerk.username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        if password != settings.DEMO_PASSWORD:
            assert page.locator("div[data-restored]").count() == 0
    assert page.url.endswith("/accounts/tokens/")
    assert page.get_by_label("名称").input_value() == "统计报表同步"
    assert page.get_by_role("status").filter(has_text="已恢复").is_visible()
    assert not ApiToken.objects.exists()
