"""The members pages search members, accounts, sectors, streets and units on the server
(issue 14): a form's select carries only the chosen option, the picker finds the others
within what the user may choose, and a choice from outside is refused with what was typed
kept."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from xieshang.members.models import (
    ConvenerGroup,
    HigherLevelMember,
    Member,
    MemberContact,
    PartyGroup,
)
from xieshang.orgs.models import ActivityGroup, Level, Role, RoleAssignment

from ..factories import (
    DepartmentFactory,
    MemberFactory,
    TermFactory,
    make_org,
    seat,
    user_with_role,
)
from .factories import committee, party, valid_id

pytestmark = pytest.mark.django_db

CPC = "中国共产党"


def ask(client, source, status=200, **params):
    response = client.get(f"/pickers/{source}/", params)
    assert response.status_code == status, response.status_code
    return [row["text"] for row in response.json()["results"]] if status == 200 else None


def options(html: str, name: str) -> list[str]:
    """The options the page's select `name` carries (their labels)."""
    found = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert found, f"no select {name}"
    return [o.strip() for o in re.findall(r"<option[^>]*>([^<]*)</option>", found.group(1))]


def source_of(html: str, name: str) -> str:
    found = re.search(rf'<select name="{name}"[^>]*data-picker-source="([^"]*)"', html)
    assert found, f"select {name} is not a server picker"
    return found.group(1).replace("&amp;", "&")


def two_districts():
    """Our district (with a second sector, a street, an activity group, a unit) and a
    neighbour whose rows must never be offered to our clerk."""
    c = committee()
    other = committee("邻区政协")
    for org, prefix in ((c.org, "本区"), (other.org, "邻区")):
        make_org(f"{prefix}东街道", level=Level.STREET, parent=org)
        ActivityGroup.objects.create(organisation=org, name=f"{prefix}活动小组")
        DepartmentFactory(organisation=org, name=f"{prefix}住建局")
    return c, other


# --- Talks and visits ----------------------------------------------------------------------


