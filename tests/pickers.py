"""Choosing in a search-as-you-type picker (static/xs/pickers.js) the way a user does.

Long and multiple selects are pickers in the browser: their label names the picker's text
box (role combobox), and the form's own <select> is hidden behind it. Playwright's
`select_option` on the label therefore no longer applies; type and pick instead."""

from playwright.sync_api import expect


def pick(page, label: str, option: str, *, within=None, typed: str | None = None) -> None:
    """Type `typed` (default: the option's text) into the picker labelled `label`, move to
    the option named `option` with the arrow keys and take it with Enter, as a keyboard
    user does; a multiple picker's list is closed again with Escape."""
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
        wanted = listbox.get_by_role("option", name=option, exact=True).get_attribute("id")
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
