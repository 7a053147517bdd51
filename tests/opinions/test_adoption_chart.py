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
