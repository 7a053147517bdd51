"""A committee activity's leave goes to that committee's own staff: `access.role_holders`
looked up by committee, not every committee's staff of the node nor a former one."""

import pytest

from tests.factories import user_with_role
from xieshang.core import access
from xieshang.meetings import services
from xieshang.meetings.models import MeetingKind
from xieshang.orgs.models import Committee, Role

from .factories import world

pytestmark = pytest.mark.django_db


def test_committee_leave_goes_to_that_committees_active_staff():
    w = world()
    other = Committee.objects.create(organisation=w.org, name="文史委员会")
    other_staff = user_with_role(Role.COMMITTEE_STAFF, w.org, committee=other, full_name="文史委")
    gone = user_with_role(Role.COMMITTEE_STAFF, w.org, committee=w.committee, is_active=False)
    assert set(access.role_holders(w.org, Role.COMMITTEE_STAFF, committee=w.committee)) == {
        w.committee_staff
    }
    assert set(access.role_holders(w.org, Role.COMMITTEE_STAFF, committee=other.pk)) == {
        other_staff
    }
    # Without a committee: every committee's active staff of the node, as before.
    assert set(access.role_holders(w.org, Role.COMMITTEE_STAFF)) == {w.committee_staff, other_staff}
    w.member("张三")
    meeting = w.meeting(MeetingKind.COMMITTEE, committee=w.committee)
    approvers = services.leave_approvers(meeting)
    assert approvers == [w.committee_staff]
    assert gone not in approvers
