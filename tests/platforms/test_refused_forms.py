"""A refused form is shown again with its reason and what was typed, even when the session
has moved on meanwhile (a colleague acted first) and no longer offers that form: the page
answers 400 and the stale action is not done twice."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.platforms.conftest import hold, make_platform, make_session
from xieshang.core.models import Event
from xieshang.platforms import services
from xieshang.platforms.models import Platform, PlatformSession

S = PlatformSession.Status
REFUSED = "不能执行此操作"  # core.audit.transition's refusal


def _post(client, url, data):
    response = client.post(url, data)
    return response, response.content.decode()


def test_a_refused_approval_keeps_its_note_when_a_colleague_approved_first(client, world):
    session = make_session(world, make_platform(world))
    hold(world, session)
    client.force_login(world["office"])
    url = f"/platforms/sessions/{session.pk}/approve/"
    assert _post(client, url, {"note": "同意"})[0].status_code == 302
    response, body = _post(client, url, {"note": "同意公开，注意隐去电话"})
    assert response.status_code == 400
    assert REFUSED in body and "同意公开，注意隐去电话" in body
    assert Event.objects.filter(verb="platform_session.approve").count() == 1


def test_a_refused_cancellation_keeps_its_reason_when_the_session_was_recorded_held(client, world):
    session = make_session(world, make_platform(world))
    hold(world, session)  # a colleague recorded it while this page was open
    client.force_login(world["office"])
    url = f"/platforms/sessions/{session.pk}/cancel/"
    response, body = _post(client, url, {"reason": "因暴雨改期"})
    assert response.status_code == 400
    assert REFUSED in body and "因暴雨改期" in body
    assert PlatformSession.objects.get(pk=session.pk).status == S.HELD


@pytest.mark.clause("C2.10")
def test_a_refused_record_keeps_the_minutes_when_the_outcomes_were_approved_meanwhile(
    client, world
):
    session = make_session(world, make_platform(world))
    hold(world, session)
    session.refresh_from_db()
    version = session.version
    services.session_approve(session=session, actor=world["office"])
    client.force_login(world["office"])
    data = {
        "version": version,
        "minutes": "补充：居民同意分摊电梯维护费用。",
        "outcomes": "按楼层分摊费用｜社区居委会",
        "resident_count": 5,
        "department_count": 0,
        "cadre_count": 0,
    }
    response, body = _post(client, f"/platforms/sessions/{session.pk}/record/", data)
    assert response.status_code == 400
    assert "议事成果已审定公开或议事会已取消，不能再修改记录。" in body
    assert "补充：居民同意分摊电梯维护费用。" in body
    assert PlatformSession.objects.get(pk=session.pk).minutes != data["minutes"]


def test_a_refused_status_change_keeps_the_chosen_status(client, world):
    """Of two moves offered, the one chosen stays chosen when the form is refused: the
    first one offered is not silently put in its place for the next submit."""
    platform = make_platform(world, status="planned")
    client.force_login(world["office"])
    url = f"/platforms/{platform.pk}/status/"
    response, body = _post(client, url, {"to": "running", "on": "2026-13-40", "note": "已投用"})
    assert response.status_code == 400
    assert '<option value="running" selected>' in body and 'value="已投用"' in body
    assert Platform.objects.get(pk=platform.pk).status == "planned"


@pytest.mark.clause("C2.10")
def test_a_status_change_dated_in_the_future_is_refused_beside_the_date(client, world):
    """A platform 暂停运行 "from" next year read as suspended at once on the register and the
    coverage figures; the date is the day it happened, said beside the date field."""
    platform = make_platform(world)
    client.force_login(world["office"])
    url = f"/platforms/{platform.pk}/status/"
    later = timezone.localdate() + dt.timedelta(days=30)
    response, body = _post(
        client, url, {"to": "suspended", "on": later.isoformat(), "note": "装修"}
    )
    assert response.status_code == 400
    assert "状态变更日期不能晚于今天。" in body and 'value="装修"' in body
    assert Platform.objects.get(pk=platform.pk).status == "running"
    assert not Event.objects.filter(verb="platform.status").exists()


def test_a_status_change_dated_before_the_current_state_is_refused(client, world):
    today = timezone.localdate()
    platform = make_platform(world, on=today - dt.timedelta(days=10))
    client.force_login(world["office"])
    url = f"/platforms/{platform.pk}/status/"
    earlier = today - dt.timedelta(days=40)
    response, body = _post(client, url, {"to": "suspended", "on": earlier.isoformat()})
    assert response.status_code == 400
    assert "状态变更日期不能早于当前状态的日期" in body
    assert Platform.objects.get(pk=platform.pk).status == "running"
    ok, _body = _post(client, url, {"to": "suspended", "on": today.isoformat()})
    assert ok.status_code == 302
    assert Platform.objects.get(pk=platform.pk).suspended_on == today


@pytest.mark.clause("C2.10")
def test_a_session_dated_in_a_year_long_past_is_refused_with_the_typing_kept(client, world):
    """2001 typed for 2026: recorded, it would have put the members present into the duty
    files of 2001. Last year and this one are accepted (entered afterwards)."""
    platform = make_platform(world)
    client.force_login(world["office"])
    url = f"/platforms/{platform.pk}/sessions/new/"
    year = timezone.localdate().year
    data = {
        "title": "关于加装电梯的议事会",
        "starts_at": f"{year - 25}-03-01T09:00",
        "place": "社区议事室",
        "description": "居民代表报名参加",
    }
    response, body = _post(client, url, data)
    assert response.status_code == 400
    assert f"议事会时间不能早于{year - 1}年1月1日。" in body
    assert "居民代表报名参加" in body
    assert not PlatformSession.objects.exists()
    ok, _body = _post(client, url, {**data, "starts_at": f"{year - 1}-03-01T09:00"})
    assert ok.status_code == 302


@pytest.mark.clause("C2.10")
def test_an_outcomes_responsible_bodies_too_long_are_refused_not_cut(client, world):
    session = make_session(world, make_platform(world))
    client.force_login(world["office"])
    long_bodies = "区住房和城乡建设局" * 12  # 108 characters
    data = {
        "version": session.version,
        "minutes": "居民代表反映加装电梯问题。",
        "outcomes": f"增设电梯｜{long_bodies}\n第二项",
        "resident_count": 5,
        "department_count": 1,
        "cadre_count": 1,
    }
    response, body = _post(client, f"/platforms/sessions/{session.pk}/record/", data)
    assert response.status_code == 400
    assert "第1项的责任单位超过100字，请精简。" in body
    assert "居民代表反映加装电梯问题。" in body
    assert PlatformSession.objects.get(pk=session.pk).status == S.PLANNED


def test_a_member_assigned_from_a_future_day_is_refused_beside_the_date(world):
    """Dated ahead, the member read as on the platform at once and could not be taken off
    (结束下沉 today was "before the day they joined")."""
    from django.core.exceptions import ValidationError

    from xieshang.platforms.models import PlatformMember

    platform = make_platform(world)
    later = timezone.localdate() + dt.timedelta(days=20)
    with pytest.raises(ValidationError) as refused:
        services.platform_assign(
            platform=platform, actor=world["office"], member=world["member"], since=later
        )
    assert refused.value.message_dict == {"since": ["下沉日期不能晚于今天。"]}
    assert not PlatformMember.objects.exists()
    services.platform_assign(
        platform=platform,
        actor=world["office"],
        member=world["member"],
        since=timezone.localdate(),
    )


@pytest.mark.clause("C2.10")
def test_a_platform_entered_afterwards_keeps_the_day_it_began_running(client, world):
    """补登 a platform running since 2023: without a date it read 运行 today on the register
    and the coverage page. A future day is refused, what was typed kept."""
    client.force_login(world["liaison"])
    data = {
        "organisation": world["street"].pk,
        "name": "城关街道议事室",
        "place": "党群服务中心",
        "convener": world["liaison"].pk,
        "status": "running",
        "on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
    }
    response, body = _post(client, "/platforms/new/", data)
    assert response.status_code == 400
    assert "状态日期不能晚于今天。" in body and 'value="党群服务中心"' in body
    response, _body = _post(client, "/platforms/new/", {**data, "on": "2023-04-08"})
    assert response.status_code == 302
    platform = Platform.objects.get()
    assert platform.running_since == dt.date(2023, 4, 8)
    assert platform.status_changed_on == dt.date(2023, 4, 8)


@pytest.mark.clause("C2.10")
def test_a_session_dated_before_its_platform_was_set_up_is_refused_with_the_typing_kept(
    client, world
):
    """A platform built a month ago cannot have met three months ago: the date is refused
    with the day the platform was built, and what was typed stays in the form."""
    today = timezone.localdate()
    built = today - dt.timedelta(days=30)
    platform = make_platform(world, on=built)
    client.force_login(world["office"])
    url = f"/platforms/{platform.pk}/sessions/new/"
    before = today - dt.timedelta(days=90)
    data = {
        "title": "关于小区停车的议事会",
        "starts_at": f"{before.isoformat()}T09:00",
        "place": "社区议事室",
        "description": "物业和业委会参加",
    }
    response, body = _post(client, url, data)
    assert response.status_code == 400
    assert f"该平台于{built.year}年{built.month}月{built.day}日建成" in body
    assert "物业和业委会参加" in body and "关于小区停车的议事会" in body
    assert not PlatformSession.objects.exists()
    ok, _body = _post(client, url, {**data, "starts_at": f"{built.isoformat()}T09:00"})
    assert ok.status_code == 302
    # Moved back before the platform's day on its edit page: refused the same way.
    session = PlatformSession.objects.get()
    with pytest.raises(ValidationError):
        services.session_update(
            session=session,
            actor=world["office"],
            expected_version=session.version,
            starts_at=timezone.make_aware(dt.datetime.combine(before, dt.time(9))),
        )
