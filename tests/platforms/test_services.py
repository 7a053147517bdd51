"""C2.10: the register of platforms and the life of a session, through the services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.platforms.conftest import hold, make_platform, make_session
from xieshang.core.audit import StaleEdit, TransitionError
from xieshang.core.models import Event
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.platforms import policies, selectors, services
from xieshang.platforms.models import Platform, PlatformSession

P = Platform.Status
S = PlatformSession.Status


@pytest.mark.clause("C2.10")
def test_register_and_status_transitions_are_dated_and_audited(world):
    platform = services.platform_create(
        organisation=world["community"],
        actor=world["liaison"],
        name="花园社区居民议事会",
        convener_name="花园社区书记",
        liaison_room=world["room"],
    )
    assert platform.level == "community" and platform.status == P.PLANNED
    assert platform.planned_on is not None
    for to in (P.BUILT, P.RUNNING, P.SUSPENDED, P.RUNNING):
        services.platform_set_status(platform=platform, actor=world["office"], to=to)
    platform.refresh_from_db()
    assert platform.status == P.RUNNING
    assert platform.built_on and platform.running_since and platform.suspended_on
    verbs = list(
        Event.objects.filter(object_id=str(platform.pk), verb__startswith="platform.")
        .order_by("id")
        .values_list("verb", "to_state")
    )
    assert verbs == [
        ("platform.create", "planned"),
        ("platform.status", "built"),
        ("platform.status", "running"),
        ("platform.status", "suspended"),
        ("platform.status", "running"),
    ]
    # No way back from running to planned, and a suspended platform only resumes.
    with pytest.raises(TransitionError):
        services.platform_set_status(platform=platform, actor=world["office"], to=P.BUILT)


@pytest.mark.clause("C2.10")
def test_a_platform_sits_at_a_street_or_community_only(world):
    with pytest.raises(PermissionDenied):
        services.platform_create(
            organisation=world["district"], actor=world["office"], name="区级平台"
        )
    # A liaison officer of another street cannot register here.
    with pytest.raises(PermissionDenied):
        services.platform_create(
            organisation=world["street"], actor=world["other_liaison"], name="越权"
        )
    with pytest.raises(ValidationError):
        services.platform_create(
            organisation=world["other_street"],
            actor=world["office"],
            name="东城议事室",
            liaison_room=world["room"],  # the room of another street
        )


@pytest.mark.clause("C2.10")
def test_coverage_lists_streets_and_communities_without_a_running_platform(world):
    make_platform(world)  # 城关街道, running
    make_platform(world, organisation=world["community"], status="built", name="花园议事会")
    summary = selectors.coverage_summary(selectors.coverage([world["district"]]))
    gaps = {n.name: [p.name for p in n.other_platforms] for n in summary["gaps"]}
    assert gaps == {"花园社区": ["花园议事会"], "东城街道": []}
    assert (summary["streets"], summary["streets_covered"]) == (2, 1)
    assert (summary["communities"], summary["communities_covered"]) == (1, 0)
    # The liaison officer of 城关 sees only their street and its community.
    roots = policies.coverage_roots(world["liaison"])
    assert [r.name for r in roots] == ["城关街道"]


@pytest.mark.clause("C2.10")
def test_assigning_members_keeps_history_and_refuses_duplicates(world):
    platform = make_platform(world)
    row = services.platform_assign(
        platform=platform, actor=world["liaison"], member=world["member"]
    )
    with pytest.raises(ValidationError):
        services.platform_assign(platform=platform, actor=world["office"], member=world["member"])
    services.platform_unassign(assignment=row, actor=world["office"])
    again = services.platform_assign(
        platform=platform, actor=world["office"], member=world["member"]
    )
    assert again.pk != row.pk
    assert platform.assignments.count() == 2
    verbs = Event.objects.filter(object_id=str(platform.pk)).values_list("verb", flat=True)
    assert list(verbs).count("platform.assign") == 2


@pytest.mark.clause("C2.10")
def test_holding_a_session_writes_one_duty_record_per_member_present(world):
    platform = make_platform(world)
    member, other = world["member"], world["other_member"]
    for m in (member, other):
        services.platform_assign(platform=platform, actor=world["office"], member=m)
    session = make_session(world, platform)
    hold(world, session, attendance={member: "present", other: "excused"})
    session.refresh_from_db()
    assert session.status == S.HELD
    records = DutyRecord.objects.filter(kind=DutyKind.COMMUNITY_CONSULTATION)
    assert [r.member for r in records] == [member]
    assert records.get().title == f"参加{platform.name}：{session.title}"
    # Correcting the record later (and any retried call) writes nothing twice.
    hold(world, session, minutes="更正后的纪要", attendance={member: "present", other: "present"})
    services._record_attendance(session, world["office"], {member: "present"})
    assert records.count() == 1
    session.refresh_from_db()
    assert session.minutes == "更正后的纪要"
    assert session.attendance.count() == 2


@pytest.mark.clause("C2.10")
def test_a_future_session_cannot_be_recorded_as_held(world):
    platform = make_platform(world)
    session = make_session(world, platform, days_ago=-3)
    with pytest.raises(ValidationError):
        hold(world, session)


@pytest.mark.clause("C2.10")
def test_outcomes_are_published_only_after_the_convener_approves(world):
    platform = make_platform(world, convener=world["liaison"])
    session = make_session(world, platform)
    hold(world, session)
    assert not selectors.public_outcomes().exists()
    # The liaison officer of another street and the chair may not approve.
    for outsider in (world["other_liaison"], world["chair"]):
        with pytest.raises(PermissionDenied):
            services.session_approve(session=session, actor=outsider)
    services.session_approve(session=session, actor=world["liaison"])
    session.refresh_from_db()
    assert session.status == S.PUBLISHED and session.is_published
    assert session.approved_by == world["liaison"] and session.published_on
    assert list(selectors.public_outcomes()) == [session]
    with pytest.raises(ValidationError):
        hold(world, session, minutes="公开后不能再改")


@pytest.mark.clause("C2.10")
def test_a_liaison_who_is_not_the_convener_records_but_does_not_approve(world):
    platform = make_platform(world)  # convener without an account
    session = make_session(world, platform)
    hold(world, session, actor=world["liaison"])
    with pytest.raises(PermissionDenied):
        services.session_approve(session=session, actor=world["liaison"])
    services.session_approve(session=session, actor=world["office"])


@pytest.mark.clause("C2.10")
def test_a_stale_edit_is_refused(world):
    platform = make_platform(world)
    version = platform.version
    services.platform_update(
        platform=platform, actor=world["office"], expected_version=version, place="二楼"
    )
    with pytest.raises(StaleEdit):
        services.platform_update(
            platform=platform, actor=world["liaison"], expected_version=version, place="三楼"
        )
    platform.refresh_from_db()
    assert platform.place == "二楼"
    session = make_session(world, platform)
    stale = session.version
    services.session_update(
        session=session, actor=world["office"], expected_version=stale, title="新议题"
    )
    with pytest.raises(StaleEdit):
        services.session_update(
            session=session, actor=world["office"], expected_version=stale, title="旧议题"
        )
    with pytest.raises(StaleEdit):
        services.session_record(
            session=session,
            actor=world["office"],
            expected_version=stale,
            minutes="x",
            outcomes=["y"],
        )


@pytest.mark.clause("C2.10")
def test_cancel_needs_a_reason_and_only_planned_sessions(world):
    platform = make_platform(world)
    session = make_session(world, platform, days_ago=-5)
    with pytest.raises(ValidationError):
        services.session_cancel(session=session, actor=world["office"], reason=" ")
    services.session_cancel(session=session, actor=world["office"], reason="议题已解决")
    session.refresh_from_db()
    assert session.status == S.CANCELLED
    with pytest.raises(TransitionError):
        services.session_cancel(session=session, actor=world["office"], reason="再取消")


@pytest.mark.clause("C2.10")
def test_sessions_only_on_platforms_on_the_ground(world):
    platform = make_platform(world, status="planned")
    with pytest.raises(ValidationError):
        make_session(world, platform)


@pytest.mark.clause("C2.10")
def test_the_register_counts_each_session_held_once_however_many_members_were_sent_down(world):
    from xieshang.platforms import selectors

    platform = make_platform(world)
    for m in (world["member"], world["other_member"]):
        services.platform_assign(platform=platform, actor=world["office"], member=m)
    session = make_session(world, platform)
    hold(world, session, attendance={world["member"]: "present"})
    year = session.starts_at.year
    (row,) = selectors.register(world["office"], year=year)
    assert (row.sessions_in_year, row.member_count) == (1, 2)
