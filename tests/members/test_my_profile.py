"""我的信息: a member reads their own record (the office's data, read-only) and keeps their
contact data up to date: validated as the office's form validates it, refused when the
record changed meanwhile (what was typed kept), audited with phone and address masked, and
the office of their committee told (docs/decisions.md, 2026-12-05)."""

import pytest
from django.urls import reverse

from xieshang.core.models import Event, Notification
from xieshang.members.models import Member
from xieshang.orgs.models import Role

from ..factories import user_with_role
from .factories import committee, valid_id

pytestmark = pytest.mark.django_db

URL = "/members/me/"
ID = valid_id("11010519800101002")


@pytest.fixture
def c():
    return committee()


@pytest.fixture
def me(c):
    user = user_with_role(Role.MEMBER, c.org, username="wangfang")
    member = c.member(
        "王芳",
        committees=[c.committee2],
        user=user,
        id_number=ID,
        phone="13912345678",
        email="wf@example.cn",
        address="示范区人民路100号3栋",
        employer="示范区第一中学教师",
        position="副主任",
    )
    return member


def form(member: Member, **overrides) -> dict:
    data = {
        "phone": member.phone,
        "email": member.email,
        "address": member.address,
        "employer": member.employer,
        "version": member.version,
    }
    data.update(overrides)
    return data


def test_the_member_menu_leads_to_my_profile_with_their_own_record(client, me):
    client.force_login(me.user)
    home = client.get("/").content.decode()
    assert f'href="{URL}"' in home and "我的信息" in home
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    # The office's data, read-only: who they are and their seat.
    for text in ("王芳", "示范区政协", "经济界", "教科卫体委员会", "无党派人士", "副主任"):
        assert text in html, text
    assert 'name="name"' not in html and 'name="sector"' not in html
    # The ID number masked even to its owner (the page is read on a phone in public).
    assert ID not in html and ID[:3] + "*" * 11 + ID[-4:] in html
    # The contact data in the form, as stored.
    for value in ("13912345678", "wf@example.cn", "示范区人民路100号3栋", "示范区第一中学教师"):
        assert f'value="{value}"' in html


def test_a_member_saves_their_contact_data_at_once_audited_masked_and_the_office_told(
    client, c, me
):
    other = committee("另一区政协")
    client.force_login(me.user)
    response = client.post(
        URL,
        form(
            me,
            phone="１３８ ０００ ０５６７８",  # full-width and blanks, as a phone keyboard types
            employer="示范区第一中学校长",
            address="示范区解放路8号",
        ),
    )
    assert response.status_code == 302 and response["Location"] == URL
    me.refresh_from_db()
    assert me.phone == "13800005678"
    assert me.employer == "示范区第一中学校长"
    assert me.address == "示范区解放路8号"
    assert me.email == "wf@example.cn"
    assert me.version == 2

    event = Event.objects.get(verb="member.self_update")
    assert event.actor == me.user and event.object_id == str(me.pk)
    assert event.data["changed"] == {
        "phone": ["139****5678", "138****5678"],
        "address": ["示范区人民路****", "示范区解放路****"],
        "employer": ["示范区第一中学教师", "示范区第一中学校长"],
    }
    raw = str(event.data) + event.note
    assert "13912345678" not in raw and "13800005678" not in raw

    told = Notification.objects.get(recipient=c.clerk)
    assert "王芳" in told.title and "联系方式" in told.title
    assert "手机号码：139****5678 → 138****5678" in told.body
    assert "工作单位及职务：示范区第一中学教师 → 示范区第一中学校长" in told.body
    assert "13800005678" not in told.body
    assert told.url == reverse("members:detail", args=[me.pk])
    assert not Notification.objects.filter(recipient=other.clerk).exists()

    # The office sees it in the member's history, masked as the audit keeps it.
    client.force_login(c.clerk)
    detail = client.get(reverse("members:detail", args=[me.pk])).content.decode()
    assert "委员修改本人联系方式" in detail and "139****5678 → 138****5678" in detail


def test_saving_nothing_new_writes_nothing(client, c, me):
    client.force_login(me.user)
    response = client.post(URL, form(me))
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.version == 1
    assert not Event.objects.filter(verb="member.self_update").exists()
    assert not Notification.objects.exists()


def test_a_wrong_phone_or_email_is_refused_with_what_was_typed_kept(client, me):
    client.force_login(me.user)
    response = client.post(
        URL, form(me, phone="1391234", email="wf@", employer="示范区第一中学校长")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "手机号码应为以1开头的11位数字。" in html
    assert 'value="1391234"' in html and 'value="wf@"' in html
    assert 'value="示范区第一中学校长"' in html
    me.refresh_from_db()
    assert me.phone == "13912345678" and me.employer == "示范区第一中学教师"
    assert not Event.objects.filter(verb="member.self_update").exists()


def test_the_phone_cannot_be_emptied(client, me):
    client.force_login(me.user)
    response = client.post(URL, form(me, phone=""))
    assert response.status_code == 400
    assert "请填写手机号码" in response.content.decode()
    me.refresh_from_db()
    assert me.phone == "13912345678"


def test_an_edit_made_meanwhile_by_the_office_is_not_overwritten(client, c, me):
    client.force_login(me.user)
    page = client.get(URL).content.decode()
    assert 'name="version" value="1"' in page
    # The office corrects the address while the member's form is open.
    Member.objects.filter(pk=me.pk).update(address="示范区人民路100号5栋", version=2)
    response = client.post(URL, form(me, version=1, employer="示范区第一中学校长"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "已在其他窗口或由他人修改" in html
    assert 'value="示范区第一中学校长"' in html  # the typing is kept
    me.refresh_from_db()
    assert me.address == "示范区人民路100号5栋" and me.employer == "示范区第一中学教师"
    assert not Event.objects.filter(verb="member.self_update").exists()


def test_only_the_contact_fields_can_be_changed(client, c, me):
    client.force_login(me.user)
    client.post(URL, form(me, name="李四", id_number="", phone="13800005678"))
    me.refresh_from_db()
    assert me.name == "王芳" and me.id_number == ID and me.phone == "13800005678"


def test_staff_without_a_member_record_and_anonymous_visitors_have_no_profile(client, c):
    client.force_login(c.clerk)
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"phone": "13800005678", "version": "1"}).status_code == 404
    home = client.get("/").content.decode()
    assert f'href="{URL}"' not in home
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_standing_member_whose_position_is_changwei_reads_it_once(client, c):
    """ "第十五届 · 常委 · 常委": the seat is standing and its position says so again."""
    user = user_with_role(Role.MEMBER, c.org, username="lisi")
    member = c.member("李四", user=user, is_standing=True, position="常委")
    client.force_login(user)
    html = client.get(URL).content.decode()
    heading = html.split(str(c.term), 1)[1].split("</h3>", 1)[0]
    assert heading.count("常委") == 1, heading
    # The office's page of the member reads it once too.
    client.force_login(c.clerk)
    html = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert html.split(str(c.term), 1)[1].split("</h3>", 1)[0].count("常委") == 1
    # Another position still follows 常委.
    c.member("王五", user=user_with_role(Role.MEMBER, c.org), is_standing=True, position="副主席")
    other = client.get(reverse("members:detail", args=[Member.objects.get(name="王五").pk]))
    assert " · 常委 · 副主席</h3>" in other.content.decode()
