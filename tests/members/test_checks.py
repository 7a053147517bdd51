import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xieshang.members.models import Category, Membership, MembershipCategory
from xieshang.orgs.models import Level, LiaisonRoom, Role, RoleAssignment

from ..factories import UserFactory, make_org
from .factories import committee, party, seat_of

pytestmark = pytest.mark.django_db


def sheet(response) -> list[list]:
    ws = load_workbook(io.BytesIO(response.content)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.mark.clause("C4.11")
def test_it_lists_active_members_in_no_special_committee(client):
    c = committee()
    c.member("王入委")
    c.member("李未入", committees=[])
    c.member("张辞职", committees=[], status=Membership.Status.RESIGNED)
    client.force_login(c.clerk)
    response = client.get(reverse("members:checks"))
    assert [s.member.name for s in response.context["no_committee"]] == ["李未入"]
    rows = sheet(client.get(reverse("members:checks_export", args=["no_committee"])))
    assert rows[1:] == [[1, "李未入", "经济界", "无党派人士"]]


@pytest.mark.clause("C5.6")
def test_it_lists_streets_without_liaison_officer_or_room(client):
    c = committee()
    complete = make_org("东街道", level=Level.STREET, parent=c.org)
    no_officer = make_org("西街道", level=Level.STREET, parent=c.org)
    no_room = make_org("南街道", level=Level.STREET, parent=c.org)
    make_org("北街道", level=Level.STREET, parent=committee("他区政协").org)  # not ours
    for street in (complete, no_room):
        RoleAssignment.objects.create(user=UserFactory(), organisation=street, role=Role.LIAISON)
    for street in (complete, no_officer):
        LiaisonRoom.objects.create(street=street, name=f"{street.name}委员联络室")
    client.force_login(c.clerk)
    response = client.get(reverse("members:checks"))
    found = {s.name: (s.has_liaison, s.has_room) for s in response.context["streets"]}
    assert found == {"西街道": (False, True), "南街道": (True, False)}
    assert response.context["street_total"] == 3
    rows = sheet(client.get(reverse("members:checks_export", args=["streets"])))
    assert rows[0] == ["街道", "所属", "联络员", "委员联络室"]
    assert sorted(r[0] for r in rows[1:]) == ["南街道", "西街道"]


@pytest.mark.clause("C3.5", "C5.4")
def test_it_counts_the_current_terms_composition_by_sector_party_and_category(client):
    c = committee()
    a = c.member("王一", party=party("中国民主同盟"))
    b = c.member("李二", party=party("中国民主同盟"), sector=c.sector2)
    c.member("张三", sector=c.sector2)
    c.member("赵四", status=Membership.Status.REVOKED)  # not counted: not active
    for m, cats in (
        (a, [Category.NON_PARTY_INTELLECTUAL]),
        (b, [Category.NON_PARTY_INTELLECTUAL, Category.RELIGIOUS]),
    ):
        for cat in cats:
            MembershipCategory.objects.create(membership=seat_of(m, c.term), category=cat)
    client.force_login(c.clerk)
    comp = client.get(reverse("members:checks")).context["composition"]
    assert comp["total"] == 3
    assert [(r["label"], r["count"]) for r in comp["sector"]] == [("经济界", 1), ("教育界", 2)]
    assert {r["label"]: r["count"] for r in comp["party"]} == {"中国民主同盟": 2, "无党派人士": 1}
    by_cat = {r["label"]: (r["count"], r["share"]) for r in comp["category"]}
    assert by_cat["党外知识分子"] == (2, 66.7)
    assert by_cat["宗教界"] == (1, 33.3)
    assert by_cat["台胞台属"] == (0, 0.0)
    rows = sheet(client.get(reverse("members:checks_export", args=["sector"])))
    assert rows == [
        ["类别", "人数", "占比（%）"],
        ["经济界", 1, 33.3],
        ["教育界", 2, 66.7],
        ["合计", 3, 100],
    ]


def test_it_lets_a_city_clerk_choose_a_district_but_not_a_foreign_one(client):
    city = committee("示范市政协", level=Level.CITY)
    district = committee("甲区政协", parent=city.org)
    foreign = committee("他区政协")
    district.member("李未入", committees=[])
    foreign.member("钱外", committees=[])
    client.force_login(city.clerk)
    response = client.get(reverse("members:checks"), {"org": district.org.pk})
    assert [s.member.name for s in response.context["no_committee"]] == ["李未入"]
    response = client.get(reverse("members:checks"), {"org": foreign.org.pk})
    assert response.context["org"] == city.org  # an unknown choice falls back to one's own
    assert response.context["switch"].errors


def _streets(response) -> list[str]:
    return [s.name for s in response.context["streets"]]


@pytest.mark.clause("C5.6")
def test_an_office_above_reads_its_own_streets_and_counts_per_committee_below(client):
    """A province holds hundreds of streets: its page lists its own committee's (those
    directly below it), counts the lower committees' per committee, and switches to one."""
    province = committee("示范省政协", level=Level.PROVINCE)
    city = committee("甲市政协", parent=province.org, level=Level.CITY)
    district = committee("乙区政协", parent=city.org)
    other = committee("丙区政协", parent=city.org)
    make_org("省直街道", level=Level.STREET, parent=province.org)
    make_org("市直街道", level=Level.STREET, parent=city.org)
    make_org("乙东街道", level=Level.STREET, parent=district.org)
    done = make_org("乙西街道", level=Level.STREET, parent=district.org)
    RoleAssignment.objects.create(user=UserFactory(), organisation=done, role=Role.LIAISON)
    LiaisonRoom.objects.create(street=done, name="乙西街道委员联络室")
    make_org("丙南街道", level=Level.STREET, parent=other.org)
    client.force_login(province.clerk)
    response = client.get(reverse("members:checks"))
    assert response.context["org"] == province.org
    assert _streets(response) == ["省直街道"]
    assert response.context["street_total"] == 1
    # The city's subtree: its own street and its two districts' three, one of them complete.
    assert [(c.name, missing, total) for c, missing, total in response.context["below"]] == [
        ("甲市政协", 3, 4)
    ]
    assert "乙东街道" not in response.content.decode()
    rows = sheet(client.get(reverse("members:checks_export", args=["streets"])))
    assert [r[0] for r in rows[1:]] == ["省直街道"]
    # One committee below, chosen: its streets, its export, no committee below it.
    response = client.get(reverse("members:checks"), {"org": district.org.pk})
    assert response.context["org"] == district.org
    assert _streets(response) == ["乙东街道"]
    assert response.context["street_total"] == 2
    assert response.context["below"] == []
    assert f'href="/members/checks/export/streets/?org={district.org.pk}"' in (
        response.content.decode()
    )
    rows = sheet(
        client.get(reverse("members:checks_export", args=["streets"]), {"org": district.org.pk})
    )
    assert [r[0] for r in rows[1:]] == ["乙东街道"]
    city_page = client.get(reverse("members:checks"), {"org": city.org.pk})
    assert _streets(city_page) == ["市直街道"]
    assert [(c.name, m, t) for c, m, t in city_page.context["below"]] == [
        ("乙区政协", 1, 2),
        ("丙区政协", 1, 1),
    ]


def test_the_committee_switcher_offers_committees_not_streets(client):
    province = committee("示范省政协", level=Level.PROVINCE)
    committee("甲市政协", parent=province.org, level=Level.CITY)
    street = make_org("省直街道", level=Level.STREET, parent=province.org)
    client.force_login(province.clerk)
    response = client.get(reverse("members:checks"), {"org": street.pk})
    assert response.context["org"] == province.org
    assert response.context["switch"].errors
    assert "level=province%2Ccity%2Cdistrict" in response.content.decode()


def test_a_district_office_has_no_committee_switcher(client):
    c = committee()
    make_org("东街道", level=Level.STREET, parent=c.org)
    client.force_login(c.clerk)
    response = client.get(reverse("members:checks"))
    assert response.context["switch"] is None
    assert response.context["below"] == []
    assert _streets(response) == ["东街道"]
    assert 'id="checks-committee"' not in response.content.decode()


def test_it_refuses_checks_to_roles_without_the_permission(client):
    c = committee()
    client.force_login(c.user(Role.DEPARTMENT))
    assert client.get(reverse("members:checks")).status_code == 403
    assert client.get(reverse("members:checks_export", args=["sector"])).status_code == 403
