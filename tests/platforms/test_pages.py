"""C2.10 staff and public pages: who sees what, forms, fixed query counts, scrubbed output."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import user_with_role
from tests.platforms.conftest import hold, make_platform, make_session
from xieshang.core.models import Event
from xieshang.duty.models import DutyRecord
from xieshang.orgs.models import Role
from xieshang.platforms import services
from xieshang.platforms.models import Platform, PlatformSession

S = PlatformSession.Status


def _published(world, platform=None):
    platform = platform or make_platform(world)
    services.platform_assign(platform=platform, actor=world["office"], member=world["member"])
    session = make_session(world, platform)
    hold(world, session, attendance={world["member"]: "present"})
    services.session_approve(session=session, actor=world["office"])
    return session


@pytest.mark.clause("C2.10")
def test_another_district_sees_none_of_it(client, world):
    platform = make_platform(world)
    session = make_session(world, platform)
    client.force_login(world["other_office"])
    for url in (
        f"/platforms/{platform.pk}/",
        f"/platforms/{platform.pk}/edit/",
        f"/platforms/sessions/{session.pk}/",
        f"/platforms/sessions/{session.pk}/record/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/platforms/{platform.pk}/status/", {"to": "suspended"}).status_code == 404
    html = client.get("/platforms/").content.decode()
    assert platform.name not in html
    html = client.get("/platforms/coverage/").content.decode()
    assert "城关街道" not in html
    platform.refresh_from_db()
    assert platform.status == "running"


@pytest.mark.clause("C2.10")
def test_a_member_sees_only_the_platforms_assigned_to(client, world):
    mine = make_platform(world, name="我的议事室")
    other = make_platform(world, organisation=world["other_street"], name="别人的议事室")
    services.platform_assign(platform=mine, actor=world["office"], member=world["member"])
    client.force_login(world["member"].user)
    html = client.get("/platforms/").content.decode()
    assert "我的议事室" in html and "别人的议事室" not in html
    assert client.get(f"/platforms/{mine.pk}/").status_code == 200
    assert client.get(f"/platforms/{other.pk}/").status_code == 404
    # Seeing is not managing.
    assert client.get(f"/platforms/{mine.pk}/edit/").status_code == 404
    assert client.get("/platforms/coverage/").status_code == 403
    # A member assigned nowhere gets nothing.
    client.force_login(world["other_member"].user)
    assert client.get("/platforms/").status_code == 403


@pytest.mark.clause("C2.10")
def test_the_chair_reads_the_register_and_sessions_and_manages_none_of_them(client, world):
    """The chair reads residents' issues of the committee and below; the platforms they
    are raised on too (the register, the sessions' record), without editing anything."""
    platform = make_platform(world, name="城关议事室")
    far = services.platform_create(
        organisation=world["far_street"],
        actor=world["other_office"],
        name="邻区议事室",
        status="running",
        on=dt.date(timezone.localdate().year - 1, 1, 1),
    )
    session = make_session(world, platform)
    hold(world, session)
    client.force_login(world["chair"])
    response = client.get("/platforms/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "城关议事室" in html and "邻区议事室" not in html
    assert 'href="/platforms/new/"' not in html
    assert 'href="/residents/"' in html  # the menu leads to the issues they read too
    assert client.get(f"/platforms/{platform.pk}/").status_code == 200
    assert client.get(f"/platforms/{far.pk}/").status_code == 404
    assert client.get("/platforms/sessions/").status_code == 200
    html = client.get(f"/platforms/sessions/{session.pk}/").content.decode()
    assert "审定并公开" not in html and "138****5678" in html
    assert client.get(f"/platforms/{platform.pk}/edit/").status_code in (403, 404)
    response = client.post(f"/platforms/sessions/{session.pk}/approve/", {"note": ""})
    assert response.status_code in (403, 404)
    session.refresh_from_db()
    assert session.status == "held"


@pytest.mark.clause("C2.10")
def test_a_city_office_reads_a_districts_platforms_and_manages_none_of_them(client, world):
    platform = make_platform(world, name="城关议事室")
    session = make_session(world, platform)
    hold(world, session)
    client.force_login(user_with_role(Role.OFFICE, world["city"], full_name="市政协办"))
    assert "城关议事室" in client.get("/platforms/").content.decode()
    assert client.get(f"/platforms/{platform.pk}/").status_code == 200
    html = client.get(f"/platforms/sessions/{session.pk}/?numbers=1").content.decode()
    assert "138****5678" in html and "13812345678" not in html
    assert "审定并公开" not in html and "显示完整内容" not in html
    assert client.get(f"/platforms/{platform.pk}/edit/").status_code in (403, 404)
    response = client.post(f"/platforms/sessions/{session.pk}/approve/", {"note": ""})
    assert response.status_code in (403, 404)
    session.refresh_from_db()
    assert session.status == "held"


@pytest.mark.clause("C2.10")
def test_the_liaison_registers_plans_records_and_the_convener_publishes(client, world):
    client.force_login(world["liaison"])
    response = client.post(
        "/platforms/new/",
        {
            "organisation": world["street"].pk,
            "name": "城关街道议事室",
            "place": "党群服务中心",
            "convener": world["liaison"].pk,
            "liaison_room": world["room"].pk,
            "status": "running",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    platform = Platform.objects.get()
    client.post(f"/platforms/{platform.pk}/assign/", {"member": world["member"].pk})
    assert platform.assignments.count() == 0  # not serving: the form offers active members
    services.platform_assign(platform=platform, actor=world["office"], member=world["member"])
    # Held earlier today: the platform was set up today, and a session before that day is
    # refused (three hours back is yesterday between midnight and 3 a.m. Beijing time).
    now = timezone.localtime()
    starts = max(now - dt.timedelta(hours=3), now.replace(hour=0, minute=0, second=0))
    response = client.post(
        f"/platforms/{platform.pk}/sessions/new/",
        {"title": "关于停车难的议事会", "starts_at": starts.strftime("%Y-%m-%dT%H:%M")},
    )
    session = PlatformSession.objects.get()
    assert response.status_code == 302
    url = f"/platforms/sessions/{session.pk}/record/"
    assert "张委员" in client.get(url).content.decode()
    data = {
        "version": session.version,
        "minutes": "议定增设停车位。",
        "outcomes": "增设停车位20个｜社区居委会\n\n错峰共享机关车位",
        "resident_count": 6,
        "department_count": 1,
        "cadre_count": 2,
        f"att_{world['member'].pk}": "present",
    }
    assert client.post(url, data).status_code == 302
    session.refresh_from_db()
    assert session.status == S.HELD
    assert [(o.text, o.responsible) for o in session.outcomes.all()] == [
        ("增设停车位20个", "社区居委会"),
        ("错峰共享机关车位", ""),
    ]
    assert DutyRecord.objects.filter(member=world["member"]).count() == 1
    # Posting the old version again is refused and keeps what was typed.
    response = client.post(url, data)
    assert response.status_code == 400 and "已在其他窗口或由他人修改" in response.content.decode()
    # The refused form carries the record's current version, to save over it on purpose.
    assert f'name="version" value="{session.version}"' in response.content.decode()
    response = client.post(f"/platforms/sessions/{session.pk}/approve/", {"note": ""})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == S.PUBLISHED
    assert "关于停车难的议事会" in client.get("/portal/platforms/").content.decode()


@pytest.mark.clause("C2.10")
def test_published_outcomes_reach_the_portal_without_personal_details(client, world):
    session = _published(world)
    unpublished = make_session(world, session.platform, title="待审定的议事会")
    hold(world, unpublished)
    html = client.get(f"/portal/platforms/outcomes/{session.pk}/").content.decode()
    assert "按楼层分摊费用" in html
    for secret in ("王秀英", "李建国", "13812345678", "张委员", "王书记"):
        assert secret not in html, secret
    assert "居民代表5人" in html and "政协委员1人" in html
    assert client.get(f"/portal/platforms/outcomes/{unpublished.pk}/").status_code == 404
    listing = client.get("/portal/platforms/outcomes/").content.decode()
    assert session.title in listing and "待审定的议事会" not in listing
    street = client.get(f"/portal/platforms/streets/{world['street'].pk}/").content.decode()
    assert "城关街道协商议事室" in street and session.title in street
    assert client.get(f"/portal/platforms/streets/{world['district'].pk}/").status_code == 404


@pytest.mark.clause("C2.10")
def test_numbers_typed_into_the_record_are_masked_and_shown_whole_only_by_a_logged_look(
    client, world
):
    platform = make_platform(world)
    services.platform_assign(platform=platform, actor=world["office"], member=world["member"])
    session = make_session(world, platform)
    hold(world, session, outcomes=[("物业联系人电话13987654321", "社区居委会")])
    url = f"/platforms/sessions/{session.pk}/"
    # An assigned member reads the record with the numbers masked, and cannot unmask them.
    client.force_login(world["member"].user)
    html = client.get(url).content.decode()
    assert "138****5678" in html and "139****4321" in html
    assert "13812345678" not in client.get(url + "?numbers=1").content.decode()
    assert "13987654321" not in html and "显示完整内容" not in html
    # The office shows them whole, and the look is logged.
    client.force_login(world["office"])
    html = client.get(url).content.decode()
    assert "13812345678" not in html and "显示完整内容" in html
    assert not Event.objects.filter(verb="pii.view").exists()
    html = client.get(url + "?numbers=1").content.decode()
    assert "13812345678" in html and "13987654321" in html
    event = Event.objects.get(verb="pii.view")
    assert event.actor == world["office"] and event.data["fields"] == ["minutes", "outcomes"]


@pytest.mark.clause("C2.10")
def test_upcoming_sessions_show_on_the_portal_and_planned_platforms_do_not(client, world):
    platform = make_platform(world)
    make_platform(world, organisation=world["other_street"], status="planned", name="筹建议事室")
    make_session(world, platform, days_ago=-4, title="下周的议事会")
    html = client.get("/portal/platforms/").content.decode()
    assert "下周的议事会" in html and "筹建议事室" not in html


@pytest.mark.parametrize("rows", [3, 30])
def test_the_register_runs_a_fixed_number_of_queries(
    client, world, rows, django_assert_num_queries
):
    for i in range(rows):
        platform = make_platform(world, name=f"议事室{i}")
        services.platform_assign(platform=platform, actor=world["office"], member=world["member"])
        make_session(world, platform)
    client.force_login(world["office"])
    client.get("/platforms/")
    # The street filter lists no streets (a server-searched picker): one query fewer.
    with django_assert_num_queries(8):
        response = client.get("/platforms/")
    assert response.content.decode().count("议事室") >= min(rows, 30)


@pytest.mark.parametrize("rows", [3, 30])
def test_the_session_list_runs_a_fixed_number_of_queries(
    client, world, rows, django_assert_num_queries
):
    platform = make_platform(world)
    for i in range(rows):
        make_session(world, platform, title=f"议事会{i}")
    client.force_login(world["liaison"])
    client.get("/platforms/sessions/")
    with django_assert_num_queries(7):
        client.get("/platforms/sessions/")


@pytest.mark.parametrize("rows", [3, 30])
def test_the_public_pages_run_a_fixed_number_of_queries(
    client, world, rows, django_assert_num_queries
):
    platform = make_platform(world)
    for i in range(rows):
        session = make_session(world, platform, title=f"议事会{i}")
        hold(world, session)
        services.session_approve(session=session, actor=world["office"])
    client.get("/portal/platforms/")
    with django_assert_num_queries(3):
        client.get("/portal/platforms/")
    with django_assert_num_queries(2):
        client.get("/portal/platforms/outcomes/")


def test_a_filter_the_form_refuses_answers_400(client, world):
    client.force_login(world["office"])
    assert client.get("/platforms/?status=nonsense").status_code == 400
    assert client.get("/platforms/?year=abc").status_code == 400
    assert client.get("/platforms/sessions/?status=nonsense").status_code == 400


def test_the_home_card_shows_outcomes_waiting_for_the_convener(client, world):
    platform = make_platform(world, convener=world["liaison"])
    hold(world, make_session(world, platform))
    client.force_login(world["liaison"])
    html = client.get("/").content.decode()
    assert "协商议事平台" in html and "/platforms/" in html
