"""Long lists in a real browser: the yearly evaluation is paged and shown as cards on a
phone, and year filters stay on one line on a 1366 px screen (issue 10)."""

import pytest

from tests.conftest import login
from tests.duty.factories import YEAR, record, setting
from tests.factories import MemberFactory, seat
from xieshang.duty.models import DutyKind

# An element is one line tall when its height is at most one line plus padding and border.
ONE_LINE = """(el) => {
  const s = getComputedStyle(el), h = el.getBoundingClientRect().height;
  const extra = ['paddingTop', 'paddingBottom', 'borderTopWidth', 'borderBottomWidth']
    .reduce((a, k) => a + parseFloat(s[k]), 0);
  return {h, line: parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.5, extra,
          text: el.innerText || el.value};
}"""


def assert_one_line(locator):
    assert locator.count() >= 1
    for i in range(locator.count()):
        box = locator.nth(i).evaluate(ONE_LINE)
        assert box["h"] < 1.5 * box["line"] + box["extra"], box


def _evaluation(n):
    org, term, office, member = setting()
    for i in range(n - 1):
        seated = MemberFactory(organisation=org, name=f"委员{i:03d}")
        seat(seated, term)
        record(seated, DutyKind.MEETING, quantity=i % 7)
    return office


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_evaluation_is_paged_and_shown_as_cards_on_a_phone(phone_page):
    office = _evaluation(45)
    page = phone_page
    login(page, office.username)
    page.goto(page.base_url + f"/duty/evaluation/?year={YEAR}&sort=name")
    cards = page.locator("#duty-evaluation tbody tr")
    assert cards.count() == 30
    first_page = set(cards.locator(".xs-col-title").all_inner_texts())
    # A page of cards, not a 20,000 px scroll; every card well under a screen tall.
    assert page.evaluate("document.documentElement.scrollHeight") < 10 * 844
    assert max(c.bounding_box()["height"] for c in cards.all()[:5]) < 844
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    grade = cards.first.locator("td[data-label='等级']")
    assert "等级" in grade.evaluate("(el) => getComputedStyle(el, '::before').content")

    page.get_by_role("link", name="下一页").click()
    page.wait_for_load_state()
    assert f"year={YEAR}" in page.url and "sort=name" in page.url and "page=2" in page.url
    second_page = set(cards.locator(".xs-col-title").all_inner_texts())
    assert len(second_page) == 15
    assert not first_page & second_page
    assert page.get_by_label("排序").input_value() == "name"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_year_filters_and_buttons_stay_on_one_line_at_1366(page):
    office = _evaluation(3)
    login(page, office.username)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(page.base_url + f"/duty/evaluation/?year={YEAR}")
    assert_one_line(page.locator("main form :is(select, .btn, .form-label)"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_consultation_dashboard_year_filter_stays_on_one_line_at_1366(page):
    from tests.consultation.conftest import World

    world = World()
    login(page, world.office.username)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(page.base_url + "/consultation/")
    assert_one_line(page.locator("main form :is(input, .btn, .form-label)"))
    # The office's long menu: every link stays one line tall too.
    assert_one_line(page.locator(".xs-masthead .nav-link:visible"))
