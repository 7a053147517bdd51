"""A resident opens the platforms on a phone: no login, no sideways scrolling, the published
outcome readable and without the names typed into the record."""

import pytest

from tests.platforms.conftest import hold, make_platform, make_session
from xieshang.platforms import services


@pytest.mark.browser
@pytest.mark.clause("C2.10")
@pytest.mark.django_db(transaction=True)
def test_the_public_platforms_page_on_a_phone(phone_page, world):
    platform = make_platform(world, place="城关街道党群服务中心二楼")
    make_platform(world, organisation=world["community"], name="花园社区居民议事会")
    session = make_session(world, platform, title="关于老旧小区加装电梯费用分摊的议事会")
    hold(world, session)
    services.session_approve(session=session, actor=world["office"])
    make_session(world, platform, days_ago=-3, title="关于小区停车位划分的议事会")
    page = phone_page
    page.goto(page.base_url + "/portal/platforms/")
    assert "城关街道" in page.inner_text("#public-platforms")
    assert "花园社区居民议事会" in page.inner_text("#public-platforms")
    assert "关于小区停车位划分的议事会" in page.inner_text("#public-upcoming")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="关于老旧小区加装电梯费用分摊的议事会").first.click()
    page.wait_for_load_state()
    assert "按楼层分摊费用" in page.inner_text("#public-outcome-items")
    body = page.inner_text("body")
    assert "王秀英" not in body and "13812345678" not in body
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(page.base_url + f"/portal/platforms/streets/{world['street'].pk}/")
    assert "花园社区居民议事会" in page.inner_text("#street-platforms")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The smallest phones the portal serves.
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(page.base_url + "/portal/platforms/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
