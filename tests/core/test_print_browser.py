"""Printing a list from the browser (the office clerk's year-end lists go to paper): the
printout holds the list, not the menu, buttons or pager; each sheet repeats the column
header; and on paper narrower than a desktop the list stays a table, not phone cards."""

import io
import re

import pytest
from pypdf import PdfReader

from tests.conftest import login
from tests.core.test_browser_lists import _evaluation
from tests.duty.factories import YEAR


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_printed_list_has_no_menu_and_repeats_its_header_on_every_sheet(page):
    office = _evaluation(45)
    login(page, office.username)
    page.goto(page.base_url + f"/duty/evaluation/?year={YEAR}&sort=name")
    header = page.locator("#duty-evaluation thead th").first.inner_text().strip()
    assert header

    page.emulate_media(media="print")
    # A4 portrait less the margins is ~700 px: the width at which a screen shows cards.
    page.set_viewport_size({"width": 700, "height": 1000})
    assert page.locator("nav.xs-masthead").is_hidden()
    assert page.locator(".pagination").first.is_hidden()
    assert page.locator("#duty-evaluation thead").is_visible()
    row = page.locator("#duty-evaluation tbody tr").first
    assert row.evaluate("(el) => getComputedStyle(el).display") == "table-row"

    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    sheets = [p.extract_text() for p in pdf.pages]
    for text in sheets:
        assert "退出登录" not in text and "全站搜索" not in text and "下一页" not in text
    # The sheets the list runs over (the chart below it may take one more).
    listed = [text for text in sheets if re.search(r"委员\d{3}", text)]
    assert len(listed) >= 2, "30 rows of a list fill more than one A4 sheet"
    # The header row opens every sheet, so sheet 2 can be read without sheet 1.
    assert all(header in text for text in listed), [t[:80] for t in listed]
    assert "委员000" in listed[0]
