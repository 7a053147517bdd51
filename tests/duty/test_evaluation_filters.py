"""The yearly evaluation filtered to one sector (界别) and/or to the members below the
minimum duty requirements (未达到最低履职要求): the filters stay in the address, in the page
links and in the Excel export, and cost no query more."""

import io
import re
from html import unescape

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.duty.factories import YEAR, record, setting
from tests.factories import MemberFactory, SectorFactory, seat
from xieshang.duty.models import DutyKind as K
from xieshang.duty.models import DutyRecord
from xieshang.duty.views import EVALUATION_PER_PAGE

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C5.7")]


def _all_minimum_duties(member):
    record(member, K.PLENARY_HALF_DAY, quantity=4)
    record(member, K.PROPOSAL_FIRST)
    record(member, K.INSPECTION, quantity=2)


@pytest.fixture
def committee():
    org, term, office, member = setting()
    economy = SectorFactory(organisation=org, name="经济界", sort_order=2)
    science = SectorFactory(organisation=org, name="科技界", sort_order=1)
    member.memberships.update(sector=economy)
    member.name = "甲达标"
    member.save(update_fields=["name"])
    _all_minimum_duties(member)
    unmet_economy = MemberFactory(organisation=org, name="乙未达标")
    seat(unmet_economy, term, sector=economy)
    record(unmet_economy, K.MEETING)
    unmet_science = MemberFactory(organisation=org, name="丙未达标")
    seat(unmet_science, term, sector=science)
    met_science = MemberFactory(organisation=org, name="丁达标")
    seat(met_science, term, sector=science)
    _all_minimum_duties(met_science)
    return {"office": office, "economy": economy, "science": science}


def _names(text: str) -> list[str]:
    table = text.split('id="duty-evaluation"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"/duty/members/\d+/\?year=\d+\">([^<]+)</a>", table)


def _export_names(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))


def _export_link(text: str) -> str:
    return unescape(re.search(r'id="duty-evaluation-export" href="([^"]+)"', text).group(1))


def test_the_office_lists_only_the_members_below_the_minimum_and_exports_the_same(
    client, committee
):
    client.force_login(committee["office"])
    url = reverse("duty:evaluation") + f"?year={YEAR}&minimum=unmet"
    text = client.get(url).content.decode()
    assert sorted(_names(text)) == ["丙未达标", "乙未达标"]
    assert 'name="minimum" value="unmet" id="minimum" checked' in text
    link = _export_link(text)
    assert "minimum=unmet" in link and f"year={YEAR}" in link
    assert _export_names(client, link) == ["丙未达标", "乙未达标"]


def test_the_office_lists_one_sector_and_both_filters_combine(client, committee):
    client.force_login(committee["office"])
    science = committee["science"]
    url = reverse("duty:evaluation") + f"?year={YEAR}&sector={science.pk}"
    text = client.get(url).content.decode()
    assert sorted(_names(text)) == ["丁达标", "丙未达标"]
    # The choices are the term's sectors in the committee's order, the chosen one selected.
    assert text.index("科技界</option>") < text.index("经济界</option>")
    assert f'<option value="{science.pk}" selected>科技界</option>' in text
    assert _export_names(client, _export_link(text)) == ["丁达标", "丙未达标"]

    both = client.get(url + "&minimum=unmet").content.decode()
    assert _names(both) == ["丙未达标"]
    assert _export_names(client, _export_link(both)) == ["丙未达标"]
    other = reverse("duty:evaluation") + f"?year={YEAR}&sector={committee['economy'].pk}"
    assert _names(client.get(other + "&minimum=unmet").content.decode()) == ["乙未达标"]


def test_a_filter_with_nobody_in_it_says_so_and_a_wrong_sector_is_refused(client, committee):
    DutyRecord.objects.all().delete()
    client.force_login(committee["office"])
    url = reverse("duty:evaluation") + f"?year={YEAR}&sector={committee['economy'].pk}"
    everybody_unmet = client.get(url + "&minimum=unmet").content.decode()
    assert sorted(_names(everybody_unmet)) == ["乙未达标", "甲达标"]
    nobody = client.get(reverse("duty:evaluation") + f"?year={YEAR}&sector=999999").content
    nobody = nobody.decode()
    assert _names(nobody) == [] and "没有符合条件的委员" in nobody
    assert client.get(reverse("duty:evaluation") + "?sector=abc").status_code == 400


def test_the_page_links_keep_the_filters(client, committee):
    org_term = committee["science"].organisation.terms.get()
    for _i in range(EVALUATION_PER_PAGE + 1):
        seat(MemberFactory(organisation=org_term.organisation), org_term)
    client.force_login(committee["office"])
    text = client.get(reverse("duty:evaluation") + f"?year={YEAR}&minimum=unmet").content.decode()
    assert 'rel="next" href="?year=' in text
    next_link = unescape(re.search(r'rel="next" href="([^"]+)"', text).group(1))
    assert "minimum=unmet" in next_link and "page=2" in next_link


@pytest.mark.parametrize("n", [3, 30])
def test_the_filtered_evaluation_costs_the_same_fixed_queries(
    client, django_assert_num_queries, committee, n
):
    org_term = committee["science"].organisation.terms.get()
    for i in range(n):
        member = MemberFactory(organisation=org_term.organisation)
        seat(member, org_term, sector=committee["science"] if i % 2 else None)
        record(member, K.MEETING, quantity=i % 5)
    client.force_login(committee["office"])
    url = reverse("duty:evaluation") + f"?year={YEAR}"
    client.get(url)  # warm up: creates the score table
    filtered = url + f"&sector={committee['science'].pk}&minimum=unmet"
    # 11: with the year of the committee's first term (an earlier year is refused).
    with django_assert_num_queries(11):
        response = client.get(filtered)
    assert response.status_code == 200


def test_the_export_lists_the_members_in_the_pages_order(client, committee):
    """Sorted by name (stroke order) on the page, the file is sorted the same way, not by
    score."""
    client.force_login(committee["office"])
    for sort in ("name", "score"):
        text = client.get(reverse("duty:evaluation") + f"?year={YEAR}&sort={sort}")
        text = text.content.decode()
        link = _export_link(text)
        assert f"sort={sort}" in link
        sheet = load_workbook(io.BytesIO(client.get(link).content)).active
        in_file = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert in_file == _names(text), sort
