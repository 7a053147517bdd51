"""The office's year end: the activities list and its Excel hold one year (the current one
unless asked), and the summary PDF's tables keep each header on one line."""

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from xieshang.consultation import services
from xieshang.consultation.models import ActivityForm

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)


def activity(world, title, day):
    return services.activity_create(
        organisation=world.district,
        actor=world.office,
        title=title,
        form=ActivityForm.SECTOR,
        date=day,
        place="区政协",
        sector=world.business_sector,
    )


def exported_titles(response) -> list[str]:
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    return [row[1] for row in ws.iter_rows(min_row=2, values_only=True)]


def test_the_activities_list_and_its_excel_hold_the_year_asked(world, client):
    activity(world, "去年的界别协商", dt.date(2025, 11, 20))
    activity(world, "今年的界别协商", dt.date(2026, 3, 18))
    with time_machine.travel(TODAY, tick=False):
        client.force_login(world.office)
        page = client.get("/consultation/activities/").content.decode()
        assert "今年的界别协商" in page and "去年的界别协商" not in page
        assert 'id="f-year"' in page and 'value="2026"' in page
        assert 'href="/consultation/activities/export.xlsx?year=2026"' in page
        assert exported_titles(client.get("/consultation/activities/export.xlsx")) == [
            "今年的界别协商"
        ]
        page = client.get("/consultation/activities/", {"year": 2025}).content.decode()
        assert "去年的界别协商" in page and "今年的界别协商" not in page
        assert 'href="/consultation/activities/export.xlsx?year=2025"' in page
        titles = exported_titles(client.get("/consultation/activities/export.xlsx?year=2025"))
        assert titles == ["去年的界别协商"]
        assert client.get("/consultation/activities/", {"year": "abc"}).status_code == 400


def test_the_summary_pdf_keeps_every_table_header_on_one_line(world, client):
    with time_machine.travel(TODAY, tick=False):
        client.force_login(world.office)
        pdf = client.get("/consultation/summary/pdf/", {"year": 2026})
    assert pdf.status_code == 200
    lines = [
        line.strip()
        for page in PdfReader(io.BytesIO(pdf.content)).pages
        for line in page.extract_text().splitlines()
    ]
    # Table 六, the widest: seven columns, each header whole (督办事项 broke after 督办事).
    assert "事项 督办事项 按时反馈 逾期反馈 逾期未反馈 尚未到期 按时反馈率（%）" in lines
    assert "协商形式 计划事项 已开展 筹备中 尚未安排 计划外开展" in lines
    assert "成果类型 形成 已报送 已决策 已办结 办理中" in lines
    # The row labels of table 六 too.
    assert any(line.startswith("协商成果书面反馈 ") for line in lines)
