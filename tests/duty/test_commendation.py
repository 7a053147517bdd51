import pytest
from django.urls import reverse

from tests.duty.factories import YEAR, record, setting
from tests.factories import MemberFactory, seat
from xieshang.duty.models import DutyKind

pytestmark = pytest.mark.django_db
K = DutyKind


def _full_year(member, plenary_days):
    record(member, K.PLENARY_HALF_DAY, quantity=plenary_days)
    record(member, K.PROPOSAL_FIRST)
    record(member, K.INSPECTION)


@pytest.mark.clause("C5.8")
def test_it_proposes_top_scoring_members_who_met_their_minimum_duties(client):
    org, term, office, member = setting()
    _full_year(member, 16)  # 80 + 15 + 5 = 100
    runner_up = MemberFactory(organisation=org, name="次高委员")
    seat(runner_up, term)
    _full_year(runner_up, 14)  # 90
    no_inspection = MemberFactory(organisation=org, name="未视察委员")
    seat(no_inspection, term)
    record(no_inspection, K.PLENARY_HALF_DAY, quantity=30)
    record(no_inspection, K.PROPOSAL_FIRST)
    low = MemberFactory(organisation=org, name="低分委员")
    seat(low, term)
    _full_year(low, 2)

    client.force_login(office)
    page = client.get(reverse("duty:commendation") + f"?year={YEAR}").content.decode()
    section = page.split('id="cand-member"')[1].split("</table>")[0]
    assert section.index(member.name) < section.index("次高委员")
    assert "未视察委员" not in section and "低分委员" not in section


@pytest.mark.clause("C5.8")
def test_it_ranks_proposal_members_by_key_and_excellent_proposals_first(client):
    org, term, office, member = setting()
    record(member, K.PROPOSAL_FIRST, quantity=1)
    record(member, K.PROPOSAL_FIRST, quantity=1)
    prolific_key = MemberFactory(organisation=org, name="重点提案委员")
    seat(prolific_key, term)
    record(prolific_key, K.PROPOSAL_FIRST)
    record(prolific_key, K.KEY_PROPOSAL_FIRST)
    cosigner = MemberFactory(organisation=org, name="联名委员")
    record(cosigner, K.PROPOSAL_COSIGNER)
    client.force_login(office)
    page = client.get(reverse("duty:commendation") + f"?year={YEAR}").content.decode()
    section = page.split('id="cand-proposer"')[1].split("</table>")[0]
    assert section.index("重点提案委员") < section.index(member.name)
    assert "联名委员" not in section


def test_it_keeps_commendation_lists_from_members(client):
    _org, _term, _office, member = setting()
    client.force_login(member.user)
    assert client.get(reverse("duty:commendation")).status_code == 403
