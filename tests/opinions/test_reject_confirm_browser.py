"""不予录用 cannot be undone: in the browser the page asks first, and only that button of
the review form asks (录用 and 退回修改 go straight through)."""

import pytest

from tests.conftest import login
from tests.opinions.factories import make_opinion
from xieshang.opinions.models import Opinion

S = Opinion.Status


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_page_asks_before_rejecting_an_item(page, world):
    opinion = make_opinion(world["member"], state=S.SUBMITTED)
    login(page, world["office"].username)
    page.goto(page.base_url + f"/opinions/{opinion.pk}/")
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_label("意见").fill("不属于社情民意范畴")
    page.get_by_role("button", name="不予录用").click()
    page.wait_for_timeout(300)
    assert asked and "不予录用这篇信息" in asked[0]
    opinion.refresh_from_db()
    assert opinion.status == S.SUBMITTED  # cancelled: nothing sent

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="不予录用").click()
    page.wait_for_load_state()
    page.wait_for_timeout(300)
    opinion.refresh_from_db()
    assert opinion.status == S.REJECTED
