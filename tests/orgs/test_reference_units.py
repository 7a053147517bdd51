"""基础数据 · 承办单位、界别、专门委员会: added, renamed and (units) put out of use through
the pages by the office or the system administrator; duplicates and stale edits refused
with the input kept; every change audited; others refused."""

import pytest
from django.urls import reverse

from tests.factories import (
    CommitteeFactory,
    DepartmentFactory,
    SectorFactory,
    make_org,
    user_with_role,
)
from xieshang.core.models import Event
from xieshang.orgs.models import Committee, Department, Level, Role, Sector


@pytest.fixture
def east(db):
    city = make_org("示范市政协", Level.CITY)
    return make_org("东区政协", Level.DISTRICT, parent=city)


@pytest.fixture
def office(east):
    return user_with_role(Role.OFFICE, east)


def list_url(org, kind):
    return reverse(f"orgs:{kind}", args=[org.pk])


def edit_url(kind, pk):
    return reverse(f"orgs:{kind[:-1]}_edit", args=[pk])


def test_office_adds_a_unit_and_a_duplicate_name_is_refused(client, east, office):
    DepartmentFactory(organisation=east, name="区教育局", sort_order=4)
    client.force_login(office)
    data = {"name": "区卫健委", "phone": "0571-1234567", "leader_name": "王五"}
    assert client.post(list_url(east, "departments"), data).status_code == 302
    unit = Department.objects.get(organisation=east, name="区卫健委")
    assert unit.is_active and unit.phone == "0571-1234567" and unit.sort_order == 5
    event = Event.objects.get(verb="org.department_create")
    assert event.actor == office and "王五" in event.to_state

    response = client.post(
        list_url(east, "departments"), {"name": " 区教育局 ", "phone": "110", "leader_name": "李四"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "本政协已有名为“区教育局”的承办单位" in body
    assert 'value="李四"' in body
    assert Department.objects.filter(organisation=east).count() == 2


def test_a_unit_edit_is_audited_and_a_stale_one_refused_keeping_the_input(client, east, office):
    unit = DepartmentFactory(organisation=east, name="区教育局", phone="111", leader_name="")
    DepartmentFactory(organisation=east, name="区民政局")
    client.force_login(office)
    page = client.get(edit_url("departments", unit.pk)).content.decode()
    assert 'name="was_name" value="区教育局"' in page
    shown = {"was_name": "区教育局", "was_phone": "111", "was_leader_name": ""}
    response = client.post(
        edit_url("departments", unit.pk),
        {"name": "区教育局", "phone": "222", "leader_name": "赵六", **shown},
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.phone == "222" and unit.leader_name == "赵六"
    event = Event.objects.get(verb="org.department_update")
    assert "111" in event.from_state and "222" in event.to_state

    # Renaming onto another unit's name is refused.
    fresh = {"was_name": "区教育局", "was_phone": "222", "was_leader_name": "赵六"}
    response = client.post(
        edit_url("departments", unit.pk),
        {"name": "区民政局", "phone": "222", "leader_name": "赵六", **fresh},
    )
    assert response.status_code == 400 and "已有名为“区民政局”" in response.content.decode()

    # The page opened before that save: refused, what was typed kept.
    response = client.post(
        edit_url("departments", unit.pk),
        {"name": "区教育和体育局", "phone": "333", "leader_name": "", **shown},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "已在其他窗口或由他人修改" in body and 'value="区教育和体育局"' in body
    unit.refresh_from_db()
    assert unit.name == "区教育局" and unit.phone == "222"


def test_a_deactivated_unit_is_not_offered_and_can_come_back(client, east, office):
    from xieshang.proposals.selectors import assignable_departments

    unit = DepartmentFactory(organisation=east, name="区教育局")
    committee = user_with_role(Role.PROPOSAL_COMMITTEE, east)
    assert unit in assignable_departments(committee)
    client.force_login(office)
    toggle = reverse("orgs:department_active", args=[unit.pk])
    assert client.post(toggle, {"active": "0"}).status_code == 302
    unit.refresh_from_db()
    assert not unit.is_active
    assert unit not in assignable_departments(committee)
    assert "已停用" in client.get(list_url(east, "departments")).content.decode()
    assert Event.objects.filter(verb="org.department_deactivate", actor=office).count() == 1
    assert client.post(toggle, {"active": "1"}).status_code == 302
    unit.refresh_from_db()
    assert unit.is_active and unit in assignable_departments(committee)
    assert Event.objects.filter(verb="org.department_activate").count() == 1


@pytest.mark.parametrize(
    ("kind", "model", "factory", "extra"),
    [
        ("sectors", Sector, SectorFactory, {}),
        ("committees", Committee, CommitteeFactory, {"kind": "special"}),
    ],
)
def test_sectors_and_committees_are_added_renamed_and_kept_unique(
    client, east, office, kind, model, factory, extra
):
    factory(organisation=east, name="经济界", sort_order=1)
    client.force_login(office)
    response = client.post(list_url(east, kind), {"name": "经济界", "sort_order": "", **extra})
    assert response.status_code == 400
    assert "本政协已有名为“经济界”的" in response.content.decode()
    response = client.post(list_url(east, kind), {"name": "农业界", "sort_order": "", **extra})
    assert response.status_code == 302
    added = model.objects.get(organisation=east, name="农业界")
    assert added.sort_order == 2
    assert Event.objects.filter(verb=f"org.{kind[:-1]}_create").count() == 1

    shown = {"was_name": "农业界", "was_sort_order": "2"}
    if extra:
        shown["was_kind"] = "special"
    response = client.post(
        edit_url(kind, added.pk), {"name": "农业和农村界", "sort_order": "0", **extra, **shown}
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.name == "农业和农村界" and added.sort_order == 0
    event = Event.objects.get(verb=f"org.{kind[:-1]}_update")
    assert "农业界" in event.from_state and "农业和农村界" in event.to_state
    page = client.get(list_url(east, kind)).content.decode()
    assert page.index("农业和农村界") < page.index("经济界")

    response = client.post(
        edit_url(kind, added.pk), {"name": "农林界", "sort_order": "0", **extra, **shown}
    )
    assert response.status_code == 400
    assert "已在其他窗口或由他人修改" in response.content.decode()


@pytest.mark.parametrize("who", ["member", "department", "other_office"])
def test_others_may_not_change_units_sectors_or_committees(client, east, who):
    unit = DepartmentFactory(organisation=east, name="区教育局")
    sector = SectorFactory(organisation=east, name="经济界")
    if who == "member":
        user = user_with_role(Role.MEMBER, east)
    elif who == "department":
        user = user_with_role(Role.DEPARTMENT, east, department=unit)
    else:
        west = make_org("西区政协", Level.DISTRICT, parent=east.parent)
        user = user_with_role(Role.OFFICE, west)
    client.force_login(user)
    for kind in ("departments", "sectors", "committees"):
        assert client.get(list_url(east, kind)).status_code in (403, 404)
        assert client.post(list_url(east, kind), {"name": "新的"}).status_code in (403, 404)
    data = {"name": "改名", "phone": "", "leader_name": "", "sort_order": "1"}
    assert client.post(edit_url("departments", unit.pk), data).status_code in (403, 404)
    assert client.post(edit_url("sectors", sector.pk), data).status_code in (403, 404)
    toggle = reverse("orgs:department_active", args=[unit.pk])
    assert client.post(toggle, {"active": "0"}).status_code in (403, 404)
    unit.refresh_from_db()
    sector.refresh_from_db()
    assert unit.name == "区教育局" and unit.is_active and sector.name == "经济界"
    assert not Event.objects.filter(verb__regex=r"^org\.(department|sector|committee)_").exists()


def test_the_department_order_page_links_here(client, east, office):
    DepartmentFactory(organisation=east, name="区教育局")
    client.force_login(office)
    page = client.get(reverse("department_order") + f"?org={east.pk}").content.decode()
    assert list_url(east, "departments") in page
