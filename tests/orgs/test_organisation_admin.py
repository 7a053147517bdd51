"""The system administrator's 组织机构 page: a new organisation gets a code (typed, unique
among its siblings, or numbered after its parent's), an organisation is renamed or given
another code (audited from → to), and is closed (撤销, with a reason, once nothing open is
below it and no active account works in it) or reopened. Closed organisations keep their
records and are no longer offered for new organisations or roles."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_org, user_with_role
from xieshang.core.models import Event
from xieshang.orgs.models import Level, Organisation, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    city = make_org("江城市政协", Level.CITY)
    Organisation.objects.filter(pk=city.pk).update(code="9901")
    city.refresh_from_db()
    return make_org("东湖区政协", Level.DISTRICT, city)


@pytest.fixture
def sysadmin(client, district):
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, district))
    return client


def _add(client, name, parent, code="", level=Level.STREET):
    data = {"name": name, "level": level, "parent": parent.pk, "code": code}
    return client.post(reverse("organisations"), data)


def _edit(client, org, action, **fields):
    data = {"action": action} | {f"{action}-{k}": v for k, v in fields.items()}
    return client.post(reverse("organisation_edit", args=[org.pk]), data)


# --- Codes ----------------------------------------------------------------------------------


def test_a_new_organisation_is_numbered_after_its_parent_or_takes_the_code_typed(
    sysadmin, district
):
    assert district.code == "990101"  # numbered below the city's 9901
    assert _add(sysadmin, "城关街道", district).status_code == 302
    assert _add(sysadmin, "新华街道", district, code="990101009").status_code == 302
    assert _add(sysadmin, "湖滨街道", district).status_code == 302
    codes = dict(Organisation.objects.filter(parent=district).values_list("name", "code"))
    assert codes == {"城关街道": "990101001", "新华街道": "990101009", "湖滨街道": "990101010"}
    page = sysadmin.get(reverse("organisations")).content.decode()
    assert "990101009" in page


def test_a_code_a_sibling_has_is_refused_and_what_was_typed_stays(sysadmin, district):
    _add(sysadmin, "城关街道", district, code="990101001")
    refused = _add(sysadmin, "新华街道", district, code="990101001")
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "同一上级下已有代码为“990101001”的组织，请换一个代码。" in page
    assert 'value="新华街道"' in page and 'value="990101001"' in page
    assert not Organisation.objects.filter(name="新华街道").exists()
    # The same code below another parent is fine (codes are unique among siblings).
    street = Organisation.objects.get(name="城关街道")
    assert (
        _add(sysadmin, "城关社区", street, code="990101001", level=Level.COMMUNITY).status_code
        == 302
    )


# --- Renaming -------------------------------------------------------------------------------


def test_the_system_admin_renames_an_organisation_and_gives_it_a_code_audited(sysadmin, district):
    street = make_org("城关街道", Level.STREET, district)
    Organisation.objects.filter(pk=street.pk).update(code="")  # one made before codes
    response = _edit(sysadmin, street, "edit", name=" 城关镇 ", code="990101101")
    assert response.status_code == 302
    street.refresh_from_db()
    assert (street.name, street.code) == ("城关镇", "990101101")
    renamed = Event.objects.get(verb="org.rename", object_id=str(street.pk))
    assert (renamed.from_state, renamed.to_state) == ("城关街道", "城关镇")
    coded = Event.objects.get(verb="org.code", object_id=str(street.pk))
    assert (coded.from_state, coded.to_state) == ("", "990101101")
    # Saving the same values again changes and records nothing.
    _edit(sysadmin, street, "edit", name="城关镇", code="990101101")
    assert Event.objects.filter(verb__in=["org.rename", "org.code"]).count() == 2
    # The audit log reads the changes in words.
    auditor = Client()
    auditor.force_login(user_with_role(Role.AUDIT_ADMIN, district))
    page = auditor.get(reverse("audit_log")).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert "组织改名 城关街道→城关镇" in text and "修改组织代码 —→990101101" in text


def test_a_rename_to_a_siblings_name_is_refused_keeping_what_was_typed(sysadmin, district):
    make_org("新华街道", Level.STREET, district)
    street = make_org("城关街道", Level.STREET, district)
    refused = _edit(sysadmin, street, "edit", name="新华街道", code=street.code)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "“东湖区政协”下已有名为“新华街道”的组织，请换一个名称。" in page
    assert 'value="新华街道"' in page
    street.refresh_from_db()
    assert street.name == "城关街道"
    assert not Event.objects.filter(verb="org.rename").exists()


# --- Closing and reopening ------------------------------------------------------------------


def test_closing_needs_a_reason_and_nothing_open_below_and_no_active_account(sysadmin, district):
    street = make_org("城关街道", Level.STREET, district)
    community = make_org("城关社区", Level.COMMUNITY, street)
    convener = user_with_role(Role.LIAISON, street, full_name="联络员")

    refused = _edit(sysadmin, street, "close", reason=" ")
    assert refused.status_code == 400
    assert "请填写撤销原因" in refused.content.decode()

    refused = _edit(sysadmin, street, "close", reason="并入新华街道")
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "“城关街道”下还有 1 个在用的下级组织" in page
    assert "并入新华街道" in page  # the reason typed stays
    _edit(sysadmin, community, "close", reason="并入新华街道")
    community.refresh_from_db()
    assert not community.is_active

    refused = _edit(sysadmin, street, "close", reason="并入新华街道")
    # The system administrator cannot change accounts (三员分立): who does is said.
    assert "须先由安全管理员停用这些账号或撤销其角色" in refused.content.decode()
    convener.is_active = False
    convener.save(update_fields=["is_active"])

    assert _edit(sysadmin, street, "close", reason="并入新华街道").status_code == 302
    street.refresh_from_db()
    assert not street.is_active
    event = Event.objects.get(verb="org.close", object_id=str(street.pk))
    assert event.note == "并入新华街道"
    page = sysadmin.get(reverse("organisations")).content.decode()
    assert "已撤销" in page


def test_a_closed_organisation_is_not_offered_for_new_organisations_or_roles(
    sysadmin, client, district
):
    street = make_org("城关街道", Level.STREET, district)
    assert _edit(sysadmin, street, "close", reason="撤街设镇").status_code == 302

    refused = _add(sysadmin, "城关社区", street, level=Level.COMMUNITY)
    assert refused.status_code == 400
    assert not Organisation.objects.filter(name="城关社区").exists()
    scope = {"perm": "system.manage", "open": "1", "q": "城关"}
    assert sysadmin.get("/pickers/organisations/", scope).json()["results"] == []
    # Filters over past records still find it.
    scope.pop("open")
    found = sysadmin.get("/pickers/organisations/", scope).json()["results"]
    assert [row["text"] for row in found] == ["城关街道"]

    client.force_login(user_with_role(Role.SECURITY_ADMIN, district))
    data = {"username": "zhangsan", "full_name": "张三", "phone": "", "email": ""}
    data |= {"organisation": street.pk, "role": Role.LIAISON, "department": "", "committee": ""}
    refused = client.post(reverse("user_create"), data)
    assert refused.status_code == 400
    assert 'value="zhangsan"' in refused.content.decode()


def test_a_closed_organisation_is_reopened_from_the_top_down(sysadmin, district):
    street = make_org("城关街道", Level.STREET, district)
    community = make_org("城关社区", Level.COMMUNITY, street)
    _edit(sysadmin, community, "close", reason="撤销")
    _edit(sysadmin, street, "close", reason="撤销")

    refused = _edit(sysadmin, community, "reopen", reason="误操作")
    assert refused.status_code == 400
    assert "上级组织“城关街道”已撤销，请先恢复上级组织。" in refused.content.decode()
    assert _edit(sysadmin, street, "reopen", reason="误操作").status_code == 302
    assert _edit(sysadmin, community, "reopen").status_code == 302
    community.refresh_from_db()
    assert community.is_active
    assert Event.objects.filter(verb="org.reopen").count() == 2
    assert Event.objects.get(verb="org.reopen", object_id=str(street.pk)).note == "误操作"


# --- Who may -------------------------------------------------------------------------------


def test_only_the_system_administrator_of_the_organisation_edits_it(client, district):
    street = make_org("城关街道", Level.STREET, district)
    url = reverse("organisation_edit", args=[street.pk])
    for role in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.OFFICE):
        client.force_login(user_with_role(role, district))
        assert client.get(url).status_code == 403
        assert _edit(client, street, "close", reason="试一下").status_code == 403
    west = make_org("西山区政协", Level.DISTRICT, district.parent)
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, west))
    assert client.get(url).status_code == 404
    assert _edit(client, street, "edit", name="改掉", code="1").status_code == 404
    street.refresh_from_db()
    assert street.is_active and street.name == "城关街道"
    assert (
        not Event.objects.filter(verb__startswith="org.", object_id=str(street.pk))
        .exclude(verb="org.create")
        .exists()
    )


def test_the_organisation_page_reads_in_english(sysadmin, district):
    street = make_org("城关街道", Level.STREET, district)
    sysadmin.cookies["django_language"] = "en"
    page = sysadmin.get(reverse("organisation_edit", args=[street.pk])).content.decode()
    assert "Name and code" in page and "Reason for closing" in page
    assert "Close organisation" in page
    refused = _edit(sysadmin, district, "close", reason="merged")
    assert "still has 1 open organisation(s) below it" in refused.content.decode()
    _edit(sysadmin, street, "close", reason="merged")
    listing = sysadmin.get(reverse("organisations")).content.decode()
    assert ">Closed</span>" in listing


# --- Audited from → to, and two administrators at once ---------------------------------------


def _audit_text(district, **params) -> str:
    auditor = Client()
    auditor.force_login(user_with_role(Role.AUDIT_ADMIN, district))
    page = auditor.get(reverse("audit_log"), params).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))


def test_closing_and_reopening_are_audited_from_open_to_closed_and_back(sysadmin, district):
    street = make_org("城关街道", Level.STREET, district)
    assert _edit(sysadmin, street, "close", reason="撤街设镇").status_code == 302
    assert _edit(sysadmin, street, "reopen", reason="误操作").status_code == 302
    closed = Event.objects.get(verb="org.close", object_id=str(street.pk))
    reopened = Event.objects.get(verb="org.reopen", object_id=str(street.pk))
    assert (closed.from_state, closed.to_state) == ("active", "closed")
    assert (reopened.from_state, reopened.to_state) == ("closed", "active")
    text = _audit_text(district)
    assert "撤销组织 启用→撤销" in text and "恢复组织 撤销→启用" in text
    assert "active" not in text and "closed" not in text


def test_a_screening_term_switched_off_reads_in_words_in_the_audit_log(district):
    from xieshang.portal.models import ScreeningTerm
    from xieshang.portal.services import term_set_active

    office = user_with_role(Role.OFFICE, district)
    term = ScreeningTerm.objects.create(organisation=district, term="祖传秘方", created_by=office)
    term_set_active(actor=office, term=term, active=False)
    text = _audit_text(district)
    assert "停用筛查词 启用→已停用" in text
    assert "inactive" not in text


def test_the_second_of_two_administrators_saving_an_organisation_is_refused_keeping_the_typing(
    sysadmin, district
):
    street = make_org("城关街道", Level.STREET, district)
    other = Client()
    other.force_login(user_with_role(Role.SYSTEM_ADMIN, district, username="sys2"))
    page = sysadmin.get(reverse("organisation_edit", args=[street.pk])).content.decode()
    version = re.search(r'name="edit-version" value="(\d+)"', page).group(1)
    # The other administrator renames it first.
    assert (
        _edit(other, street, "edit", name="城关镇", code=street.code, version=version).status_code
        == 302
    )
    refused = _edit(sysadmin, street, "edit", name="城关新区", code="990101088", version=version)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "该记录在您打开此页后已在其他窗口或由他人修改并保存" in page
    assert 'value="城关新区"' in page and 'value="990101088"' in page
    street.refresh_from_db()
    assert (street.name, street.code) != ("城关新区", "990101088")
    assert street.name == "城关镇"
    # Having seen it, saving again on purpose replaces the other change.
    again = re.search(r'name="edit-version" value="(\d+)"', page).group(1)
    assert again != version
    saved = _edit(sysadmin, street, "edit", name="城关新区", code="990101088", version=again)
    assert saved.status_code == 302
    street.refresh_from_db()
    assert street.name == "城关新区"
