"""The city office's 社情民意 statistics name a district's members only for items the city may
open (accepted there or later); items still 待审核, returned or not accepted at the district
are counted in the year's totals without a name, on the page and in the Excel export alike
(fix-opin; SPEC: the higher level receives reports and statistics rolled up)."""

import pytest
from django.utils import timezone

from tests.opinions.factories import make_opinion, member_user
from tests.xlsx import texts, workbook
from xieshang.opinions import services
from xieshang.opinions.models import Opinion

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.9")]
S = Opinion.Status


@pytest.fixture
def items(world):
    waiting = member_user(world["district"], name="王待审")
    refused = member_user(world["district"], name="陈不录")
    make_opinion(waiting, state=S.SUBMITTED, title="区里待审核的信息")
    rejected = make_opinion(refused, state=S.SUBMITTED, title="区里不予录用的信息")
    services.opinion_reject(opinion=rejected, actor=world["office"], reason="不符合要求")
    make_opinion(world["member"], office=world["office"], state=S.ACCEPTED, title="已录用的")
    return timezone.localdate().year


def test_the_city_sees_no_name_of_an_item_it_cannot_open(client, world, items):
    client.force_login(world["city_office"])
    page = client.get(f"/opinions/stats/?year={items}").content.decode()
    assert "张委员" in page
    assert "王待审" not in page and "陈不录" not in page
    # The totals still count all three, and say how many are not listed.
    assert "报送社情民意信息3篇" in page
    assert "不予录用的信息2篇" in page

    wb = workbook(client.get(f"/opinions/stats/?year={items}&format=xlsx"))
    exported = texts(wb)
    assert "张委员" in exported
    assert "王待审" not in exported and "陈不录" not in exported
    totals = {row[0].value: row[1].value for row in wb["年度合计"].iter_rows(min_row=2)}
    assert totals["报送"] == 3
    assert totals["其中下级政协尚未录用（不列委员）"] == 2
    members = [row[0].value for row in wb["委员"].iter_rows(min_row=2)]
    assert members == ["张委员"]


def test_the_district_office_still_sees_every_name(client, world, items):
    client.force_login(world["office"])
    page = client.get(f"/opinions/stats/?year={items}").content.decode()
    assert "王待审" in page and "陈不录" in page and "张委员" in page
    assert 'id="stats-undisclosed"' not in page
    wb = workbook(client.get(f"/opinions/stats/?year={items}&format=xlsx"))
    assert "王待审" in texts(wb)
    totals = {row[0].value for row in wb["年度合计"].iter_rows(min_row=2)}
    assert "其中下级政协尚未录用（不列委员）" not in totals
