"""core.excel: every export writes user text as text, never as a formula (CSV/formula
injection), and leaves numbers and dates alone."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from tests.xlsx import PAYLOADS, assert_no_formulas
from xieshang.core import excel


def _read(content: bytes):
    return load_workbook(io.BytesIO(content))


@pytest.mark.parametrize("write_only", [False, True])
def test_it_writes_every_dangerous_string_as_the_same_visible_text(write_only):
    book = excel.Book(write_only=write_only)
    ws = book.sheet("表", ["标题", "数量"])
    for payload in PAYLOADS:
        excel.append_row(ws, [payload, 1])
    wb = _read(book.to_bytes())
    assert_no_formulas(wb)
    sheet = wb.active
    # XML parsers read a bare CR back as LF (XML 1.0 line-end normalisation); nothing else
    # changes.
    assert [c.value for c in sheet["A"][1:]] == [p.replace("\r", "\n") for p in PAYLOADS]
    for cell in sheet["A"][1:]:
        assert cell.data_type == "s"
        # Excel keeps the text a text even when someone edits the cell and presses Enter
        # ("#N/A" is no formula start: a string cell is enough).
        assert cell.quotePrefix is (cell.value != "#N/A")
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"


@pytest.mark.parametrize("write_only", [False, True])
def test_it_leaves_numbers_dates_and_ordinary_text_alone(write_only):
    book = excel.Book(write_only=write_only)
    ws = book.sheet("表", ["a", "b", "c", "d", "e", "f", "g"])
    row = [3, -2.5, Decimal("66.7"), dt.date(2026, 3, 16), "某公司董事长", None, gettext_lazy("是")]
    excel.append_row(ws, row)
    sheet = _read(book.to_bytes()).active
    values = [c.value for c in sheet[2]]
    assert values[:3] == [3, -2.5, 66.7]
    assert values[3].date() == dt.date(2026, 3, 16) and sheet["D2"].is_date
    assert values[4] == "某公司董事长" and not sheet["E2"].quotePrefix
    assert values[5] is None and values[6] == "是"
    assert sheet["A2"].data_type == "n"


def test_it_drops_control_characters_excel_cannot_store():
    book = excel.Book()
    ws = book.sheet("表", ["a"])
    excel.append_row(ws, ["甲\x01乙\x0b丙"])  # openpyxl would raise IllegalCharacterError
    assert _read(book.to_bytes()).active["A2"].value == "甲乙丙"


def test_set_cell_writes_one_value_safely():
    book = excel.Book()
    ws = book.sheet("表", ["a"])
    excel.set_cell(ws, "B3", "=1+1")
    excel.set_cell(ws, "C3", 7)
    sheet = _read(book.to_bytes()).active
    assert sheet["B3"].value == "=1+1" and sheet["B3"].data_type == "s"
    assert sheet["C3"].value == 7
