"""Invitations, leave, the 2/3 rule, attendance outcomes and the duty records they write."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from xieshang.core.models import CalendarDay, Event, Notification
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.meetings import services
from xieshang.meetings.models import (
    Attendance,
    Invitation,
    LeaveDelegation,
    LeaveRequest,
    MeetingKind,
)
from xieshang.orgs import config
from xieshang.orgs.models import Role

from ..factories import DepartmentFactory, UserFactory, user_with_role
from .factories import world

pytestmark = pytest.mark.django_db


def present(w, meeting, member, sitting=None, state=Attendance.State.PRESENT):
    inv = meeting.invitations.get(member=member)
    for s in [sitting] if sitting else meeting.sittings.all():
        services.attendance_mark(sitting=s, invitation=inv, state=state, actor=w.office)


def duty(member):
    return sorted(DutyRecord.objects.filter(member=member).values_list("kind", flat=True))


@pytest.mark.clause("C2.5")
@pytest.mark.clause("C4.4")
def test_it_invites_by_sector_committee_group_standing_name_and_leaders():
    w = world()
    econ = w.member("甲委员", sector=w.sector)
    edu = w.member("乙委员", sector=w.sector2, committees=[])
    standing = w.member("丙委员", sector=w.sector2, standing=True, committees=[])
    grouped = w.member("丁委员", sector=w.sector2, committees=[], group=w.group)
    named = w.member("戊委员", sector=w.sector2, committees=[])
    dept = DepartmentFactory(organisation=w.org, name="区教育局", leader_name="周局长")
    meeting = w.meeting(MeetingKind.SYMPOSIUM, invite=False, publish=False)

    def invited():
        return set(meeting.invitations.values_list("name", flat=True))

    crit = services.InviteCriteria
    services.invite(meeting=meeting, actor=w.office, criteria=crit(sectors=[w.sector]))
    assert invited() == {econ.name}
    services.invite(meeting=meeting, actor=w.office, criteria=crit(standing=True))
    services.invite(meeting=meeting, actor=w.office, criteria=crit(groups=[w.group]))
    services.invite(meeting=meeting, actor=w.office, criteria=crit(members=[named]))
    assert invited() == {econ.name, standing.name, grouped.name, named.name}
    assert edu.name not in invited()
    # Inviting the committee adds nobody twice.
    assert (
        services.invite(meeting=meeting, actor=w.office, criteria=crit(committees=[w.committee]))
        == 0
    )
    services.invite(
        meeting=meeting,
        actor=w.office,
        criteria=crit(leaders=[("张明", "区委副书记")], departments=[dept], roles=[Role.CHAIR]),
    )
    leaders = {i.name: i for i in meeting.invitations.exclude(category=Invitation.Category.MEMBER)}
    assert leaders["张明"].category == Invitation.Category.LEADER
    assert leaders["周局长"].category == Invitation.Category.DEPARTMENT
    assert leaders["政协主席"].category == Invitation.Category.GUEST
    assert meeting.invitations.get(member=econ).sector == w.sector


@pytest.mark.clause("C2.5")
def test_it_sends_the_notice_to_invitees_inbox_email_and_sms(django_capture_on_commit_callbacks):
    w = world()
    m = w.member("甲委员")
    m.user.email = "jia@example.com"
    m.user.save()
    meeting = w.meeting(MeetingKind.STANDING, publish=False)
    assert not Notification.objects.filter(recipient=m.user).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_publish(meeting=meeting, actor=w.office)
    note = Notification.objects.get(recipient=m.user)
    assert note.title.startswith("会议通知")
    assert note.url == meeting.get_absolute_url()
    assert [e.to for e in mail.outbox] == [["jia@example.com"]]
    # A member invited later is notified at once; the first is not notified twice.
    late = w.member("乙委员")
    services.invite(
        meeting=meeting, actor=w.office, criteria=services.InviteCriteria(members=[late])
    )
    assert Notification.objects.filter(recipient=late.user).count() == 1
    assert Notification.objects.filter(recipient=m.user).count() == 1


@pytest.mark.clause("C5.9")
def test_it_flags_a_leave_request_after_the_configured_deadline():
    w = world()
    m = w.member()
    plenary = w.plenary(day=dt.date(2026, 3, 16))
    standing = w.meeting(MeetingKind.STANDING, day=dt.date(2026, 3, 20))
    inv_p = plenary.invitations.get(member=m)
    inv_s = standing.invitations.get(member=m)
    # Plenary on a Monday: due 3 working days before (Wednesday 11 March, the weekend not
    # counted); standing committee on a Friday: 2 working days before (18 March).
    on_time = services.leave_submit(
        invitation=inv_p, actor=m.user, reason="出差", today=dt.date(2026, 3, 11)
    )
    assert on_time.due_date == dt.date(2026, 3, 11) and not on_time.is_late
    late = services.leave_submit(
        invitation=inv_s, actor=m.user, reason="生病", today=dt.date(2026, 3, 19)
    )
    assert late.due_date == dt.date(2026, 3, 18) and late.is_late
    # Configurable: a district that allows leave until the day before.
    config.set_value(w.org, "meetings.leave_days_before_standing", 1, actor=w.office)
    assert services.leave_due_date(standing) == dt.date(2026, 3, 19)


@pytest.mark.clause("C5.9")
def test_a_leave_deadline_never_falls_on_a_rest_day():
    # A Monday activity with leave due 1 day before: the Friday, not the Sunday nobody
    # works; 0 days: the meeting's own day.
    w = world()
    monday = w.meeting(MeetingKind.SYMPOSIUM, day=dt.date(2026, 3, 16))
    assert services.leave_due_date(monday) == dt.date(2026, 3, 13)
    # The working-day calendar's own overrides count: a Friday declared a rest day.
    CalendarDay.objects.create(date=dt.date(2026, 3, 13), is_working_day=False)
    assert services.leave_due_date(monday) == dt.date(2026, 3, 12)
    config.set_value(w.org, "meetings.leave_days_before_other", 0, actor=w.office)
    assert services.leave_due_date(monday) == dt.date(2026, 3, 16)


@pytest.mark.clause("C5.9")
def test_the_approver_follows_the_meeting_kind():
    w = world()
    m = w.member()
    other_staff = user_with_role(Role.COMMITTEE_STAFF, w.org)
    plenary = w.plenary()
    activity = w.meeting(MeetingKind.COMMITTEE, committee=w.committee)
    p_leave = services.leave_submit(
        invitation=plenary.invitations.get(member=m), actor=m.user, reason="出差"
    )
    c_leave = services.leave_submit(
        invitation=activity.invitations.get(member=m), actor=m.user, reason="出差"
    )
    # The committee's staff cannot decide plenary leave; the chair can.
    with pytest.raises(PermissionDenied):
        services.leave_decide(leave=p_leave, approve=True, actor=w.committee_staff)
    services.leave_decide(leave=p_leave, approve=True, actor=w.chair)
    # Committee-activity leave: that committee's staff, not another committee's.
    with pytest.raises(PermissionDenied):
        services.leave_decide(leave=c_leave, approve=True, actor=other_staff)
    services.leave_decide(leave=c_leave, approve=True, actor=w.committee_staff)
    assert set(LeaveRequest.objects.values_list("status", flat=True)) == {"approved"}
    # The approvers were told of the requests in their inbox.
    assert Notification.objects.filter(recipient=w.chair, title__contains="请假待审批").exists()
    assert Notification.objects.filter(
        recipient=w.committee_staff, title__contains="请假待审批"
    ).exists()


@pytest.mark.clause("C5.9")
def test_the_chair_can_delegate_plenary_leave_to_the_secretary_general():
    w = world()
    m = w.member()
    secretary = user_with_role(Role.OFFICE, w.org, full_name="秘书长")
    outsider = UserFactory()
    plenary = w.plenary()
    leave = services.leave_submit(
        invitation=plenary.invitations.get(member=m), actor=m.user, reason="出差"
    )
    with pytest.raises(PermissionDenied):
        services.leave_decide(leave=leave, approve=True, actor=secretary)
    with pytest.raises(PermissionDenied):
        services.leave_delegate(organisation=w.org, delegate=secretary, actor=outsider)
    # Not to himself (the queue's list offered the chair his own name, and took it).
    with pytest.raises(ValidationError, match="不能委托给自己"):
        services.leave_delegate(organisation=w.org, delegate=w.chair, actor=w.chair)
    services.leave_delegate(organisation=w.org, delegate=secretary, actor=w.chair)
    services.leave_decide(leave=leave, approve=True, actor=secretary)
    assert LeaveRequest.objects.get().decided_by == secretary


@pytest.mark.clause("C5.9")
def test_the_chairs_delegation_list_leaves_himself_out(client):
    w = world()
    secretary = user_with_role(Role.OFFICE, w.org, full_name="秘书长")
    client.force_login(w.chair)
    page = client.get("/meetings/leave/").content.decode()
    form = page.split('action="/meetings/leave/delegate/"', 1)[1].split("</form>", 1)[0]
    assert f'value="{secretary.pk}"' in form
    assert f'value="{w.chair.pk}"' not in form
    client.post("/meetings/leave/delegate/", {"delegate": w.chair.pk})
    assert not LeaveDelegation.objects.exists()


@pytest.mark.clause("C5.9")
def test_a_refused_leave_leaves_the_absent_member_unexcused():
    w = world()
    refused, approved = w.member("甲委员"), w.member("乙委员")
    meeting = w.meeting(MeetingKind.SYMPOSIUM)
    for member, ok in ((refused, False), (approved, True)):
        leave = services.leave_submit(
            invitation=meeting.invitations.get(member=member), actor=member.user, reason="出差"
        )
        with pytest.raises(ValidationError):
            services.leave_decide(leave=leave, approve=False, actor=w.office)  # no reason given
        services.leave_decide(
            leave=leave, approve=ok, actor=w.office, note="" if ok else "会议重要，请参加"
        )
    services.meeting_close(meeting=meeting, actor=w.office)
    outcomes = dict(meeting.invitations.values_list("member__name", "outcome"))
    assert outcomes == {"甲委员": "absent", "乙委员": "excused"}
    assert duty(refused) == [DutyKind.ABSENCE_UNEXCUSED]
    assert duty(approved) == []
    assert Notification.objects.filter(recipient=refused.user, title__contains="未批准").exists()


@pytest.mark.clause("C4.4")
@pytest.mark.clause("C5.9")
def test_attending_less_than_two_thirds_of_a_plenary_counts_as_absent():
    w = world()
    two, one, one_excused = w.member("甲委员"), w.member("乙委员"), w.member("丙委员")
    plenary = w.plenary(sittings=3)
    s1, s2, s3 = plenary.sittings.all()
    present(w, plenary, two, s1)
    present(w, plenary, two, s3, state=Attendance.State.LATE)
    present(w, plenary, one, s1)
    present(w, plenary, one_excused, s1)
    leave = services.leave_submit(
        invitation=plenary.invitations.get(member=one_excused),
        actor=one_excused.user,
        reason="住院",
        sittings=[s2, s3],
    )
    services.leave_decide(leave=leave, approve=True, actor=w.chair)
    counts = services.meeting_close(meeting=plenary, actor=w.office)
    outcomes = dict(plenary.invitations.values_list("member__name", "outcome"))
    # 2 of 3 is not less than 2/3; 1 of 3 is.
    assert outcomes == {"甲委员": "late", "乙委员": "absent", "丙委员": "excused"}
    assert counts == {"late": 1, "absent": 1, "excused": 1}


def test_the_plenary_share_is_configurable():
    w = world()
    m = w.member()
    config.set_value(w.org, "meetings.plenary_min_share", 0.5, actor=w.office)
    plenary = w.plenary(sittings=4)
    s = list(plenary.sittings.all())
    present(w, plenary, m, s[0])
    present(w, plenary, m, s[1])
    services.meeting_close(meeting=plenary, actor=w.office)
    assert plenary.invitations.get(member=m).outcome == "present"


@pytest.mark.clause("C5.9")
def test_closing_writes_the_duty_record_of_each_attendance_state():
    w = world()
    full, excused, absent, low = (w.member(n) for n in ("甲委员", "乙委员", "丙委员", "丁委员"))
    plenary = w.plenary(sittings=3)
    sittings = list(plenary.sittings.all())
    present(w, plenary, full)
    present(w, plenary, low, sittings[0])
    leave = services.leave_submit(
        invitation=plenary.invitations.get(member=excused), actor=excused.user, reason="出差"
    )
    services.leave_decide(leave=leave, approve=True, actor=w.chair)
    services.meeting_close(meeting=plenary, actor=w.office)
    # Each attended half-day sitting counts; absences count once for the meeting.
    assert duty(full) == [DutyKind.PLENARY_HALF_DAY] * 3
    assert duty(excused) == [DutyKind.PLENARY_ABSENCE_EXCUSED]
    assert duty(absent) == [DutyKind.PLENARY_ABSENCE_UNEXCUSED]
    assert duty(low) == [DutyKind.PLENARY_ABSENCE_UNEXCUSED]
    assert DutyRecord.objects.filter(member=full).first().title.startswith(plenary.title)
    # Closing again is refused and writes nothing more.
    with pytest.raises(services.TransitionError):
        services.meeting_close(meeting=plenary, actor=w.office)
    assert DutyRecord.objects.count() == 6


@pytest.mark.clause("C3.1")
@pytest.mark.clause("C2.12")
@pytest.mark.clause("C2.13")
@pytest.mark.clause("C4.13")
def test_activities_write_their_own_duty_kind():
    w = world()
    m = w.member(group=None)
    kinds = {
        MeetingKind.TRAINING: DutyKind.TRAINING,
        MeetingKind.INSPECTION: DutyKind.INSPECTION,
        MeetingKind.STUDIO: DutyKind.STUDIO,
        MeetingKind.LECTURE: DutyKind.STUDIO,
        MeetingKind.COMMITTEE: DutyKind.MEETING,
    }
    for i, kind in enumerate(kinds):
        extra = {"committee": w.committee} if kind == MeetingKind.COMMITTEE else {}
        if kind in (MeetingKind.STUDIO, MeetingKind.LECTURE):
            extra["series"] = "民生委员工作室"
        meeting = w.meeting(kind, day=dt.date(2026, 4, 1 + i), **extra)
        present(w, meeting, m)
        services.meeting_close(meeting=meeting, actor=w.office)
    assert duty(m) == sorted(kinds.values())


@pytest.mark.clause("C2.12")
def test_a_signup_activity_expects_only_those_who_signed_up():
    w = world()
    keen, idle = w.member("甲委员"), w.member("乙委员")
    studio = w.meeting(
        MeetingKind.STUDIO, series="民生委员工作室", mode="signup", day=dt.date(2026, 4, 2)
    )
    # Signed up the day before (sign-up closes when the activity is over).
    with time_machine.travel(dt.datetime(2026, 4, 1, 2, 0, tzinfo=dt.UTC), tick=False):
        services.signup(invitation=studio.invitations.get(member=keen), actor=keen.user)
        with pytest.raises(PermissionDenied):  # nobody signs up for someone else
            services.signup(invitation=studio.invitations.get(member=idle), actor=keen.user)
    services.meeting_close(meeting=studio, actor=w.office)
    outcomes = dict(studio.invitations.values_list("member__name", "outcome"))
    assert outcomes == {"甲委员": "absent", "乙委员": "not_expected"}
    assert duty(idle) == []


@pytest.mark.clause("C2.5")
def test_leaders_attendance_is_recorded_but_writes_no_duty_record():
    w = world()
    w.member()
    meeting = w.meeting(MeetingKind.SYMPOSIUM)
    services.invite(
        meeting=meeting,
        actor=w.office,
        criteria=services.InviteCriteria(leaders=[("张明", "区委副书记"), ("李华", "副区长")]),
    )
    zhang = meeting.invitations.get(name="张明")
    services.attendance_mark(
        sitting=meeting.sittings.get(), invitation=zhang, state="present", actor=w.office
    )
    services.meeting_close(meeting=meeting, actor=w.office)
    leaders = dict(meeting.invitations.filter(category="leader").values_list("name", "outcome"))
    assert leaders == {"张明": "present", "李华": "absent"}
    assert DutyRecord.objects.filter(member__isnull=True).count() == 0


@time_machine.travel(dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC))
def test_the_scheduled_job_closes_meetings_ended_long_enough_ago():
    w = world()
    m = w.member()
    old = w.meeting(MeetingKind.SYMPOSIUM, day=dt.date(2026, 3, 16))
    recent = w.meeting(MeetingKind.SYMPOSIUM, day=dt.date(2026, 3, 19))
    assert services.close_finished_meetings() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, recent.status) == ("closed", "published")
    assert duty(m) == [DutyKind.ABSENCE_UNEXCUSED]
    assert services.close_finished_meetings() == 0
    assert Event.objects.filter(verb="meeting.close", actor__isnull=True).count() == 1


def test_staff_marking_is_audited_and_only_by_the_office():
    w = world()
    m = w.member()
    meeting = w.meeting()
    inv = meeting.invitations.get(member=m)
    with pytest.raises(PermissionDenied):
        services.attendance_mark(
            sitting=meeting.sittings.get(), invitation=inv, state="present", actor=m.user
        )
    services.attendance_mark(
        sitting=meeting.sittings.get(), invitation=inv, state="late", actor=w.office
    )
    event = Event.objects.get(verb="attendance.mark")
    assert (event.to_state, event.actor) == ("late", w.office)


def _group_leader(w):
    """A member of w.group who leads it."""
    leader = w.member("组长", group=w.group)
    w.group.leader = leader
    w.group.save()
    return leader


def _group_activity(w):
    """A published activity of w.group with the group's members invited."""
    activity = w.meeting(MeetingKind.GROUP, activity_group=w.group, invite=False, publish=False)
    services.invite(
        meeting=activity, actor=w.office, criteria=services.InviteCriteria(groups=[w.group])
    )
    services.meeting_publish(meeting=activity, actor=w.office)
    return activity


