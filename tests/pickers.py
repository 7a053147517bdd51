"""Choosing in a search-as-you-type picker (static/xs/pickers.js) the way a user does.

Long and multiple selects are pickers in the browser: their label names the picker's text
box (role combobox), and the form's own <select> is hidden behind it. Playwright's
`select_option` on the label therefore no longer applies; type and pick instead."""

import re

from playwright.sync_api import expect


def option_named(listbox, option: str):
    """The option `option` in `listbox`: named exactly so, or else the one member labelled
    with that name (members.labels.member_label: 王建国（教育界·示范区政协）). Two members of
    that name (namesakes) are not guessed between: name the whole label then."""
    exact = listbox.get_by_role("option", name=option, exact=True)
    labelled = listbox.get_by_role("option", name=re.compile(rf"^{re.escape(option)}（.*）$"))
    expect(exact.or_(labelled).first).to_be_attached()  # the list drawn, with one or other
    if exact.count():
        return exact
    if labelled.count() > 1:
        found = labelled.all_inner_texts()
        raise AssertionError(f"{option!r} names {len(found)} options, name one: {found}")
    return labelled


def pick(page, label: str, option: str, *, within=None, typed: str | None = None) -> None:
    """Type `typed` (default: the option's text) into the picker labelled `label`, move to
    the option named `option` with the arrow keys and take it with Enter, as a keyboard
    user does; a multiple picker's list is closed again with Escape. A member may be named
    by name alone when the name is unique in the list (`option_named`)."""
    scope = within or page
    box = scope.get_by_role("combobox", name=label)
    box.focus()
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    expect(listbox).to_be_visible()  # the list opens on focus; then type
    page.keyboard.type(typed or option)
    # A server-searched picker asks after a 150 ms pause in typing and rebuilds the list
    # when the answer comes: wait for it, as a person waits for the list to settle.
    page.wait_for_timeout(250)
    expect(page.locator(".ts-wrapper.loading")).to_have_count(0)
    for _attempt in range(3):
        wanted = option_named(listbox, option).get_attribute("id")
        for _ in range(100):
            if box.get_attribute("aria-activedescendant") == wanted:
                break
            page.keyboard.press("ArrowDown")
        else:
            continue  # the list was rebuilt under the arrow keys: find the option again
        break
    else:
        raise AssertionError(f"{option!r} not reachable in the {label!r} picker")
    page.keyboard.press("Enter")
    if box.get_attribute("aria-expanded") == "true":
        page.keyboard.press("Escape")
