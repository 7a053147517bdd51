"""A table's column headers in an official PDF are printed whole, each on one line: the
assessment report's (督查考核, C2.6) eight columns broke 年度到/期, 按时反/馈 and
按时反馈率/（%） in the middle of the word. pdf/official.css keeps every header on one line
and the table gives its column the width."""

import datetime as dt
import re

import pytest

from tests.followups.test_assessment_pdf_rows import units
from tests.pdftext import pdf_text
from xieshang.core.pdf import heading, render_pdf

HEADERS = [
    "承办单位",
    "类别",
    "年度到期",
    "按时反馈",
    "逾期反馈",
    "逾期未反馈",
    "未到期",
    "按时反馈率（%）",
]


@pytest.mark.clause("C2.6")
def test_every_column_header_of_the_assessment_pdf_is_whole_on_one_line():
    content = render_pdf(
        "followups/pdf/assessment.html",
        {
            "units": units(3),
            **heading("示范区政协", "2026年度承办单位督办落实情况", dt.date(2026, 3, 2)),
        },
    )
    lines = [re.sub(r"\s+", "", line) for line in pdf_text(content).splitlines()]
    header_line = next(line for line in lines if line.startswith("承办单位"))
    assert header_line.startswith("".join(HEADERS)), header_line


@pytest.mark.clause("C2.6")
def test_a_long_unit_name_and_category_of_the_assessment_pdf_stay_on_one_line():
    # With every header on one line the eight columns squeezed the unit's name to six or
    # seven characters a line (示范区住房和城/乡建设局) and 提案办理 to three.
    counts = {"due": 12, "on_time": 10, "late": 1, "missing": 1, "pending": 3}
    counts["on_time_rate"] = "83.3"
    name = "示范区住房和城乡建设局"
    categories = ["提案办理", "重点协商活动落实", "社情民意信息反馈"]
    content = render_pdf(
        "followups/pdf/assessment.html",
        {
            "units": [
                {"name": name, "total": counts, "categories": [(c, counts) for c in categories]}
            ],
            **heading("示范区政协", "2026年度承办单位督办落实情况", dt.date(2026, 3, 2)),
        },
    )
    lines = [re.sub(r"\s+", "", line) for line in pdf_text(content).splitlines()]
    for category in ["合计", *categories]:
        assert f"{name}{category}1210113" in "\n".join(lines), (category, lines)