def test_the_contact_form_searches_members_accounts_and_units_in_scope(client):
    c, other = two_districts()
    wang = c.member("王委员")
    c.member("李委员")
    far = other.member("赵邻区")
    staff = user_with_role(Role.OFFICE, c.org, full_name="张秘书")
    user_with_role(Role.OFFICE, other.org, full_name="邻区秘书")
    client.force_login(c.clerk)

    html = client.get(reverse("members:contact_create"), {"member": wang.pk}).content.decode()
    # The chosen one only, labelled with its sector and committee.
    assert options(html, "member") == ["请选择", "王委员（经济界·示范区政协）"]
    assert "李委员" not in html
    assert source_of(html, "member") == "/pickers/contact-members/"
    assert options(html, "by_user") == ["—"]
    assert source_of(html, "by_user") == "/pickers/contact-users/"
    assert options(html, "followup_department") == ["不交办"]
    assert source_of(html, "followup_department") == "/pickers/contact-departments/"

    assert ask(client, "contact-members", q="lwy") == ["李委员（经济界·示范区政协）"]
    assert ask(client, "contact-members", q="赵") == []
    assert ask(client, "contact-users", q="秘书") == ["张秘书"]
    assert ask(client, "contact-departments", q="住建") == ["本区住建局"]

    data = {
        "member": far.pk,
        "kind": "talk",
        "date": timezone.localdate().isoformat(),
        "by_name": "区政协主席张明",
        "topic": "了解履职情况",
        "raised": "希望多组织专题调研。",
        "followup_days": "10",
    }
    response = client.post(reverse("members:contact_create"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "选择一个有效的选项" in page and "了解履职情况" in page and "赵邻区" not in page
    assert not MemberContact.objects.exists()

    response = client.post(
        reverse("members:contact_create"),
        {**data, "member": wang.pk, "by_user": staff.pk, "followup_department__q": "本区住建局"},
    )
    assert response.status_code == 302
    entry = MemberContact.objects.get()
    assert (entry.member, entry.by_user) == (wang, staff)
    assert entry.followup_task.department.name == "本区住建局"


def test_the_contact_list_filters_by_a_sector_picked_on_the_server(client):
    c, other = two_districts()
    client.force_login(c.clerk)
    html = client.get(reverse("members:contacts")).content.decode()
    assert options(html, "sector") == ["全部界别"]
    assert source_of(html, "sector") == "/pickers/member-sectors/?perm=members.contacts"
    assert ask(client, "member-sectors", perm="members.contacts", q="jyj") == ["教育界"]
    assert ask(client, "member-sectors", perm="members.contacts", q="邻区") == []
    html = client.get(reverse("members:contacts"), {"sector": c.sector2.pk}).content.decode()
    assert options(html, "sector") == ["全部界别", "教育界"]
    response = client.get(reverse("members:contacts"), {"sector": other.sector.pk, "q": "王"})
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    assert response.context["form"]["q"].value() == "王"


# --- The member form -------------------------------------------------------------------------


def member_data(c, **overrides) -> dict:
    return {
        "organisation": c.org.pk,
        "name": "欧阳芳",
        "gender": "F",
        "ethnicity": "汉族",
        "id_number": valid_id("11010519800101002"),
        "phone": "13912345678",
        "employer": "示范区第一中学校长",
        "sector": c.sector2.pk,
        "party": party("中国民主促进会").pk,
        **overrides,
    }


def test_the_member_form_searches_sectors_streets_and_groups_of_its_committee(client):
    c, other = two_districts()
    client.force_login(c.clerk)
    html = client.get(reverse("members:create")).content.decode()
    params = f"?organisation={c.org.pk}"
    for name, source in (
        ("sector", "member-form-sectors"),
        ("street", "member-form-streets"),
        ("activity_group", "member-form-groups"),
    ):
        assert options(html, name) == ["—"]
        assert source_of(html, name) == f"/pickers/{source}/{params}"
    assert "教育界" not in html and "本区东街道" not in html

    org = {"organisation": c.org.pk}
    assert ask(client, "member-form-sectors", q="jy", **org) == ["教育界"]
    assert ask(client, "member-form-streets", q="街道", **org) == ["本区东街道"]
    assert ask(client, "member-form-groups", q="小组", **org) == ["本区活动小组"]
    assert ask(client, "member-form-streets", q="邻区") == []
    ask(client, "member-form-sectors", status=404, organisation=other.org.pk)

    far_street = other.org.children.get()
    response = client.post(reverse("members:create"), member_data(c, street=far_street.pk))
    page = response.content.decode()
    assert response.status_code == 400
    assert "选择一个有效的选项" in page and "示范区第一中学校长" in page
    # The refused form still carries only the chosen sector.
    assert options(page, "sector") == ["—", "教育界"]
    assert not Member.objects.filter(name="欧阳芳").exists()

    response = client.post(
        reverse("members:create"),
        member_data(c, street__q="本区东街道", activity_group__q="本区活动小组"),
    )
    assert response.status_code == 302
    member = Member.objects.get(name="欧阳芳")
    assert member.street.name == "本区东街道"
    html = client.get(reverse("members:edit", args=[member.pk])).content.decode()
    assert options(html, "sector") == ["—", "教育界"]
    assert options(html, "street") == ["—", "本区东街道"]
    assert options(html, "activity_group") == ["—", "本区活动小组"]


def test_a_city_clerk_picks_the_committee_and_its_sector_on_the_server(client):
    city = committee("示范市政协", level=Level.CITY)
    district = committee("东城区政协", parent=city.org)
    make_org("外市政协", level=Level.CITY)
    # A city clerk edits the city's members only (core.access); this one also serves the
    # district's office, so the form offers two committees and their lists.
    RoleAssignment.objects.create(user=city.clerk, organisation=district.org, role=Role.OFFICE)
    client.force_login(city.clerk)
    html = client.get(reverse("members:create")).content.decode()
    assert options(html, "organisation") == ["请选择"]
    assert "perm=members.edit" in source_of(html, "organisation")
    assert source_of(html, "sector") == "/pickers/member-form-sectors/?multi=1"
    # Several committees' special committees: a picker, not a hundred checkboxes.
    assert options(html, "committees") == [] and "教科卫体委员会" not in html
    assert source_of(html, "committees") == "/pickers/member-form-committees/?multi=1"
    assert ask(client, "member-form-committees", multi=1, q="东城区") == [
        "经济委员会（东城区政协）",
        "教科卫体委员会（东城区政协）",
    ]
    assert ask(client, "member-form-sectors", multi=1, q="东城区") == [
        "经济界（东城区政协）",
        "教育界（东城区政协）",
    ]
    levels = "province,city,district"
    found = ask(client, "organisations", perm="members.edit", level=levels, q="政协")
    assert found == ["示范市政协", "东城区政协"]
    # The city's sector for a member of the district: refused by the form's own rule.
    response = client.post(reverse("members:create"), member_data(district, sector=city.sector.pk))
    assert response.status_code == 400
    assert "所选项不属于该政协" in response.content.decode()
    response = client.post(
        reverse("members:create"), member_data(district, committees=[district.committee2.pk])
    )
    assert response.status_code == 302
    seat = Member.objects.get(name="欧阳芳").memberships.get()
    assert list(seat.committees.all()) == [district.committee2]


# --- Party groups and conveners --------------------------------------------------------------


def test_the_party_group_forms_search_the_terms_members_and_seats(client):
    c, other = two_districts()
    wang = c.member("王党员", party=party(CPC))
    c.member("李党员", party=party(CPC))
    c.member("赵民盟", party=party("中国民主同盟"))
    far = other.member("钱邻区", party=party(CPC))
    client.force_login(c.clerk)
    html = client.get(reverse("members:party_groups")).content.decode()
    org = {"organisation": c.org.pk}
    assert options(html, "leader") == ["—"]
    assert source_of(html, "leader") == f"/pickers/party-leaders/?organisation={c.org.pk}"
    assert options(html, "seat") == ["请选择"]
    assert source_of(html, "seat") == f"/pickers/party-seats/?organisation={c.org.pk}"
    assert ask(client, "party-leaders", q="ldy", **org) == ["李党员（经济界·示范区政协）"]
    assert ask(client, "party-leaders", q="赵民盟", **org) == []  # not a CPC member
    assert ask(client, "party-seats", q="赵", **org) == ["赵民盟（中国民主同盟）"]
    ask(client, "party-leaders", status=404, organisation=other.org.pk)

    response = client.post(
        reverse("members:party_group_create"), {"name": "第一党小组", "leader": far.pk}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "选择一个有效的选项" in page and 'value="第一党小组"' in page
    response = client.post(
        reverse("members:party_group_create"), {"name": "第一党小组", "leader__q": "王党员"}
    )
    assert response.status_code == 302
    assert PartyGroup.objects.get().leader == wang


def test_the_convener_forms_search_members_streets_and_accounts_of_the_district(client):
    city = make_org("示范市政协", level=Level.CITY)
    city_term = TermFactory(organisation=city, number=15)
    c = committee(parent=city)
    other = committee("邻区政协", parent=city)
    vice = c.member("李副主席", position="副主席")
    far = other.member("赵邻区")
    resident = MemberFactory(organisation=city, name="钱市委员")
    seat(resident, city_term)
    east = make_org("东街道", level=Level.STREET, parent=c.org)
    make_org("邻区街道", level=Level.STREET, parent=other.org)
    account = user_with_role(Role.LIAISON, east, full_name="吴联络员")
    user_with_role(Role.LIAISON, other.org, full_name="邻区联络员")
    client.force_login(c.clerk)

    html = client.get(reverse("members:conveners")).content.decode()
    org = {"organisation": c.org.pk}
    for name in ("convener", "member", "user"):
        assert len(options(html, name)) <= 1, name
    # The street convener's and the activity's street: the empty choice only, each.
    streets = re.findall(r'<select name="street"[^>]*>(.*?)</select>', html, re.S)
    assert len(streets) == 2 and all(s.count("<option") == 1 for s in streets)
    assert source_of(html, "member") == f"/pickers/convener-residents/?organisation={c.org.pk}"
    assert ask(client, "convener-members", q="lfz", **org) == ["李副主席（经济界·示范区政协）"]
    assert ask(client, "convener-members", q="赵", **org) == []
    assert ask(client, "convener-residents", q="钱", **org) == ["钱市委员（示范市政协）"]
    assert ask(client, "convener-streets", **org) == ["东街道"]
    assert ask(client, "convener-users", q="联络员", **org) == ["吴联络员"]
    ask(client, "convener-streets", status=404, organisation=other.org.pk)

    response = client.post(
        reverse("members:convener_set"), {"convener": far.pk, "note": "主席外出学习期间"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "选择一个有效的选项" in page and "主席外出学习期间" in page
    response = client.post(reverse("members:convener_set"), {"convener__q": "李副主席"})
    assert response.status_code == 302
    assert ConvenerGroup.objects.get(organisation=c.org).convener == vice

    response = client.post(
        reverse("members:street_convener_set"),
        {"street__q": "邻区街道", "name": "吴书记", "user": account.pk},
    )
    assert response.status_code == 400
    assert 'value="吴书记"' in response.content.decode()
    response = client.post(
        reverse("members:street_convener_set"),
        {"street": east.pk, "name": "吴书记", "user__q": "吴联络员"},
    )
    assert response.status_code == 302

    response = client.post(reverse("members:resident_add"), {"member": far.pk})
    assert response.status_code == 400
    response = client.post(reverse("members:resident_add"), {"member__q": "钱市委员"})
    assert response.status_code == 302
    assert HigherLevelMember.objects.get(organisation=c.org).member == resident
