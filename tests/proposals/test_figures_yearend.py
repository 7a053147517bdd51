"""What the office clerk found on the figures pages at year end: months of two years kept
apart, a unit with no answer or rating drawn as no bar (not 0 %), tied units all named,
one filter row for both figures pages, and counts of a thousand and more grouped."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from tests.factories import DepartmentFactory
from tests.proposals.test_figures import SAT, assignment, proposal
from xieshang.proposals import figures
from xieshang.proposals.models import Assignment, Proposal

pytestmark = [pytest.mark.clause("C4.6")]

S = Proposal.Status


def chart(page: str, chart_id: str) -> dict:
    block = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', page)
    return json.loads(block.group(1))


def figures_page(client, world) -> str:
    query = {"organisation": world.district.pk, "year": 2026}
    return client.get(reverse("proposals:figures"), query).content.decode()


def test_december_of_the_year_before_is_not_added_into_this_december(client, world):
    """Plenary proposals of 2026 handed in in December 2025 before the January session:
    their month is December 2025, apart from the year's own December."""
    for _n in range(3):
        proposal(
            world, status=S.SUBMITTED, submitted_at=dt.datetime(2025, 12, 20, 3, tzinfo=dt.UTC)
        )
    for _n in range(2):
        proposal(world, status=S.SUBMITTED, submitted_at=dt.datetime(2026, 12, 1, 3, tzinfo=dt.UTC))
    proposal(world, status=S.SUBMITTED, submitted_at=dt.datetime(2026, 3, 2, 3, tzinfo=dt.UTC))
    months = figures.figures(world.district, 2026).by_month()
    assert months[0] == (2025, 12, 3)
    assert months[-1] == (2026, 12, 2)
    assert (2026, 3, 1) in months and len(months) == 13

    client.force_login(world.office)
    spec = chart(figures_page(client, world), "chart-proposal-months")
    data = dict(zip(spec["labels"], spec["series"][0]["data"], strict=True))
    assert data["2025年12月"] == 3 and data["12月"] == 2 and data["3月"] == 1
    assert spec["summary"] == "逐月收到提案：2025年12月最多，为3件。"


def test_a_unit_without_answers_has_no_satisfaction_bar_and_tied_units_are_all_named(client, world):
    """The rate chart: 住建局 answered on time and was rated; 教育局 answered on time, not
    rated yet; 文旅局 has not answered. None of the last two is drawn at 0 %; the two at
    100 % on time are both named."""
    culture = DepartmentFactory(organisation=world.district, name="区文化和旅游局")
    on_time = dt.datetime(2026, 5, 20, 10)
    assignment(world, world.housing, submitted=on_time, category="A", ratings=[("zhang", SAT, SAT)])
    assignment(world, world.education, submitted=on_time, category="B")
    assignment(world, culture, role=Assignment.Role.LEAD)
    client.force_login(world.office)
    page = figures_page(client, world)
    spec = chart(page, "chart-departments")
    satisfaction = dict(zip(spec["labels"], spec["series"][1]["data"], strict=True))
    assert satisfaction == {"区住房和城乡建设局": 100.0, "区教育局": None, "区文化和旅游局": None}
    rows = {row[0]: row[2] for row in spec["rows"]}
    assert rows["区文化和旅游局"] == {"missing": "无答复"}
    assert rows["区教育局"] == {"missing": "未评价"}
    start = page.index('id="chart-departments"')
    block = page[start : page.index("</figure>", start)]
    assert 'data-label="结果满意率">无答复</td>' in block
    assert 'data-label="结果满意率">0' not in block
    names = "、".join(sorted(["区住房和城乡建设局", "区教育局"], key=spec["labels"].index))
    assert spec["summary"] == f"承办单位按时答复率和满意率：{names}并列最高，均为100.0%。"


def test_both_figures_pages_render_the_one_filter_row(client, world):
    client.force_login(world.office)
    response = client.get(reverse("proposals:figures"), {"year": 2026})
    assert "proposals/figures/_filter_row.html" in [t.name for t in response.templates]
    client.force_login(world.housing_clerk)
    response = client.get(reverse("proposals:figures"), {"year": 2026})
    assert "本单位提案办理情况" in response.content.decode()
    assert "proposals/figures/_filter_row.html" in [t.name for t in response.templates]
    assert 'id="figures-export"' in response.content.decode()


@pytest.mark.parametrize(
    ("language", "listed"), [("zh-hans", "共 1,234 件提案"), ("en", "1,234 proposals")]
)
def test_counts_of_a_thousand_and_more_are_grouped(client, world, language, listed):
    Proposal.objects.bulk_create(
        Proposal(
            organisation=world.district,
            year=2026,
            title="关于加快老旧小区加装电梯的建议",
            status=S.SUBMITTED,
            first_proposer=world.members["wang"],
        )
        for _n in range(1234)
    )
    client.force_login(world.office)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    page = figures_page(client, world)
    table = page[page.index('id="session-figures"') :]
    assert ">1,234</a>" in table
    # Read in the cells' text only: an address in the table may carry an id 1234 (CI's
    # PostgreSQL run gave the organisation that id once).
    assert not re.search(r">\s*1234\s*<", table)
    listing = client.get(reverse("proposals:index"), {"year": 2026}).content.decode()
    assert listed in listing
