"""接口令牌 in a real browser: the new token is shown once, the form is empty again (the
typing-keeper of the login pages does not mistake this page for one), and revoking asks."""

import pytest

from tests.conftest import login
from tests.factories import make_org, user_with_role
from xieshang.core.models import ApiToken
from xieshang.orgs.models import Role


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_token_is_issued_shown_once_and_revoked_after_a_question(page):
    clerk = user_with_role(Role.OFFICE, make_org(), username="clerk")
    login(page, clerk.username)
    page.goto(page.base_url + "/accounts/tokens/")
    page.get_by_label("名称").fill("统计报表同步")
    page.get_by_role("button", name="生成令牌").click()
    page.wait_for_load_state()
    assert page.locator("#token-value").inner_text().startswith("xs_")
    assert page.locator("div[data-restored]").count() == 0
    assert page.get_by_label("名称").input_value() == ""

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="撤销 统计报表同步").click()
    page.wait_for_timeout(300)
    assert asked and "统计报表同步" in asked[0]
    assert ApiToken.objects.get().revoked_at is None
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="撤销 统计报表同步").click()
    page.wait_for_load_state()
    assert ApiToken.objects.get().revoked_at is not None
    assert page.get_by_text("已撤销").first.is_visible()
