"""The assessment report's PDF (督查考核, C2.6) keeps each table row on one page: a unit's
name and its figures are never printed with the figures at the foot of one page and the
name at the top of the next (WeasyPrint split a row whose name cell wraps)."""

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from xieshang.core.pdf import heading, render_pdf

NUMERALS = "零一二三四五六七八九"
CATEGORIES = ("合计", "提案办理", "落实领导批示")


def units(n: int) -> list[dict]:
    """`selectors.assessment`'s rows for `n` units, each with a total and two categories."""
    rows = []
    for i in range(n):
        counts = {"due": i, "on_time": 1, "late": 0, "missing": 0, "pending": 0}
        counts["on_time_rate"] = 50
        name = f"区住房和城乡建设局第{NUMERALS[i // 10]}{NUMERALS[i % 10]}号"
        rows.append(
            {"name": name, "total": counts, "categories": [(c, counts) for c in CATEGORIES[1:]]}
        )
    return rows


@pytest.mark.clause("C2.6")
@pytest.mark.parametrize("n", [4, 9, 14])
def test_no_row_of_the_assessment_pdf_is_split_across_pages(n):
    rows = units(n)
    content = render_pdf(
        "followups/pdf/assessment.html",
        {
            "units": rows,
            **heading("示范区政协", "2026年度承办单位督办落实情况", dt.date(2026, 3, 2)),
        },
    )
    pages = [re.sub(r"\s+", "", p.extract_text()) for p in PdfReader(io.BytesIO(content)).pages]
    assert len(pages) > 1  # the table runs over pages: where a row could split
    for unit in rows:
        for category in CATEGORIES:
            # A row read back whole: the unit's name right before its category, on one page.
            whole = sum(f"{unit['name']}{category}" in page for page in pages)
            assert whole == 1, (unit["name"], category)
