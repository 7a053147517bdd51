import pytest
from django.urls import reverse

from xieshang.core.models import Event
from xieshang.members.models import Category, Member, Membership
from xieshang.orgs.models import Role

from .factories import committee, party, seat_of, valid_id

pytestmark = pytest.mark.django_db

ID = valid_id("11010519800101002")  # a woman born 1980-01-01


def form_data(c, **overrides) -> dict:
    data = {
        "organisation": c.org.pk,
        "name": "欧阳芳",
        "gender": "F",
        "ethnicity": "汉族",
        "birth_date": "",
        "id_number": ID,
        "phone": "13912345678",
        "address": "示范区人民路100号3栋",
        "employer": "示范区第一中学校长",
        "education": "研究生",
        "email": "",
        "street": "",
        "sector": c.sector2.pk,
        "party": party("中国民主促进会").pk,
        "categories": [Category.NON_PARTY_INTELLECTUAL],
        "committees": [c.committee2.pk],
        "activity_group": "",
        "is_standing": "on",
        "position": "",
    }
    data.update(overrides)
    return data


def test_it_creates_a_member_with_their_seat_in_the_current_term(client):
    c = committee()
    client.force_login(c.clerk)
    response = client.post(reverse("members:create"), form_data(c))
    member = Member.objects.get(name="欧阳芳")
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[member.pk])
    assert member.organisation == c.org
    assert member.birth_date.isoformat() == "1980-01-01"  # taken from the ID number
    assert member.stroke_key.startswith("08")  # 欧 has eight strokes: filed with the 八画
    membership = seat_of(member, c.term)
    assert membership.sector == c.sector2
    assert membership.is_standing
    assert list(membership.committees.all()) == [c.committee2]
    assert list(membership.categories.values_list("category", flat=True)) == [
        Category.NON_PARTY_INTELLECTUAL
    ]


def test_it_audits_a_create_without_raw_personal_data(client):
    c = committee()
    client.force_login(c.clerk)
    client.post(reverse("members:create"), form_data(c))
    event = Event.objects.get(verb="member.create")
    assert event.actor == c.clerk
    assert event.organisation == c.org
    changed = event.data["changed"]
    assert changed["name"] == ["", "欧阳芳"]
    assert changed["phone"] == ["", "139****5678"]
    assert changed["id_number"][1] == ID[:3] + "*" * 11 + ID[-4:]
    # The birth date as the pages show it, year and month: with the day, the masked ID
    # number's prefix and last four digits gave the whole number away (the history showed
    # 1980-01-01 in full).
    assert changed["birth_date"] == ["", "1980-01"]
    assert "13912345678" not in str(event.data)
    assert ID not in str(event.data)
    assert "人民路100号3栋" not in str(event.data)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "", "请填写姓名"),
        ("name", "Alice", "汉字"),
        ("id_number", "110105198001010021", "校验位"),
        ("phone", "1391234", "11位"),
        ("gender", "M", "性别与身份证号不符"),
        ("birth_date", "1981-02-03", "出生日期与身份证号不符"),
    ],
)
def test_it_refuses_bad_input_and_keeps_what_was_typed(client, field, value, message):
    c = committee()
    client.force_login(c.clerk)
    response = client.post(reverse("members:create"), form_data(c, **{field: value}))
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "示范区第一中学校长" in body  # the rest of the input is still there
    assert not Member.objects.exists()


def test_it_refuses_an_id_number_already_registered_in_the_committee(client):
    c = committee()
    c.member("王原有", id_number=ID)
    client.force_login(c.clerk)
    response = client.post(reverse("members:create"), form_data(c))
    assert response.status_code == 400
    assert "该身份证号已登记" in response.content.decode()
    assert Member.objects.count() == 1


def test_it_allows_the_same_id_number_in_another_committee(client):
    a, b = committee("甲区政协"), committee("乙区政协")
    b.member("欧阳芳", id_number=ID)
    client.force_login(a.clerk)
    response = client.post(reverse("members:create"), form_data(a))
    assert response.status_code == 302


