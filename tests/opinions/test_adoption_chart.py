"""社情民意 adoption (issue 12): the statistics page charts what its tables sum — submitted,
accepted and adopted per level — with a summary sentence and the table fallback."""

import json
import re

import pytest
from django.utils import timezone

from tests.opinions.factories import make_opinion
from xieshang.opinions import services
from xieshang.opinions.models import Adoption, AdoptionLevel, Opinion

S = Opinion.Status
pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.9")]


def test_the_statistics_page_charts_adoption_per_level(client, world):
    office = world["office"]
    opinion = make_opinion(world["member"], office=office, state=S.PUBLISHED)
    services.adoption_record(
        opinion=opinion,
        actor=office,
        level=AdoptionLevel.CITY,
        mode=Adoption.Mode.STANDALONE,
        adopted_on=timezone.localdate(),
    )
    make_opinion(world["member"], state=S.SUBMITTED, title="另一条")
    client.force_login(office)
    html = client.get(f"/opinions/stats/?year={timezone.localdate().year}").content.decode()
    block = re.search(
        r'<script id="chart-opinion-adoption-data" type="application/json">(.*?)</script>', html
    )
    spec = json.loads(block.group(1))
    assert dict(zip(spec["labels"], spec["series"][0]["data"], strict=True)) == {
        "报送": 2,
        "录用编发": 1,
        "区级采用": 0,
        "市级采用": 1,
        "省级采用": 0,
        "全国采用": 0,
    }
    assert "报送社情民意信息2篇，录用编发1篇，获领导批示0篇。" in html


def test_the_excel_export_has_the_years_totals_the_page_charts(client, world):
    """The export's 年度合计 sheet gives the page's figures: the chart's bars and the
    sentence's 获领导批示, items counted once (the 委员 sheet credits each author)."""
    from tests.xlsx import workbook

    office = world["office"]
    opinion = make_opinion(world["member"], office=office, state=S.PUBLISHED)
    services.adoption_record(
        opinion=opinion,
        actor=office,
        level=AdoptionLevel.CITY,
        mode=Adoption.Mode.STANDALONE,
        adopted_on=timezone.localdate(),
    )
    services.instruction_record(
        opinion=opinion,
        actor=office,
        leader="王书记",
        level="district",
        instructed_on=timezone.localdate(),
        text="请研究落实。",
        departments=[world["dept"]],
    )
    make_opinion(world["member"], state=S.SUBMITTED, title="另一条")
    client.force_login(office)
    year = timezone.localdate().year
    html = client.get(f"/opinions/stats/?year={year}").content.decode()
    block = re.search(
        r'<script id="chart-opinion-adoption-data" type="application/json">(.*?)</script>', html
    )
    spec = json.loads(block.group(1))
    charted = dict(zip(spec["labels"], spec["series"][0]["data"], strict=True))
    assert "获领导批示1篇" in html

    wb = workbook(client.get(f"/opinions/stats/?year={year}&format=xlsx"))
    assert wb.sheetnames == ["委员", "界别", "年度合计"]
    rows = list(wb["年度合计"].iter_rows(values_only=True))
    assert rows[0] == ("项目", "篇数")
    assert dict(rows[1:]) == {**charted, "获领导批示": 1}
    assert charted["报送"] == 2 and charted["市级采用"] == 1


@pytest.mark.clause("C3.2")
def test_a_members_row_counts_items_like_the_years_totals(client, world):
    """One item instructed by two leaders and adopted at the district both on its own and
    forwarded is one instructed item and one district adoption on the member's row, as in the
    year's totals (年度合计), not two."""
    from tests.xlsx import workbook

    office = world["office"]
    opinion = make_opinion(world["member"], office=office, state=S.PUBLISHED)
    for mode in (Adoption.Mode.STANDALONE, Adoption.Mode.FORWARDED):
        services.adoption_record(
            opinion=opinion,
            actor=office,
            level=AdoptionLevel.DISTRICT,
            mode=mode,
            adopted_on=timezone.localdate(),
        )
    for leader in ("王书记", "李区长"):
        services.instruction_record(
            opinion=opinion,
            actor=office,
            leader=leader,
            level="district",
            instructed_on=timezone.localdate(),
            text="请研究落实。",
            departments=[world["dept"]],
        )
    client.force_login(office)
    year = timezone.localdate().year
    wb = workbook(client.get(f"/opinions/stats/?year={year}&format=xlsx"))
    header, row = list(wb["委员"].iter_rows(values_only=True))
    member = dict(zip(header, row, strict=True))
    assert (member["区级采用"], member["获批示"]) == (1, 1)
    totals = dict(list(wb["年度合计"].iter_rows(values_only=True))[1:])
    assert (totals["区级采用"], totals["获领导批示"]) == (1, 1)
