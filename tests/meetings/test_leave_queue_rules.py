"""The leave queue (`policies.leave_queue_filter`) holds exactly the requests its user may
decide (`policies.can_decide_leave`), whichever meeting kinds the chair approves: with the
rule's default (read without the scope's organisations) and where an office changed it."""

import pytest

from xieshang.meetings import policies, rules, selectors, services
from xieshang.meetings.models import LeaveRequest, MeetingKind
from xieshang.orgs import config

from .factories import world

pytestmark = pytest.mark.django_db

WITH_SYMPOSIA = ["plenary", "standing", "symposium"]


def queue(user) -> set[int]:
    return set(selectors.leave_queue(user).values_list("pk", flat=True))


def ask_leave(w, meeting, member) -> LeaveRequest:
    return services.leave_submit(
        invitation=meeting.invitations.get(member=member), actor=member.user, reason="出差"
    )


@pytest.mark.clause("C5.9")
def test_each_approver_queues_what_they_may_decide_as_the_chairs_rule_changes():
    here, there = world(), world("他区政协")
    member, theirs = here.member("甲委员"), there.member("乙委员")
    plenary = ask_leave(here, here.plenary(), member)
    symposium = ask_leave(here, here.meeting(MeetingKind.SYMPOSIUM), member)
    their_symposium = ask_leave(there, there.meeting(MeetingKind.SYMPOSIUM), theirs)
    approvers = [here.chair, here.office, here.committee_staff, there.chair, there.office]

    def agrees():
        leaves = list(
            LeaveRequest.objects.select_related("meeting__organisation", "meeting__activity_group")
        )
        for user in approvers:
            decidable = {lv.pk for lv in leaves if policies.can_decide_leave(user, lv)}
            assert queue(user) == decidable, user.full_name

    # The default: the chair decides plenary leave, the office a symposium's.
    agrees()
    assert queue(here.chair) == {plenary.pk}
    assert queue(here.office) == {symposium.pk}
    # The other district gives its chair the symposia: nothing moves here.
    config.set_value(there.org, rules.CHAIR_APPROVED_KINDS, WITH_SYMPOSIA, actor=there.office)
    agrees()
    assert queue(here.chair) == {plenary.pk} and queue(here.office) == {symposium.pk}
    assert their_symposium.pk in queue(there.chair) and not queue(there.office)
    # This district does the same: its symposium's leave goes to its chair.
    config.set_value(here.org, rules.CHAIR_APPROVED_KINDS, WITH_SYMPOSIA, actor=here.office)
    agrees()
    assert queue(here.chair) == {plenary.pk, symposium.pk}
    assert queue(here.office) == set()


@pytest.mark.clause("C5.9")
def test_leave_still_pending_when_attendance_closes_leaves_the_queue_and_stays_on_record():
    import datetime as dt

    import time_machine

    w = world()
    member = w.member("甲委员")
    with time_machine.travel(dt.datetime(2026, 3, 16, 1, 5, tzinfo=dt.UTC)):
        meeting = w.meeting(MeetingKind.SYMPOSIUM)
        leave = ask_leave(w, meeting, member)
        assert queue(w.office) == {leave.pk}
    with time_machine.travel(dt.datetime(2026, 3, 16, 6, 0, tzinfo=dt.UTC)):
        services.meeting_close(meeting=meeting, actor=w.office)
    # Closing is final (deciding it now is refused), so it waits in nobody's queue.
    assert queue(w.office) == set()
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.LAPSED  # closed undecided, on record


@pytest.mark.clause("C5.9")
def test_a_deactivated_approver_is_not_told_of_a_leave_request():
    """An account switched off (someone who left the office) gets no leave notice; the
    active approvers of the same role still do."""
    from xieshang.core.models import Notification

    w = world()
    first, second = w.member("甲委员"), w.member("乙委员")
    plenary, symposium = w.plenary(), w.meeting(MeetingKind.SYMPOSIUM)
    approvers = (w.chair, w.office, w.committee_staff)
    for user in approvers:
        user.is_active = False
        user.save(update_fields=["is_active"])
    ask_leave(w, plenary, first)
    ask_leave(w, symposium, first)
    assert not Notification.objects.filter(recipient__in=approvers).exists()
    w.chair.is_active = True
    w.chair.save(update_fields=["is_active"])
    ask_leave(w, plenary, second)
    assert Notification.objects.filter(recipient=w.chair).exists()
