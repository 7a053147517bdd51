"""The header search box in a real browser: type, press Enter, land on the grouped results."""

import pytest

from tests.conftest import login
from tests.factories import make_org, user_with_role
from xieshang.orgs.models import Level, Role
from xieshang.proposals.models import Proposal


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_searches_from_the_header(page):
    district = make_org("甲区政协", Level.DISTRICT)
    user_with_role(Role.OFFICE, district, username="bangongshi")
    Proposal.objects.create(
        organisation=district, year=2026, title="关于加装电梯的建议", status="submitted"
    )
    login(page, "bangongshi")
    box = page.get_by_label("全站搜索")
    box.fill("加装电梯")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.get_by_role("heading", name="提案").is_visible()
    link = page.get_by_role("link", name="关于加装电梯的建议")
    assert link.is_visible()
    assert page.get_by_text("待审查").is_visible()
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/proposals/{Proposal.objects.get().pk}/")
