"""A leave reason written out but too long is told only that it is too long."""

import datetime as dt

import pytest

from xieshang.meetings.models import LeaveRequest, MeetingKind

from .factories import world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["其他", "因公出差"])
def test_a_too_long_leave_reason_is_not_also_called_missing(client, kind):
    w = world()
    m = w.member()
    meeting = w.meeting(MeetingKind.STANDING, day=dt.date(2027, 3, 16))
    client.force_login(m.user)
    response = client.post(
        f"/meetings/{meeting.pk}/leave/", {"reason_kind": kind, "reason": "出差" * 300}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "最多500个字" in html
    # The member wrote a reason: the page does not also ask them to write one.
    assert "请写明请假事由" not in html
    assert "出差" * 300 in html
    assert not LeaveRequest.objects.exists()
