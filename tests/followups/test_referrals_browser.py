"""Upward reporting (上报, C2.9) in a real browser: the district's office reports a published
social-conditions item to the city from the item's page, the city's office adopts it from its
queue of items sent up, the district's item then shows the adoption at the city level, and
the author finds it, with its points, in the duty file."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_org, user_with_role
from tests.opinions.factories import member_user
from xieshang.followups.models import Referral
from xieshang.orgs.models import Level, Role

from ..conftest import login
from .test_referrals import published


@pytest.fixture
def person(browser, live_server):
    """A browser context per person (closed after the test), console and page errors of all
    of them collected in `person.errors`."""
    contexts = []
    errors: list[str] = []

    def new():
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        page.base_url = live_server.url
        page.on(
            "console",
            lambda m: errors.append(f"{m.text} @ {page.url}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: errors.append(f"{e} @ {page.url}"))
        return page

    new.errors = errors
    yield new
    for context in contexts:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.clause("C2.9")
def test_a_district_item_reported_to_the_city_is_adopted_and_credited(person, live_server):
    # A city with a district under it, an office at each, and a member of the district who
    # wrote a published item: as the service tests' tree (test_referrals.tree).
    province = make_org("示范省政协", Level.PROVINCE)
    city = make_org("示范市政协", Level.CITY, parent=province)
    district = make_org("示范区政协", Level.DISTRICT, parent=city)
    tree = {
        "office": user_with_role(Role.OFFICE, district),
        "city_office": user_with_role(Role.OFFICE, city),
        "member": member_user(district, name="张委员"),
    }
    opinion = published(tree)
    item_url = live_server.url + opinion.get_absolute_url()

    # The district's office reports the published item up from its page.
    office = person()
    login(office, tree["office"].username)
    office.goto(item_url)
    panel = office.locator("section[aria-labelledby=referrals-title]")
    expect(panel.locator("#referral-path")).to_contain_text("尚未上报")
    panel.get_by_role("button", name="上报上级政协").click()
    expect(office.get_by_text("已上报上级政协。")).to_be_visible()
    expect(panel.locator("#referral-path")).to_contain_text("示范区政协 → 示范市政协（市级）")
    expect(panel.locator("#referral-path")).to_contain_text("已上报待处理")
    # The district cannot decide at the city.
    expect(panel.get_by_role("button", name="采用", exact=True)).to_have_count(0)
    expect(office.locator("#opinion-status")).to_have_text("已报送")

    # The city's office finds it among the items sent up to it and adopts it there.
    city_office = person()
    login(city_office, tree["city_office"].username)
    city_office.goto(live_server.url + "/followups/referrals/")
    expect(city_office.get_by_role("link", name="下级上报")).to_have_class("nav-link active")
    row = city_office.locator("#referral-list tbody tr", has_text=opinion.title)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("社情民意信息")
    expect(row).to_contain_text("示范区政协")
    row.get_by_role("link", name=opinion.title).click()
    expect(city_office).to_have_url(item_url)
    city_panel = city_office.locator("section[aria-labelledby=referrals-title]")
    city_panel.get_by_role("button", name="采用", exact=True).click()
    expect(city_office.get_by_text("已采用。")).to_be_visible()
    expect(city_office).to_have_url(item_url)
    expect(city_panel.locator("#referral-path")).to_contain_text("已采用")
    expect(city_panel.get_by_role("button", name="采用", exact=True)).to_have_count(0)
    # Nothing waits in the city's queue any more.
    city_office.goto(live_server.url + "/followups/referrals/")
    expect(city_office.locator("#referral-list")).to_contain_text("暂无上报事项")
    assert Referral.objects.get().state == Referral.State.ADOPTED

    # The district's item shows the adoption at the city level, in the panel and the list.
    office.goto(item_url)
    expect(panel.locator("#referral-path")).to_contain_text("示范区政协 → 示范市政协（市级）")
    expect(panel.locator("#referral-path")).to_contain_text("已采用")
    adoptions = office.locator("#adoptions")
    expect(adoptions).to_contain_text("市级单独采用")
    expect(adoptions).to_contain_text("示范市政协")

    # The author's duty file has the adoption, with its points.
    member = person()
    login(member, tree["member"].user.username)
    member.goto(live_server.url + "/duty/")
    group = member.locator("h2", has_text="社情民意信息被市级采用")
    expect(group).to_contain_text("15 分")
    expect(member.locator("table", has_text=f"{opinion.title}（市级单独采用）")).to_have_count(1)
    expect(member.locator("#duty-total")).not_to_have_text("0")

    assert person.errors == []
