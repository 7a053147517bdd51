"""A member reports a duty on a phone; the office confirms it on a desktop."""

import pytest
from django.utils import timezone

from xieshang.duty.models import DutyRecord

from ..conftest import login
from .factories import setting


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.clause("C5.7")
def test_it_lets_a_member_report_a_duty_on_a_phone_and_the_office_confirm_it(phone_page, page):
    _org, _term, office, member = setting()
    day = timezone.localdate().isoformat()

    login(phone_page, member.user.username)
    phone_page.goto(phone_page.base_url + "/duty/")
    phone_page.get_by_role("link", name="报送履职记录").click()
    phone_page.get_by_label("类别").select_option("inspection")
    phone_page.get_by_label("日期").fill(day)
    phone_page.get_by_role("textbox", name="事项", exact=True).fill("社区养老服务调研")
    phone_page.get_by_label("佐证材料说明").fill("调研通知及签到表")
    phone_page.get_by_role("button", name="报送").click()
    phone_page.wait_for_load_state()
    assert "办公室审核确认后计入履职档案" in phone_page.content()
    assert phone_page.locator("#duty-total").inner_text() == "0"

    login(page, office.username)
    page.goto(page.base_url + "/duty/entries/")
    page.get_by_role("button", name="确认").click()
    page.wait_for_load_state()
    assert DutyRecord.objects.get(member=member).status == DutyRecord.Status.CONFIRMED

    phone_page.goto(phone_page.base_url + "/duty/")
    assert phone_page.locator("#duty-total").inner_text() == "5"
