"""社情民意统计 by sector counts items: an item two members of one sector wrote together is
one item of that sector, as the year's chart counts it, not one per author; the member
table credits each author (and says so), and the export's 界别 sheet agrees with the page."""

import pytest
from django.utils import timezone

from tests.factories import SectorFactory, TermFactory, seat
from tests.html import table_rows
from tests.opinions.factories import make_opinion, member_user
from tests.xlsx import workbook
from xieshang.opinions.models import Opinion

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.9")]


def test_an_item_of_two_authors_of_one_sector_counts_once_there(client, world):
    district = world["district"]
    term = TermFactory(organisation=district)
    economy, science = (SectorFactory(organisation=district, name=n) for n in ("经济界", "科技界"))
    zhang, li = world["member"], world["other_member"]
    wang = member_user(district, name="王委员")
    seat(zhang, term, sector=economy)
    seat(li, term, sector=economy)
    seat(wang, term, sector=science)
    joint = make_opinion(zhang, office=world["office"], state=Opinion.Status.ACCEPTED)
    joint.authors.add(li, wang)
    make_opinion(li, title="另一条", state=Opinion.Status.SUBMITTED)

    client.force_login(world["office"])
    year = timezone.localdate().year
    html = client.get(f"/opinions/stats/?year={year}").content.decode()
    # Two items: the economy sector wrote both (the joint one once), science one.
    sectors = {row[0]: row[1:3] for row in table_rows(html, "stats-sectors")}
    assert sectors == {"经济界": ["2", "1"], "科技界": ["1", "1"]}
    members = {row[0]: row[2] for row in table_rows(html, "stats-members")}
    assert members == {"张委员": "1", "李委员": "2", "王委员": "1"}
    assert "每位反映人各计一篇" in html

    wb = workbook(client.get(f"/opinions/stats/?year={year}&format=xlsx"))
    sheet = [list(r) for r in wb["界别"].iter_rows(min_row=2, values_only=True)]
    assert {r[0]: r[1:3] for r in sheet} == {"经济界": [2, 1], "科技界": [1, 1]}
