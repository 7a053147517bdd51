"""On a phone a picker's open list no longer lies over the form's buttons (issue of
2026-12-06, 390 px): with the co-signer list open, a tap on 保存草稿 chose the co-signer
under the finger instead of saving. The list now takes its place in the page and pushes the
buttons down (site.css), so the tap reaches the button, which saves the draft; the list
closes as the focus leaves it, without taking the tap or the click with it."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import login
from tests.factories import MemberFactory, seat
from tests.proposals.conftest import PROPOSAL_TEXT, World
from xieshang.proposals.models import Proposal

# Enough co-signers for the list to reach its full height (200 px), as in a real district.
NAMES = ["卜悦嘉", "于信安", "赵楠", "钱学文", "孙丽萍", "周敏", "吴昊", "郑洁", "冯涛"]


def open_draft(page):
    world = World()
    for name in NAMES:
        seat(MemberFactory(organisation=world.district, name=name), world.term)
    login(page, "zhang")
    page.goto(page.base_url + "/proposals/new/")
    page.get_by_label("案由").fill(PROPOSAL_TEXT["title"])
    return page


@pytest.fixture
def draft_page(phone_page):
    return open_draft(phone_page)


@pytest.fixture
def narrow_mouse_page(page):
    """A narrow window worked with a mouse: the button goes down, then up, as two events."""
    page.set_viewport_size({"width": 390, "height": 844})
    return open_draft(page)


def save_with_the_list_open(page, press) -> None:
    """Open the co-signer list, bring 保存草稿 into view and `press` (x, y) on its middle:
    the draft is saved, with no co-signer."""
    page.get_by_role("combobox", name="联名提案人").focus()
    dropdown = page.locator("#id_cosigners-ts-dropdown")
    expect(dropdown.get_by_role("option", name="卜悦嘉")).to_be_visible()
    page.wait_for_timeout(300)  # the list at its full length

    save = page.get_by_role("button", name="保存草稿")
    save.scroll_into_view_if_needed()
    expect(dropdown).to_be_visible()  # scrolling to the button leaves the list open
    box = save.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # What a finger on the button's middle touches: the button, not an option over it.
    touched = page.evaluate("([x, y]) => document.elementFromPoint(x, y).textContent", [x, y])
    assert touched.strip() == "保存草稿"

    press(x, y)
    page.wait_for_url(re.compile(r"/proposals/\d+/$"))
    proposal = Proposal.objects.get(title=PROPOSAL_TEXT["title"])
    assert proposal.status == Proposal.Status.DRAFT
    assert not proposal.signers.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_tap_on_save_with_the_list_open_saves_and_chooses_nobody(draft_page):
    # A real tap there (not Playwright's tap on the element, which waits for it to be free).
    save_with_the_list_open(draft_page, draft_page.touchscreen.tap)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_click_on_save_in_a_narrow_window_is_not_lost(narrow_mouse_page):
    """The list closes when the focus leaves the picker, on the button's mousedown, before
    the mouseup: the click still reaches the button and saves."""
    save_with_the_list_open(narrow_mouse_page, narrow_mouse_page.mouse.click)


def page_top(locator) -> float:
    """The element's top in the page (not the viewport: a tap scrolls)."""
    return locator.evaluate("e => e.getBoundingClientRect().top + window.scrollY")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_list_on_a_phone_pushes_the_buttons_down_and_leaves_their_place(draft_page):
    page = draft_page
    save = page.get_by_role("button", name="保存草稿")
    closed_top = page_top(save)
    page.get_by_role("combobox", name="联名提案人").tap()
    dropdown = page.locator("#id_cosigners-ts-dropdown")
    expect(dropdown.get_by_role("option", name="卜悦嘉")).to_be_visible()
    page.wait_for_timeout(300)
    list_bottom = dropdown.evaluate("e => e.getBoundingClientRect().bottom + window.scrollY")
    assert page_top(save) >= list_bottom  # below the list, not under it
    assert page_top(save) > closed_top

    # A tap elsewhere closes it, and the button is back where it was.
    page.get_by_role("heading", name="撰写提案").tap()
    expect(dropdown).to_be_hidden()
    assert page_top(save) == pytest.approx(closed_top, abs=1)
