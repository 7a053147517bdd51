"""规则设置 in a real browser: a district's system administrator shortens the proposal review
deadline; new proposals of that district follow it, older ones and the other district do
not, and the audit administrator finds the change in the audit log."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import MemberFactory, TermFactory, UserFactory, seat, user_with_role
from tests.proposals.conftest import PROPOSAL_TEXT, World, submitted
from xieshang.core import calendar
from xieshang.orgs import config
from xieshang.orgs.models import Role, RoleAssignment
from xieshang.proposals import services

from ..conftest import login

REVIEW = "proposals.review_working_days"


def _proposal_in(organisation, title: str):
    """A member of `organisation` submits a proposal (the other district's own member)."""
    term = TermFactory(organisation=organisation, number=9)
    user = UserFactory()
    member = MemberFactory(organisation=organisation, name="西区委员", user=user)
    seat(member, term)
    RoleAssignment.objects.create(user=user, organisation=organisation, role=Role.MEMBER)
    proposal = services.proposal_create(
        actor=user, organisation=organisation, cosigners=[], **{**PROPOSAL_TEXT, "title": title}
    )
    services.proposal_submit(proposal=proposal, actor=user)
    proposal.refresh_from_db()
    return proposal


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.clause("C4.6")
def test_a_system_administrator_changes_a_districts_review_deadline_in_the_browser(page):
    world = World()
    admin = user_with_role(Role.SYSTEM_ADMIN, world.district, username="xitong")
    auditor = user_with_role(Role.AUDIT_ADMIN, world.district, username="shenji")
    today = timezone.localdate()
    older = submitted(world)
    assert older.review_due == calendar.add_working_days(today, 10)

    login(page, admin.username)
    page.get_by_role("link", name="规则设置").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("示范区政协")
    rule = page.locator("#rule-proposals-review_working_days")
    expect(rule).to_contain_text("本系统默认：审查时限10个工作日")  # where the default comes from
    expect(rule.locator(".xs-rule-value")).to_have_text("10")
    rule.get_by_text("修改", exact=True).click()
    rule.get_by_label("新值").fill("-3")
    rule.get_by_role("button", name="保存").click()
    rule = page.locator("#rule-proposals-review_working_days")
    expect(rule).to_contain_text("须为1至365之间的整数。")
    expect(rule.get_by_label("新值")).to_have_value("-3")  # what was typed stays
    expect(rule.get_by_label("施行日期")).to_have_value(today.isoformat())
    rule.get_by_label("新值").fill("3")
    rule.get_by_role("button", name="保存").click()
    expect(page.get_by_text("“审查时限（工作日）”已保存。")).to_be_visible()
    rule = page.locator("#rule-proposals-review_working_days")
    expect(rule.locator(".xs-rule-value")).to_have_text("3")
    expect(rule).to_contain_text("本组织设置")
    rule.get_by_text("修改记录（1）").click()
    expect(rule).to_contain_text("审查时限（工作日）：10 → 3")

    newer = submitted(world, title="关于增设社区托育点的建议")
    older.refresh_from_db()
    assert newer.review_due == calendar.add_working_days(today, 3)
    assert older.review_due == calendar.add_working_days(today, 10)
    other = _proposal_in(world.other_district, "关于西区公交线路的建议")
    assert other.review_due == calendar.add_working_days(today, 10)
    assert config.get(world.city, REVIEW) == 10

    # The district's administrator cannot reach the city's rules.
    response = page.goto(page.base_url + f"/orgs/{world.city.pk}/rules/")
    assert response.status == 403

    # Leave the site first: a request still in flight would set the session cookie again.
    page.goto("about:blank")
    page.context.clear_cookies()
    login(page, auditor.username)
    page.get_by_role("link", name="审计日志").first.click()
    row = page.locator("#audit-table tbody tr").filter(has_text="修改规则")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("审查时限（工作日）：10 → 3")
    expect(row).to_contain_text(admin.full_name)