@pytest.mark.clause("C4.13")
def test_an_activity_groups_leader_decides_its_leave_and_members_get_the_activity():
    w = world()
    leader = _group_leader(w)
    m = w.member("甲委员", group=w.group)
    outsider = w.member("乙委员")
    activity = _group_activity(w)
    assert set(activity.invitations.values_list("name", flat=True)) == {"组长", "甲委员"}
    leave = services.leave_submit(
        invitation=activity.invitations.get(member=m), actor=m.user, reason="出差"
    )
    with pytest.raises(PermissionDenied):
        services.leave_decide(leave=leave, approve=True, actor=outsider.user)
    services.leave_decide(leave=leave, approve=True, actor=leader.user)
    present(w, activity, leader)
    services.meeting_close(meeting=activity, actor=w.office)
    assert duty(leader) == [DutyKind.MEETING]
    assert activity.invitations.get(member=m).outcome == "excused"


@pytest.mark.clause("C4.13")
def test_nobody_decides_their_own_leave_a_group_leaders_goes_to_the_office():
    from xieshang.meetings import selectors

    w = world()
    leader = _group_leader(w)
    activity = _group_activity(w)
    leave = services.leave_submit(
        invitation=activity.invitations.get(member=leader), actor=leader.user, reason="出差"
    )
    # The office is told and queues it; the leader neither queues nor decides it.
    assert Notification.objects.filter(recipient=w.office, title__startswith="请假待审批").exists()
    assert not Notification.objects.filter(recipient=leader.user, title__startswith="请假待审批")
    assert list(selectors.leave_queue(leader.user)) == []
    assert list(selectors.leave_queue(w.office)) == [leave]
    with pytest.raises(PermissionDenied):
        services.leave_decide(leave=leave, approve=True, actor=leader.user)
    services.leave_decide(leave=leave, approve=True, actor=w.office)
    assert LeaveRequest.objects.get(pk=leave.pk).status == LeaveRequest.Status.APPROVED


