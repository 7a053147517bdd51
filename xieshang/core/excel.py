"""The one way to write an Excel file (openpyxl): user text always lands as text.

openpyxl turns any string that starts with "=" into a formula, and "#N/A"-like strings into
error values; Excel and LibreOffice also treat "+", "-", "@" and a leading tab or CR as the
start of a formula once a cell is edited, and a formula like
`=HYPERLINK("http://…?"&A1,"x")` leaks the sheet when clicked (CSV/formula injection).
So every string is stored as a string cell; those with a dangerous first character also get
Excel's "quote prefix" style, which shows the text exactly as typed (no visible apostrophe,
unlike the usual "'" prefix that would change the exported value) and keeps it a text when
someone edits the cell. Numbers, decimals and dates stay numbers and dates.

Every export goes through `Book` / `append_row` / `set_cell` and leaves through
`xlsx_response`; nothing else in the project calls `Workbook` for writing. So every file has:
a Chinese file name (RFC 5987 `filename*`, with a readable ASCII fallback), a bold frozen header
row, columns as wide as their content, dates as real dates shown the Chinese way
(2026年11月25日), shares as percentages (`Percent`), ID numbers and other digit strings as text.
Masking personal data is the caller's business (`core.pii`), as on the pages.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .files import content_disposition

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# First characters that make a spreadsheet read a typed value as a formula (or DDE call).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
# A workbook made in English shows its dates as its pages do (March 18, 2026): it is read
# by the clerk who asked for it. Exchange files are made in Chinese whatever the language.
DATE_FORMAT_EN = "mmmm d, yyyy"
DATETIME_FORMAT_EN = "mmmm d, yyyy hh:mm"


def _chinese() -> bool:
    from django.utils import translation

    return (translation.get_language() or "zh-hans").startswith("zh")


PERCENT_FORMAT = "0.0%"
# Column widths are fitted to the content, within these bounds (in "characters", a Chinese
# character counting two).
MIN_WIDTH, MAX_WIDTH = 6, 60


class Percent(float):
    """A share between 0 and 1 written as a number shown as a percentage (93.5%)."""


def is_dangerous(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def clean_text(text: str) -> str:
    """Control characters XML (and so .xlsx) cannot hold; openpyxl would raise on them and
    turn the whole export into a 500 because of one pasted character."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _cell(ws, value: Any):
    """A cell for `ws` holding `value`, strings forced to string cells."""
    if isinstance(value, Promise):  # gettext_lazy labels
        value = str(value)
    cell = WriteOnlyCell(ws)
    if isinstance(value, str):
        value = clean_text(value)
        cell.value = value
        cell.data_type = "s"  # never "f" (formula) or "e" (error value)
        if is_dangerous(value):
            cell.quotePrefix = True
    else:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            # Excel has no time zones: the local time people saw on the page.
            from django.utils import timezone

            value = timezone.localtime(value).replace(tzinfo=None)
        cell.value = value
        if isinstance(value, dt.datetime):
            cell.number_format = DATETIME_FORMAT if _chinese() else DATETIME_FORMAT_EN
        elif isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT if _chinese() else DATE_FORMAT_EN
        elif isinstance(value, Percent):
            cell.number_format = PERCENT_FORMAT
    return cell


def display_width(value: Any) -> int:
    """How many "characters" wide a value shows: wide (CJK) characters count two."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 18 if _chinese() else 25
    if isinstance(value, dt.date):
        return 12 if _chinese() else 19
    text = str(value)
    longest = max(text.split("\n"), key=len) if "\n" in text else text
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in longest)


def append_row(ws, values: Iterable[Any], *, bold: bool = False) -> None:
    """Append one row to a worksheet (normal or write-only), user text as text."""
    row = []
    for value in values:
        if value is None:
            row.append(None)
            continue
        cell = _cell(ws, value)
        if bold:
            cell.font = Font(bold=True)
        row.append(cell)
    ws.append(row)


def set_cell(ws, coordinate: str, value: Any):
    """Set one cell of a normal worksheet, with the same rules as `append_row`."""
    source = _cell(ws, value)
    cell = ws[coordinate]
    cell.value = source.value
    cell.data_type = source.data_type if source.value is not None else cell.data_type
    if source.quotePrefix:
        cell.quotePrefix = True
    if source.number_format != "General":
        cell.number_format = source.number_format
    return cell


class Book:
    """A workbook of header-styled sheets: bold, frozen header row, widths from the headers.
    `write_only=True` streams rows (large exports such as the audit log)."""

    def __init__(self, *, write_only: bool = False):
        self.workbook = Workbook(write_only=write_only)
        self._reuse_active = not write_only  # a normal workbook starts with one empty sheet

    def sheet(self, title: str, headers: Iterable[Any] | None = None, *, min_width: int = 10):
        if self._reuse_active:
            ws = self.workbook.active
            ws.title = str(title)[:31]
            self._reuse_active = False
        else:
            ws = self.workbook.create_sheet(str(title)[:31])
        if headers is not None:
            headers = [str(h) for h in headers]
            # Widths and panes first: a write-only sheet writes them before its first row.
            for i, header in enumerate(headers, start=1):
                width = max(min_width, display_width(header) + 4)
                ws.column_dimensions[get_column_letter(i)].width = width
            ws.freeze_panes = "A2"
            append_row(ws, headers, bold=True)
        return ws

    def fit_widths(self) -> None:
        """Widen each column of the normal sheets to its longest value (a write-only sheet
        keeps the widths from its headers: its rows are gone once written)."""
        if self.workbook.write_only:
            return
        for ws in self.workbook.worksheets:
            for column in ws.iter_cols():
                widest = max((display_width(c.value) for c in column), default=0)
                if not widest:
                    continue
                letter = get_column_letter(column[0].column)
                current = ws.column_dimensions[letter].width or 0
                ws.column_dimensions[letter].width = min(
                    MAX_WIDTH, max(current, MIN_WIDTH, widest + 2)
                )

    def to_bytes(self) -> bytes:
        self.fit_widths()
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def table_bytes(title: str, headers: Iterable[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    """A one-sheet workbook: header row, then the rows."""
    book = Book()
    ws = book.sheet(title, headers)
    for row in rows:
        append_row(ws, row)
    return book.to_bytes()


def xlsx_response(content: bytes, filename: str, *, fallback: str = "") -> HttpResponse:
    """The one way an Excel file leaves the server: `filename` is what the user sees
    (Chinese, e.g. "2026年提案列表.xlsx"), `fallback` an ASCII name for old clients."""
    if not filename.endswith(".xlsx"):
        filename += ".xlsx"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(filename, fallback=fallback)
    # Exports carry personal data: never kept by a shared proxy.
    response["Cache-Control"] = "private, no-store"
    return response
