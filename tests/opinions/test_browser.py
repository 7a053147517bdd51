"""A member writes and submits an item on a phone, without sideways scrolling."""

import pytest

from tests.conftest import login
from xieshang.opinions.models import Opinion


@pytest.mark.browser
@pytest.mark.clause("C3.2")
@pytest.mark.django_db(transaction=True)
def test_it_submits_on_a_phone_without_sideways_scrolling(phone_page, world):
    member = world["member"]
    member.user.username = "zhang"
    member.user.save()
    page = phone_page
    login(page, "zhang")
    page.goto(page.base_url + "/opinions/new/")
    page.get_by_label("标题").fill("关于增设公交候车亭的建议")
    page.get_by_label("基本情况").fill("新建小区门口公交站没有候车亭。")
    page.get_by_label("意见建议").fill("建议增设候车亭和座椅。")
    # Asked first: what is submitted can only be withdrawn before the office decides.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state()
    assert asked and "撤回" in asked[0]
    assert "已提交，请等待政协办公室审核" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    opinion = Opinion.objects.get()
    assert opinion.status == Opinion.Status.SUBMITTED
    page.goto(page.base_url + "/opinions/")
    assert "关于增设公交候车亭的建议" in page.inner_text("#my-opinions")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
