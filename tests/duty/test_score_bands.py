"""The score bands of the evaluation (the chart on the page and the big screen, and the
Excel export) are half-open and say so: a member on a threshold (80) is in the band it
opens (≥80且<90分) and in no other; a label never reads 60–80 / 80–90."""

import datetime as dt
import io
import json
import re
from decimal import Decimal
from html import unescape

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from tests.duty.factories import YEAR, record, setting
from tests.factories import MemberFactory, seat
from xieshang.duty import selectors
from xieshang.duty.models import DutyKind as K
from xieshang.orgs.models import OrgSetting

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C5.7")]
AFTER_YEAR = time_machine.travel(dt.datetime(YEAR + 1, 1, 5, 2, 0, tzinfo=dt.UTC))
LABELS = ["<60分", "≥60且<80分", "≥80且<90分", "≥90分"]


@pytest.fixture
def committee():
    """Members scoring 80, 79.5, 60, 59.5 and 90: on and just under each threshold."""
    org, term, office, member = setting()
    member.name = "八十分"
    member.save(update_fields=["name"])
    record(member, K.MEETING, quantity=16)
    for name, meetings in [
        ("七九点五", "15.9"),
        ("六十分", 12),
        ("五九点五", "11.9"),
        ("九十分", 18),
    ]:
        other = MemberFactory(organisation=org, name=name)
        seat(other, term)
        record(other, K.MEETING, quantity=Decimal(meetings))
    return org, office


def _chart(html: str) -> dict:
    block = re.search(
        r'<script id="chart-duty-scores-data" type="application/json">(.*?)</script>', html
    )
    return json.loads(block.group(1))


def test_each_score_falls_in_exactly_one_band_labelled_half_open():
    bands = selectors.score_bands((90, 80, 60))
    assert [band.label for band in bands] == LABELS
    for total in ["59.99", "60", "79.5", "79.99", "80", "89.99", "90", "120", "-5"]:
        assert sum(Decimal(total) in band for band in bands) == 1, total
    assert selectors.band_label(bands, Decimal(80)) == "≥80且<90分"
    assert selectors.band_label(bands, Decimal("79.5")) == "≥60且<80分"
    # A threshold with a fraction is written as set, not rounded into the next band.
    assert selectors.score_bands((Decimal("85.50"), 80, 60))[2].label == "≥80且<85.5分"


@AFTER_YEAR
def test_the_evaluation_chart_counts_a_member_on_a_threshold_once(client, committee):
    _org, office = committee
    client.force_login(office)
    html = client.get(reverse("duty:evaluation") + f"?year={YEAR}").content.decode()
    chart = _chart(html)
    assert chart["labels"] == LABELS
    assert chart["series"][0]["data"] == [1, 2, 1, 1]
    assert "共5名委员：得分≥90分的1人，<60分的1人。" in unescape(html)
    assert "60–80" not in html and "80–90" not in html


@AFTER_YEAR
def test_the_excel_export_gives_each_members_band_the_same_way(client, committee):
    org, office = committee
    OrgSetting.objects.create(organisation=org, key="duty.grade_good_min", value=79.5)
    client.force_login(office)
    response = client.get(reverse("duty:evaluation_export") + f"?year={YEAR}")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("姓名", "界别", "得分", "等级", "得分段")
    band = {row[0]: (row[4], row[3]) for row in rows[1:]}
    assert band["九十分"] == ("≥90分", "优秀")
    assert band["八十分"] == ("≥79.5且<90分", "良好")
    assert band["七九点五"] == ("≥79.5且<90分", "良好")
    assert band["六十分"] == ("≥60且<79.5分", "称职")
    assert band["五九点五"] == ("<60分", "不称职")
