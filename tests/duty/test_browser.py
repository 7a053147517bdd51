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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.clause("C5.7")
def test_the_sector_filter_reads_all_sectors_on_one_line(page, phone_page):
    """Found: with the organisation's 22 sectors the filter becomes a search box (pickers.js)
    that shrank to its narrowest and broke 全部界别 over two lines (全部界 / 别), read as the
    entry twice. On a desktop and on a phone it is one line as tall as the year box."""
    from tests.factories import MemberFactory, SectorFactory, seat

    org, term, office, _member = setting()
    for i in range(22):  # the filter lists the sectors of the term's members
        sector = SectorFactory(organisation=org, name=f"社会福利和社会保障界{i}", sort_order=i)
        seat(MemberFactory(organisation=org, name=f"委员{i}"), term, sector=sector)
    for browser in (page, phone_page):
        login(browser, office.username)
        browser.goto(browser.base_url + "/duty/evaluation/")
        control = browser.locator("#sector + .ts-wrapper")  # the picker is in place
        assert control.inner_text().strip() == "全部界别"
        year = browser.locator("select[name=year]").bounding_box()["height"]
        assert control.bounding_box()["height"] <= year + 2
