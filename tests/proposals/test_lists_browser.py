"""The one list pattern in a real browser: a card per row on a phone, a table on a desktop
whose filters and buttons never wrap one character per line (issue 10)."""

import re

import pytest
from django.utils import timezone

from tests.conftest import login
from tests.factories import user_with_role
from tests.proposals.test_department_pages import assigned
from xieshang.orgs.models import Role

LONG = "关于进一步完善城乡社区居家养老服务体系、加快推进老旧小区适老化改造和无障碍环境建设的建议"

# The card layout, measured in the page: every row of the table as a box.
ROW_BOXES = """(selector) => [...document.querySelectorAll(selector + ' > tbody > tr')].map(tr => {
  const title = tr.querySelector('.xs-col-title');
  const t = title.getBoundingClientRect(), r = tr.getBoundingClientRect();
  return {text: title.innerText.trim(), titleWidth: t.width, cardWidth: r.width,
          cardHeight: r.height, titleTop: t.top - r.top};
})"""

BEFORE = "(el) => getComputedStyle(el, '::before').content"


def _titles(world, n):
    return [assigned(world, title=f"{LONG}（第{i}件）").title for i in range(1, n + 1)]


def _assert_cards(page, selector, titles):
    rows = page.evaluate(ROW_BOXES, selector)
    assert sorted(r["text"] for r in rows) == sorted(titles)
    for row in rows:
        # The title is the card's heading: first, in full, as wide as the card.
        assert row["titleTop"] < 20
        assert row["titleWidth"] > 0.8 * row["cardWidth"]
        assert row["cardHeight"] < 844
    # Nothing sticks out sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_department_queue_shows_each_proposal_as_a_card_on_a_phone(phone_page, world):
    titles = _titles(world, 3)
    page = phone_page
    login(page, world.housing_clerk.username)
    page.goto(page.base_url + "/proposals/dept/")
    _assert_cards(page, "#dept-queue", titles)
    # Facts carry their column's label, taken from the table header.
    deadline = page.locator("#dept-queue tbody tr").first.locator("td[data-label='办理期限']")
    assert "办理期限" in deadline.evaluate(BEFORE)
    assert "年" in deadline.inner_text()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_proposal_list_shows_each_proposal_as_a_card_on_a_phone(phone_page, world):
    titles = _titles(world, 3)
    page = phone_page
    login(page, world.reviewer.username)
    page.goto(page.base_url + "/proposals/")
    _assert_cards(page, "#proposal-list", titles)
    # Less important columns are left out of the card; the desktop table keeps them.
    first = page.locator("#proposal-list tbody tr").first
    assert not first.locator(".xs-col-minor").first.is_visible()
    number = first.locator(".xs-col-nowrap").first
    assert number.evaluate(BEFORE) == '"提案号："'
    # In English the label reads "Label: " — the pattern follows the page's language.
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    page.reload()
    label = number.get_attribute("data-label")
    assert label and not re.search(r"[\u4e00-\u9fff]", label)
    assert number.evaluate(BEFORE) == f'"{label}: "'


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_proposal_list_stays_a_table_on_a_desktop(page, world):
    _titles(world, 2)
    login(page, world.reviewer.username)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(page.base_url + "/proposals/")
    assert page.locator("#proposal-list thead").is_visible()
    first = page.locator("#proposal-list tbody tr").first
    assert first.locator(".xs-col-minor").first.is_visible()
    cells = first.locator("td")
    tops = {round(cells.nth(i).bounding_box()["y"]) for i in range(cells.count())}
    assert len(tops) == 1  # one row, side by side


# An element is one line tall when its height is at most one line plus its padding and border.
ONE_LINE = """(el) => {
  const s = getComputedStyle(el), h = el.getBoundingClientRect().height;
  const extra = ['paddingTop', 'paddingBottom', 'borderTopWidth', 'borderBottomWidth']
    .reduce((a, k) => a + parseFloat(s[k]), 0);
  return {h, line: parseFloat(s.lineHeight), extra, text: el.innerText || el.value};
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_figures_filter_and_buttons_are_one_line_tall_at_1366(page, world):
    _titles(world, 1)
    # A city chair also picks the organisation: the crowded form of the report.
    city_chair = user_with_role(Role.CHAIR, world.city, full_name="市政协主席")
    login(page, city_chair.username)
    page.set_viewport_size({"width": 1366, "height": 768})
    year = timezone.localdate().year
    page.goto(page.base_url + f"/proposals/figures/?year={year}&organisation={world.district.pk}")
    assert page.locator("#figures-filter select").count() == 1
    controls = page.locator("#figures-filter :is(select, input, .btn)")
    assert controls.count() >= 3
    for i in range(controls.count()):
        box = controls.nth(i).evaluate(ONE_LINE)
        assert box["h"] < 1.5 * box["line"] + box["extra"], box
    # Column headers of the figures table are never squeezed below a word.
    for th in page.locator("#department-figures thead th").all():
        box = th.evaluate(ONE_LINE)
        assert box["h"] < 2.5 * box["line"] + box["extra"], box


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_my_proposals_on_a_phone_say_the_number_once_and_my_part_in_each(phone_page, world):
    from tests.proposals.conftest import submitted

    own = submitted(world, key="zhang", title="关于社区食堂延长供餐时间的建议")
    signed = submitted(world, key="li", cosigners=["zhang"], title="关于公园增设座椅的建议")
    page = phone_page
    login(page, world.user("zhang").username)
    page.goto(page.base_url + "/proposals/mine/")
    for proposal, part in ((own, "第一提案人"), (signed, "联名提案人")):
        card = page.locator("#my-proposals tbody tr").filter(has_text=proposal.title)
        assert card.inner_text().count(proposal.number) == 1
        assert card.get_by_text(part, exact=True).is_visible()