def test_attendance_cannot_be_closed_before_the_last_sitting_has_begun():
    """Closing marks everyone not signed in absent, with duty penalties, and is final."""
    from xieshang.core.audit import TransitionError

    w = world()
    w.member("甲委员")
    meeting = w.meeting(day=dt.date(2026, 5, 20))
    with time_machine.travel(dt.datetime(2026, 5, 20, 0, 0, tzinfo=dt.UTC), tick=False):
        with pytest.raises(TransitionError, match="会议还没有全部举行.*2026年5月20日 09:00"):
            services.meeting_close(meeting=meeting, actor=w.office)
    assert not DutyRecord.objects.exists()
    assert not Event.objects.filter(verb="meeting.close").exists()
    with time_machine.travel(dt.datetime(2026, 5, 20, 2, 0, tzinfo=dt.UTC), tick=False):
        services.meeting_close(meeting=meeting, actor=w.office)  # 10:00 in Beijing: begun
    assert DutyRecord.objects.filter(kind=DutyKind.ABSENCE_UNEXCUSED).exists()


def test_the_leave_queue_tab_is_shown_only_to_those_who_decide_leave(client):
    w = world()
    member = w.member("甲委员", group=w.group)
    leader = _group_leader(w)
    tab = "请假审批</a>"
    client.force_login(member.user)
    assert tab not in client.get("/meetings/mine/").content.decode()
    # Nor is the queue (or its export) there for a member who decides nobody's leave.
    assert client.get("/meetings/leave/").status_code == 403
    assert client.get("/meetings/leave/export.xlsx").status_code == 403
    client.force_login(leader.user)
    assert tab in client.get("/meetings/mine/").content.decode()
    assert client.get("/meetings/leave/").status_code == 200
    client.force_login(w.office)
    assert tab in client.get("/meetings/mine/").content.decode()
    assert client.get("/meetings/leave/").status_code == 200


