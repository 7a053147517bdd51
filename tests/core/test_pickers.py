"""The search-as-you-type pickers' server side: the pinyin on each option, and the official
order of the departments that the office sets and every department picker follows."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import DepartmentFactory, user_with_role
from tests.proposals.conftest import World, accepted
from xieshang.core.models import Event
from xieshang.core.widgets import pinyin_search_text
from xieshang.orgs.models import Department, Role


def options(html: str, select_id: str) -> list[tuple[str, str]]:
    """(text, data-pinyin) of each option of one select in a page."""
    block = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert block, f"no select #{select_id}"
    found = []
    for attrs, text in re.findall(r"<option([^>]*)>(.*?)</option>", block.group(1), re.S):
        pinyin = re.search(r'data-pinyin="([^"]*)"', attrs)
        found.append((text.strip(), pinyin.group(1) if pinyin else ""))
    return found


def test_the_pinyin_text_has_full_pinyin_and_initials():
    assert pinyin_search_text("市财政局") == "shicaizhengju sczj"
    # Letters and digits stay, spaces and punctuation go.
    assert pinyin_search_text("A区 · 2号楼") == "aqu2haolou aq2hl"
    assert pinyin_search_text("——") == ""


def assign_picker(client, world, **params) -> list[str]:
    """The units the assignment pickers offer, in their order (no proposal given: no
    suggestion comes first)."""
    url = reverse("picker", args=["assign-departments"])
    found = client.get(url, {"organisation": world.district.pk, **params}).json()
    return [row["text"] for row in found["results"]]


@pytest.mark.django_db
def test_the_assignment_pickers_find_a_department_by_its_pinyin(client):
    world = World()
    DepartmentFactory(organisation=world.district, name="区财政局")
    proposal = accepted(world)
    client.force_login(world.reviewer)
    html = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    # The page lists none of them: they are searched on the server, pinyin included.
    assert options(html, "id_assign-lead") == [("（无）", "")]
    assert options(html, "id_assign-others") == []
    assert assign_picker(client, world, q="qczj") == ["区财政局"]
    assert assign_picker(client, world, q="qujiaoyu") == ["区教育局"]


@pytest.mark.django_db
def test_the_cosigner_picker_lists_members_in_surname_stroke_order(client):
    world = World()
    client.force_login(world.user("zhang"))
    found = client.get("/pickers/proposal-cosigners/").json()["results"]
    # 王 has 4 strokes, 李 7: the official order, not the code-point one (李 < 王).
    assert [row["text"] for row in found] == ["王建国（示范区政协）", "李明（示范区政协）"]


def _order_page(client, org=None):
    url = reverse("department_order") + (f"?org={org.pk}" if org else "")
    return client.get(url)


def _positions(response) -> dict[str, str]:
    html = response.content.decode()
    rows = re.findall(
        r'<input type="number" name="pos-(\d+)" value="(\d+)"[^>]*>.*?<label[^>]*>([^<]+)</label>',
        html,
        re.S,
    )
    return {name: (pk, value) for pk, value, name in rows}


@pytest.mark.django_db
def test_the_office_reorders_departments_and_the_assignment_picker_follows():
    world = World()
    finance = DepartmentFactory(organisation=world.district, name="区财政局")
    proposal = accepted(world)
    office = Client()
    office.force_login(world.office)

    page = _order_page(office)
    assert page.status_code == 200
    positions = _positions(page)
    assert set(positions) == {"区住房和城乡建设局", "区教育局", "区财政局"}

    # 区财政局 typed as number 1: it goes first, the others shift down.
    data = {"org": world.district.pk}
    data.update({f"pos-{pk}": value for pk, value in positions.values()})
    data[f"pos-{finance.pk}"] = "1"
    response = office.post(reverse("department_order"), data)
    assert response.status_code == 302
    order = list(
        Department.objects.filter(organisation=world.district).values_list("name", flat=True)
    )
    assert order == ["区财政局", "区住房和城乡建设局", "区教育局"]
    event = Event.objects.get(verb="org.department_order")
    assert event.actor == world.office
    assert event.data["to"] == order

    # One step down with the ↓ button.
    office.post(
        reverse("department_order"), {"org": world.district.pk, "move": f"{finance.pk}:down"}
    )
    assert list(_positions(_order_page(office))) == ["区住房和城乡建设局", "区财政局", "区教育局"]

    reviewer = Client()
    reviewer.force_login(world.reviewer)
    assert reviewer.get(reverse("proposals:detail", args=[proposal.pk])).status_code == 200
    assert assign_picker(reviewer, world) == ["区住房和城乡建设局", "区财政局", "区教育局"]


@pytest.mark.django_db
def test_a_bad_number_is_shown_and_nothing_moves():
    world = World()
    office = Client()
    office.force_login(world.office)
    positions = _positions(_order_page(office))
    data = {f"pos-{pk}": value for pk, value in positions.values()}
    data[f"pos-{world.education.pk}"] = "0"
    response = office.post(reverse("department_order"), data)
    assert response.status_code == 400
    assert "序号须为 1 到 9999 之间的整数" in response.content.decode()
    assert not Event.objects.filter(verb="org.department_order").exists()


@pytest.mark.django_db
def test_only_the_office_and_the_system_administrator_set_the_order():
    world = World()
    sysadmin = user_with_role(Role.SYSTEM_ADMIN, world.district)
    for user, status in [(world.reviewer, 403), (world.user("zhang"), 403), (sysadmin, 200)]:
        c = Client()
        c.force_login(user)
        assert _order_page(c).status_code == status, user
    # A move posted by someone else changes nothing.
    c = Client()
    c.force_login(world.reviewer)
    c.post(reverse("department_order"), {"move": f"{world.education.pk}:up"})
    assert not Event.objects.filter(verb="org.department_order").exists()


@pytest.mark.django_db
def test_the_office_of_another_district_never_sees_these_departments():
    world = World()
    other_office = user_with_role(Role.OFFICE, world.other_district)
    DepartmentFactory(organisation=world.other_district, name="另一区财政局")
    c = Client()
    c.force_login(other_office)
    # Asking for this district's departments shows the office's own instead.
    page = _order_page(c, org=world.district)
    assert list(_positions(page)) == ["另一区财政局"]
    c.post(
        reverse("department_order"), {"org": world.district.pk, "move": f"{world.education.pk}:up"}
    )
    assert list(
        Department.objects.filter(organisation=world.district).values_list("name", flat=True)
    ) == [
        "区住房和城乡建设局",
        "区教育局",
    ]


@pytest.mark.django_db
def test_a_city_office_orders_its_own_units_and_a_districts_office_the_districts():
    """The official order is each committee's own: a city office that asks for a district's
    list is shown its own (the district's office orders the district's units)."""
    world = World()
    city_office = user_with_role(Role.OFFICE, world.city)
    DepartmentFactory(organisation=world.city, name="市财政局")
    c = Client()
    c.force_login(city_office)
    assert list(_positions(_order_page(c))) == ["市财政局"]
    assert list(_positions(_order_page(c, org=world.district))) == ["市财政局"]
    c.force_login(user_with_role(Role.OFFICE, world.district))
    assert set(_positions(_order_page(c))) == {"区住房和城乡建设局", "区教育局"}


@pytest.mark.django_db
def test_the_assignment_board_offers_departments_in_official_order_with_pinyin(client):
    """The board's rows carry no option lists (issue 14): each picker asks the server, which
    answers in the official order and finds a unit by its pinyin initials."""
    world = World()
    DepartmentFactory(organisation=world.district, name="区财政局", sort_order=1)
    world.housing.sort_order, world.education.sort_order = 3, 2
    Department.objects.bulk_update([world.housing, world.education], ["sort_order"])
    proposal = accepted(world)
    client.force_login(world.reviewer)
    html = client.get(reverse("proposals:board")).content.decode()
    assert options(html, f"lead-{proposal.pk}") == [("（不交办）", "")]
    assert options(html, f"others-{proposal.pk}") == []
    select = re.search(rf'<select[^>]*id="lead-{proposal.pk}"[^>]*>', html).group(0)
    source = unescape(re.search(r'data-picker-source="([^"]+)"', select).group(1))
    found = client.get(f"{source}&q=区").json()["results"]
    assert [r["text"] for r in found] == ["区财政局", "区教育局", "区住房和城乡建设局"]
    found = client.get(f"{source}&q=qczj").json()["results"]
    assert [r["text"] for r in found] == ["区财政局"]


@pytest.mark.django_db
def test_a_level_without_units_of_its_own_shows_no_save_button(client):
    """A city committee whose units all sit in its districts: an empty list, not two
    保存序号 buttons with nothing to save."""
    from tests.factories import make_org
    from xieshang.orgs.models import Level

    city = make_org("江城市政协", Level.CITY)
    client.force_login(user_with_role(Role.OFFICE, city))
    page = client.get(reverse("department_order"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "本级还没有承办单位" in body and "保存序号" not in body