def test_it_refuses_a_committee_of_another_district(client):
    a, b = committee("甲区政协"), committee("乙区政协")
    client.force_login(a.clerk)
    response = client.post(
        reverse("members:create"), form_data(a, committees=[b.committee.pk], sector=b.sector.pk)
    )
    assert response.status_code == 400
    assert not Member.objects.exists()


def test_it_refuses_the_create_page_to_a_role_without_edit(client):
    c = committee()
    client.force_login(c.user(Role.CHAIR))
    assert client.get(reverse("members:create")).status_code == 403
    assert client.post(reverse("members:create"), form_data(c)).status_code == 403
    assert not Member.objects.exists()


def test_it_edits_a_member_and_audits_the_changed_fields(client):
    c = committee()
    member = c.member("王芳", phone="13900000001", id_number="")
    client.force_login(c.clerk)
    edit = client.get(reverse("members:edit", args=[member.pk]))
    assert 'value="王芳"' in edit.content.decode()
    data = form_data(c, name="王芳芳", id_number="", phone="13900000002", committees=[])
    data["version"] = member.version
    response = client.post(reverse("members:edit", args=[member.pk]), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "王芳芳"
    assert member.version == 2
    assert seat_of(member, c.term).committees.count() == 0
    event = Event.objects.get(verb="member.update")
    changed = event.data["changed"]
    assert changed["name"] == ["王芳", "王芳芳"]
    assert changed["phone"] == ["139****0001", "139****0002"]
    assert changed["committees"] == ["经济委员会", ""]
    assert "13900000002" not in str(event.data)
    detail = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "修改委员信息" in detail and "王芳 → 王芳芳" in detail


def test_it_refuses_a_stale_edit_without_losing_the_input(client):
    c = committee()
    member = c.member("王芳", id_number="")
    client.force_login(c.clerk)
    loaded_version = member.version
    # Someone else saves first.
    other = form_data(c, name="王芳华", id_number="")
    other["version"] = loaded_version
    assert client.post(reverse("members:edit", args=[member.pk]), other).status_code == 302
    mine = form_data(c, name="王芳", id_number="", employer="我刚填写的新单位")
    mine["version"] = loaded_version
    response = client.post(reverse("members:edit", args=[member.pk]), mine)
    assert response.status_code == 400  # like every other refused edit
    body = response.content.decode()
    assert "已在其他窗口或由他人修改" in body
    assert "我刚填写的新单位" in body
    assert response.context["form"]["name"].value() == "王芳"
    member.refresh_from_db()
    assert member.name == "王芳华"
    assert member.employer != "我刚填写的新单位"
    assert Event.objects.filter(verb="member.update").count() == 1


def test_it_answers_404_for_editing_another_districts_member(client):
    a, b = committee("甲区政协"), committee("乙区政协")
    theirs = b.member("李乙")
    client.force_login(a.clerk)
    assert client.get(reverse("members:edit", args=[theirs.pk])).status_code == 404


def test_it_gives_a_seat_in_the_current_term_when_editing_a_former_member(client):
    c = committee()
    from ..factories import MemberFactory, seat

    member = MemberFactory(organisation=c.org, name="王往届", id_number="")
    seat(member, c.org.terms.get(number=14))
    client.force_login(c.clerk)
    data = form_data(c, name="王往届", id_number="")
    data["version"] = member.version
    assert client.post(reverse("members:edit", args=[member.pk]), data).status_code == 302
    assert Membership.objects.filter(member=member).count() == 2


def test_it_answers_400_to_a_refused_edit_and_keeps_the_input(client):
    c = committee()
    member = c.member("王芳", id_number="")
    client.force_login(c.clerk)
    data = form_data(c, name="Alice", id_number="", employer="我刚填写的新单位")
    data["version"] = member.version
    response = client.post(reverse("members:edit", args=[member.pk]), data)
    assert response.status_code == 400
    assert "我刚填写的新单位" in response.content.decode()
    assert client.get(reverse("members:edit", args=[member.pk])).status_code == 200