@pytest.mark.clause("C5.9")
def test_the_leave_form_is_offered_only_while_a_sitting_is_left_to_ask_leave_for(client):
    w = world()
    member = w.member("甲委员")
    meeting = w.meeting(MeetingKind.SYMPOSIUM)  # one sitting
    inv = meeting.invitations.get(member=member)
    client.force_login(member.user)
    url = f"/meetings/{meeting.pk}/"
    assert 'id="leave-form"' in client.get(url).content.decode()
    response = client.post(f"/meetings/{meeting.pk}/leave/", {"reason": "出差", "reason_kind": ""})
    assert response.status_code == 302
    # The request covers the only sitting: its status is shown, no second form.
    page = client.get(url).content.decode()
    assert 'id="leave-form"' not in page and "待审批" in page
    leave = LeaveRequest.objects.get(invitation=inv)
    services.leave_decide(leave=leave, approve=False, actor=w.office, note="会议重要")
    # Refused: the sitting is open again.
    assert 'id="leave-form"' in client.get(url).content.decode()

    # A plenary with one of its three sittings asked for: the other two are still open.
    plenary = w.plenary(sittings=3)
    s2 = plenary.sittings.all()[1]
    services.leave_submit(
        invitation=plenary.invitations.get(member=member),
        actor=member.user,
        reason="看病",
        sittings=[s2],
    )
    page = client.get(f"/meetings/{plenary.pk}/").content.decode()
    assert 'id="leave-form"' in page
