"""An issue's page searches the units to route to and the sessions on the server (issue 14),
as does the staff form its sessions: the pages list none, the pickers find what the form
accepts for a user who triages the issue (nobody else), and a choice from elsewhere is
refused with what was typed kept."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.residents.conftest import accepted
from xieshang.core.text import chinese_date
from xieshang.platforms.models import Platform, PlatformSession
from xieshang.residents.models import ResidentIssue


def ask(client, source, status=200, **params):
    response = client.get(f"/pickers/{source}/", params)
    assert response.status_code == status
    return [row["text"] for row in response.json()["results"]] if status == 200 else None


def select(page: str, action: str, name: str) -> str:
    form = re.search(rf'<form[^>]*action="[^"]*/{action}/".*?</form>', page, re.S).group(0)
    return re.search(rf'<select[^>]*name="{name}".*?</select>', form, re.S).group(0)


@pytest.fixture
def elsewhere(world):
    """A session of the neighbouring street's platform: never one of this issue's."""
    platform = Platform.objects.create(
        organisation=world["street2"],
        level="street",
        name="新华街道议事室",
        convener=world["convener"],
        status=Platform.Status.RUNNING,
    )
    return PlatformSession.objects.create(
        platform=platform,
        title="新华停车议事会",
        starts_at=timezone.now() + dt.timedelta(days=5),
    )


@pytest.mark.django_db
def test_the_issue_page_searches_units_and_sessions_on_the_server(client, world, elsewhere):
    issue, _code = accepted(world)
    # Received before the session held three days ago, so that it may be settled there.
    ResidentIssue.objects.filter(pk=issue.pk).update(
        created_at=timezone.now() - dt.timedelta(days=5)
    )
    client.force_login(world["liaison"])
    url = reverse("residents:detail", args=[issue.pk])
    page = client.get(url).content.decode()
    route = select(page, "route", "department")
    assert f'data-picker-source="/pickers/resident-route-departments/?issue={issue.pk}"' in route
    assert "区住房和城乡建设局" not in route
    # 列入议事会 offers only sessions not yet held, and asks no result (nothing to tell yet).
    session = select(page, "schedule", "session")
    assert (
        f'data-picker-source="/pickers/resident-issue-sessions/?issue={issue.pk}&amp;planned=1"'
        in session
    )
    assert "议事会" not in session
    assert 'id="id_schedule_result"' not in page and 'id="id_settle_result"' in page
    # What 转为协商议题 / 转为社情民意 ask is what the resident reads, and it says so.
    assert page.count("告知群众（选填）") == 2
    settle = select(page, "settle", "session")
    assert f'data-picker-source="/pickers/resident-issue-sessions/?issue={issue.pk}"' in settle

    assert ask(client, "resident-route-departments", issue=issue.pk, q="zhufang") == [
        "区住房和城乡建设局"
    ]
    assert ask(client, "resident-route-departments", issue=issue.pk, q="住建") == []  # 邻区住建局
    found = ask(client, "resident-issue-sessions", issue=issue.pk, planned="1", q="停车")
    assert len(found) == 1 and "小区停车议事会" in found[0]  # not 新华停车议事会
    # A session already held is offered to settle at, not to be put on; one not yet held
    # is not offered to settle at (registering a result there would only be refused).
    assert len(ask(client, "resident-issue-sessions", issue=issue.pk, q="电梯")) == 1
    assert ask(client, "resident-issue-sessions", issue=issue.pk, planned="1", q="电梯") == []
    assert ask(client, "resident-issue-sessions", issue=issue.pk, q="停车") == []
    # Someone who does not triage this issue learns nothing about it.
    client.force_login(world["liaison2"])
    ask(client, "resident-route-departments", 404, issue=issue.pk)
    ask(client, "resident-issue-sessions", 404, issue=issue.pk)

    client.force_login(world["liaison"])
    act = lambda action, data: client.post(  # noqa: E731
        reverse("residents:act", args=[issue.pk, action]), data
    )
    refused = act(
        "route", {"department": world["other_dept"].pk, "working_days": 7, "note": "请尽快处理"}
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "选择一个有效的选项" in page and "请尽快处理" in page and "邻区住建局" not in page
    refused = act("schedule", {"session": elsewhere.pk})
    assert refused.status_code == 400 and "选择一个有效的选项" in refused.content.decode()
    assert act("schedule", {"session": world["session"].pk}).status_code == 302
    issue.refresh_from_db()
    assert issue.session == world["session"]


@pytest.mark.django_db
def test_the_issue_is_routed_to_a_picked_unit(client, world):
    issue, _code = accepted(world)
    client.force_login(world["liaison"])
    response = client.post(
        reverse("residents:act", args=[issue.pk, "route"]),
        {"department": world["dept"].pk, "working_days": 7, "note": ""},
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == "routed" and issue.department == world["dept"]


@pytest.mark.django_db
def test_the_staff_form_searches_the_planned_sessions_of_the_users_area(client, world, elsewhere):
    client.force_login(world["liaison"])
    page = client.get(reverse("residents:create")).content.decode()
    block = re.search(r'<select[^>]*name="session".*?</select>', page, re.S).group(0)
    assert 'data-picker-source="/pickers/resident-staff-sessions/"' in block
    assert "议事会" not in block
    assert ask(client, "resident-staff-sessions", q="停车") == [
        f"东门社区议事厅 · {chinese_date(world['session'].starts_at)} · 小区停车议事会"
    ]  # not the neighbouring street's, nor the session already held
    data = {
        "organisation": world["community"].pk,
        "channel": "in_person",
        "title": "菜市场周边占道经营",
        "description": "早市时段占道严重。",
    }
    refused = client.post(reverse("residents:create"), {**data, "session": elsewhere.pk})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "选择一个有效的选项" in page and "菜市场周边占道经营" in page
    assert not ResidentIssue.objects.exists()
    client.post(reverse("residents:create"), {**data, "session": world["session"].pk})
    assert ResidentIssue.objects.get().session == world["session"]


@pytest.mark.django_db
def test_a_street_without_a_planned_session_is_told_so_not_offered_an_empty_list(client, world):
    issue, _code = accepted(world, organisation=world["street2"])
    client.force_login(world["liaison2"])
    page = client.get(reverse("residents:detail", args=[issue.pk])).content.decode()
    act = reverse("residents:act", args=[issue.pk, "schedule"])
    assert f'action="{act}"' not in page
    assert "暂无待召开的议事会" in page and reverse("platforms:sessions") in page
    # The other ways on stay offered.
    assert f'action="{reverse("residents:act", args=[issue.pk, "route"])}"' in page


@pytest.mark.django_db
def test_a_session_held_before_the_issue_came_in_is_not_offered_to_settle_at(client, world):
    """The liaison is not offered a session that could not have settled the issue (held
    before it was received), only to be told so after picking it: the page says no session
    has been held since, and one held since is offered."""
    issue, _code = accepted(world)  # received today; world["held"] was three days ago
    client.force_login(world["liaison"])
    url = reverse("residents:detail", args=[issue.pk])
    page = client.get(url).content.decode()
    assert 'id="id_settle_session"' not in page
    assert "本事项受理以来，本街道（社区）的议事平台暂无已召开的议事会" in page
    assert ask(client, "resident-issue-sessions", issue=issue.pk, q="电梯") == []
    refused = client.post(
        reverse("residents:act", args=[issue.pk, "settle"]),
        {"session": world["held"].pk, "result": "物业已修复。"},
    )
    assert refused.status_code == 400
    world["held"].starts_at = timezone.now()
    world["held"].save(update_fields=["starts_at"])
    assert len(ask(client, "resident-issue-sessions", issue=issue.pk, q="电梯")) == 1
    assert 'id="id_settle_session"' in client.get(url).content.decode()


@pytest.mark.django_db
def test_without_a_session_held_the_page_says_so_instead_of_an_empty_settle_list(client, world):
    issue, _code = accepted(world)
    ResidentIssue.objects.filter(pk=issue.pk).update(
        created_at=timezone.now() - dt.timedelta(days=5)
    )
    client.force_login(world["liaison"])
    url = reverse("residents:detail", args=[issue.pk])
    assert 'id="id_settle_session"' in client.get(url).content.decode()
    world["held"].delete()
    page = client.get(url).content.decode()
    assert 'id="id_settle_session"' not in page and 'id="act-settle"' in page
    assert "本事项受理以来，本街道（社区）的议事平台暂无已召开的议事会" in page


@pytest.mark.django_db
def test_a_communitys_issue_goes_to_its_own_or_its_streets_platform_not_a_neighbours(client, world):
    """A community's issue is offered its own community's sessions and its street's, not
    those of a neighbouring community in the same street (whose residents' meeting does not
    speak for it), and the service refuses one picked from elsewhere. A street's issue may
    go to any platform of the street. The issue's page names its street and community on
    one line and the platform beside the session."""
    from tests.factories import make_org
    from xieshang.orgs.models import Level
    from xieshang.residents import services

    neighbour = make_org("西门社区", Level.COMMUNITY, parent=world["street"])
    platforms = {
        name: Platform.objects.create(
            organisation=org,
            level=org.level,
            name=name,
            convener=world["convener"],
            status=Platform.Status.RUNNING,
        )
        for name, org in [("西门社区议事厅", neighbour), ("城关街道议事室", world["street"])]
    }
    soon = timezone.now() + dt.timedelta(days=3)
    neighbours = PlatformSession.objects.create(
        platform=platforms["西门社区议事厅"], title="西门停车议事会", starts_at=soon
    )
    streets = PlatformSession.objects.create(
        platform=platforms["城关街道议事室"], title="街道停车议事会", starts_at=soon
    )
    issue, _code = accepted(world)  # at 东门社区
    client.force_login(world["liaison"])
    found = ask(client, "resident-issue-sessions", issue=issue.pk, planned="1", q="停车")
    assert sorted(text.rsplit(" · ", 1)[-1].split("（")[0] for text in found) == [
        "小区停车议事会",
        "街道停车议事会",
    ]
    refused = client.post(
        reverse("residents:act", args=[issue.pk, "schedule"]), {"session": neighbours.pk}
    )
    assert refused.status_code == 400
    with pytest.raises(ValidationError, match="本事项所在社区或街道"):
        services.issue_schedule(issue=issue, actor=world["liaison"], session=neighbours)
    services.issue_schedule(issue=issue, actor=world["liaison"], session=streets)
    page = client.get(reverse("residents:detail", args=[issue.pk])).content.decode()
    assert re.search(r'id="issue-place">城关街道 · 东门社区<', page)
    assert re.search(r'id="issue-session">街道停车议事会 · .*? · 城关街道议事室<', page)

    street_issue, _code = accepted(world, organisation=world["street"])
    found = ask(client, "resident-issue-sessions", issue=street_issue.pk, planned="1", q="停车")
    assert len(found) == 3
    services.issue_schedule(issue=street_issue, actor=world["liaison"], session=neighbours)


@pytest.mark.django_db
def test_the_next_planned_session_is_offered_first_and_the_latest_held_one_to_settle_at(
    client, world
):
    """列入议事会 asks for the session coming up, so the nearest is first; 协商解决 records a
    result of one held, so the latest held is first."""
    issue, _code = accepted(world)
    ResidentIssue.objects.filter(pk=issue.pk).update(
        created_at=timezone.now() - dt.timedelta(days=10)
    )
    platform = world["session"].platform
    for days, title, status in [
        (30, "下月议事会", PlatformSession.Status.PLANNED),
        (2, "本周议事会", PlatformSession.Status.PLANNED),
        (-8, "上周议事会", PlatformSession.Status.HELD),
    ]:
        PlatformSession.objects.create(
            platform=platform,
            title=title,
            starts_at=timezone.now() + dt.timedelta(days=days),
            status=status,
        )
    client.force_login(world["liaison"])

    def titles(**params):
        found = ask(client, "resident-issue-sessions", issue=issue.pk, **params)
        return [text.split(" · ")[2].split("（")[0] for text in found]  # 平台 · 日期 · 标题（状态）

    assert titles(planned="1") == ["本周议事会", "小区停车议事会", "下月议事会"]  # in 2, 7, 30 days
    assert titles() == ["加装电梯议事会", "上周议事会"]  # 3 and 8 days ago
