"""The platform pages search streets, communities and members on the server (issue 14): the
page lists none, the picker finds them within the user's area, and a choice from outside is
refused with what was typed kept."""

import re

import pytest

from tests.factories import MemberFactory, TermFactory, seat
from xieshang.platforms.models import Platform

from .conftest import make_platform


def ask(client, source, status=200, **params):
    response = client.get(f"/pickers/{source}/", params)
    assert response.status_code == status, response.status_code
    return [row["text"] for row in response.json()["results"]] if status == 200 else None


@pytest.mark.django_db
def test_the_platform_form_searches_the_liaisons_streets_and_communities(client, world):
    client.force_login(world["liaison"])
    page = client.get("/platforms/new/").content.decode()
    assert 'data-picker-source="/pickers/platform-organisations/"' in page
    assert sorted(ask(client, "platform-organisations")) == ["城关街道", "城关街道 · 花园社区"]
    assert ask(client, "platform-organisations", q="hysq") == ["城关街道 · 花园社区"]
    data = {
        "name": "城关街道议事室",
        "place": "党群服务中心",
        "convener_name": "王书记",
        "status": "running",
    }
    response = client.post("/platforms/new/", {**data, "organisation": world["far_street"].pk})
    assert response.status_code in {200, 400}
    page = response.content.decode()
    assert "选择一个有效的选项" in page and "党群服务中心" in page and "邻区街道" not in page
    assert not Platform.objects.exists()
    response = client.post("/platforms/new/", {**data, "organisation__q": "花园社区"})
    assert response.status_code == 302
    assert Platform.objects.get().organisation == world["community"]


@pytest.mark.django_db
def test_the_assign_form_searches_the_serving_members_above_the_platform(client, world):
    term = TermFactory(organisation=world["district"])
    serving = MemberFactory(organisation=world["district"], name="赵委员")
    seat(serving, term)
    far = MemberFactory(organisation=world["other_district"], name="邻区委员")
    seat(far, TermFactory(organisation=world["other_district"]))
    platform = make_platform(world)
    client.force_login(world["office"])
    page = client.get(f"/platforms/{platform.pk}/").content.decode()
    assert f'data-picker-source="/pickers/platform-members/?platform={platform.pk}"' in page
    assert "赵委员" not in page
    found = ask(client, "platform-members", platform=platform.pk, q="zwy")
    assert found == ["赵委员（示范区政协）"]  # labelled with the committee: members of several
    assert ask(client, "platform-members", platform=platform.pk, q="邻区") == []
    client.force_login(world["other_office"])
    ask(client, "platform-members", status=404, platform=platform.pk)
    # A member of another district is refused with the note kept.
    client.force_login(world["office"])
    response = client.post(
        f"/platforms/{platform.pk}/assign/", {"member": far.pk, "note": "负责加装电梯"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "选择一个有效的选项" in page and "负责加装电梯" in page
    assert platform.assignments.count() == 0
    client.post(f"/platforms/{platform.pk}/assign/", {"member__q": "赵委员"})
    assert [a.member for a in platform.assignments.all()] == [serving]


@pytest.mark.django_db
def test_the_register_filters_by_a_street_searched_on_the_server(client, world):
    make_platform(world)
    make_platform(world, organisation=world["other_street"], name="东城议事室")
    client.force_login(world["office"])
    page = client.get("/platforms/").content.decode()
    select = page.split('<select name="street"', 1)[1].split("</select>", 1)[0]
    assert 'data-picker-source="/pickers/platform-streets/"' in select
    # The empty choice only, which a filter names "all".
    assert re.findall(r"<option[^>]*>([^<]*)</option>", select) == ["全部街道"]
    assert ask(client, "platform-streets", q="dcjd") == ["东城街道"]
    assert ask(client, "platform-streets", q="邻区") == []
    response = client.get("/platforms/", {"street": world["other_street"].pk})
    page = response.content.decode()
    assert response.status_code == 200 and "东城议事室" in page and "城关街道协商议事室" not in page
    assert f'<option value="{world["other_street"].pk}" selected>东城街道</option>' in page
    # Another district's street: refused, the other filters kept.
    response = client.get("/platforms/", {"street": world["far_street"].pk, "status": "running"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "选择一个有效的选项" in page and '<option value="running" selected>' in page
    client.force_login(world["member"].user)  # a member does not use the register
    ask(client, "platform-streets", status=403)


@pytest.mark.django_db
def test_the_platform_form_searches_the_areas_conveners_and_liaison_rooms(client, world):
    client.force_login(world["liaison"])
    page = client.get("/platforms/new/").content.decode()
    for name, source in (("convener", "platform-conveners"), ("liaison_room", "platform-rooms")):
        select = page.split(f'<select name="{name}"', 1)[1].split("</select>", 1)[0]
        assert f'data-picker-source="/pickers/{source}/"' in select
        assert select.count("<option") == 1  # the empty choice only
    assert ask(client, "platform-rooms", q="cgjd") == ["城关街道政协委员联络室"]
    assert ask(client, "platform-conveners", q="联络员") == ["城关联络员"]
    assert ask(client, "platform-conveners", q="邻区") == []
    data = {
        "organisation": world["street"].pk,
        "name": "城关街道议事室",
        "place": "党群服务中心",
        "status": "running",
    }
    response = client.post("/platforms/new/", {**data, "convener": world["other_liaison"].pk})
    page = response.content.decode()
    assert response.status_code == 400
    assert "选择一个有效的选项" in page and "党群服务中心" in page
    assert not Platform.objects.exists()
    response = client.post(
        "/platforms/new/",
        {**data, "convener__q": "城关联络员", "liaison_room": world["room"].pk},
    )
    assert response.status_code == 302
    platform = Platform.objects.get()
    assert (platform.convener, platform.liaison_room) == (world["liaison"], world["room"])
    # Editing: the picker asks about this platform, and only for those who manage it.
    page = client.get(f"/platforms/{platform.pk}/edit/").content.decode()
    assert f'data-picker-source="/pickers/platform-conveners/?platform={platform.pk}"' in page
    assert ask(client, "platform-conveners", platform=platform.pk, q="城关") == ["城关联络员"]
    client.force_login(world["other_office"])
    ask(client, "platform-conveners", status=404, platform=platform.pk)
