"""The co-signer picker's list closes (issue of 2026-12-05, on a phone): it stayed open over
the 保存草稿 / 保存并提交 buttons after a co-signer was chosen, and when the member tapped
elsewhere. It closes on a choice, on Escape, and when the focus leaves the picker."""

import pytest
from playwright.sync_api import expect

from tests.conftest import login
from tests.proposals.conftest import World


@pytest.fixture
def draft_page(phone_page):
    World()
    login(phone_page, "zhang")
    phone_page.goto(phone_page.base_url + "/proposals/new/")
    return phone_page


def open_list(page):
    box = page.get_by_role("combobox", name="联名提案人")
    box.tap()
    dropdown = page.locator("#id_cosigners-ts-dropdown")
    expect(dropdown.get_by_role("option").first).to_be_visible()
    return box, dropdown


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_list_closes_on_a_choice_on_escape_and_when_the_focus_leaves(draft_page):
    page = draft_page
    box, dropdown = open_list(page)
    expect(dropdown.get_by_role("option", name="王建国")).to_be_visible()
    dropdown.get_by_role("option", name="王建国").tap()
    expect(page.locator("#id_cosigners option:checked")).to_have_text(["王建国（示范区政协）"])
    page.wait_for_timeout(500)  # a late answer to the emptied box must not reopen it
    expect(dropdown).to_be_hidden()
    expect(page.get_by_role("button", name="保存草稿")).to_be_visible()

    # Escape.
    box, dropdown = open_list(page)
    page.keyboard.press("Escape")
    page.wait_for_timeout(500)
    expect(dropdown).to_be_hidden()

    # A tap elsewhere on the page (no field there).
    box, dropdown = open_list(page)
    page.get_by_role("heading", name="撰写提案").tap()
    page.wait_for_timeout(500)
    expect(dropdown).to_be_hidden()

    # The focus moves on to the next field.
    box, dropdown = open_list(page)
    page.get_by_label("涉及公共利益，答复可以公开").focus()
    page.wait_for_timeout(500)
    expect(dropdown).to_be_hidden()

    # A second co-signer can still be chosen: the list opens again when tapped.
    box, dropdown = open_list(page)
    dropdown.get_by_role("option", name="李明").tap()
    expect(page.locator("#id_cosigners option:checked")).to_have_text(
        ["王建国（示范区政协）", "李明（示范区政协）"]
    )
    expect(dropdown).to_be_hidden()
