"""/api/v1/meetings/: the same rules as the pages."""

import datetime as dt

import pytest
import time_machine

from xieshang.core.models import ApiToken
from xieshang.meetings import services
from xieshang.meetings.models import LeaveRequest, MeetingKind

from .factories import at, world

# The member operations are reached with a member's token as a future member app would
# (deployed, a member's token is refused: tests/api/test_token_holder.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("member_tokens_allowed")]


def bearer(user) -> dict:
    _, raw = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_it_requires_a_token(client):
    assert client.get("/api/v1/meetings/").status_code == 401


@pytest.mark.parametrize("n", [3, 30])
def test_the_list_has_a_fixed_query_count(client, n, django_assert_num_queries):
    w = world()
    for i in range(n):
        w.meeting(day=dt.date(2026, 3, 2) + dt.timedelta(days=i), invite=False, publish=False)
    headers = bearer(w.office)
    # Whatever n: one of these counts how wide the office's scope is, which decides how
    # the total is counted (`selectors.meeting_count`).
    with django_assert_num_queries(7):
        data = client.get("/api/v1/meetings/", **headers).json()
    assert data["count"] == n and len(data["items"]) == n


@pytest.mark.clause("C5.9")
def test_leave_and_attendance_through_the_api(client):
    w = world()
    m = w.member("甲委员")
    other = world("他区政协")
    plenary = w.plenary(sittings=3)
    s1, s2, _s3 = plenary.sittings.all()
    member = bearer(m.user)
    mine = client.get("/api/v1/meetings/?mine=true", **member).json()
    assert [i["id"] for i in mine["items"]] == [plenary.pk]
    assert client.get(f"/api/v1/meetings/{plenary.pk}", **bearer(other.office)).status_code == 404
    bad = client.post(
        f"/api/v1/meetings/{plenary.pk}/leave",
        {"reason": ""},
        content_type="application/json",
        **member,
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["msg"] == "请填写请假事由。"
    made = client.post(
        f"/api/v1/meetings/{plenary.pk}/leave",
        {"reason": "出差", "sittings": [s2.pk]},
        content_type="application/json",
        **member,
    )
    assert made.status_code == 201 and made.json()["sittings"] == [s2.pk]
    leave_id = made.json()["id"]
    # The member cannot decide their own leave; the chair can.
    assert (
        client.post(
            f"/api/v1/meetings/leave/{leave_id}/decide",
            {"approve": True},
            content_type="application/json",
            **member,
        ).status_code
        == 404
    )
    chair = bearer(w.chair)
    queue = client.get("/api/v1/meetings/leave/", **chair).json()
    assert [r["id"] for r in queue["items"]] == [leave_id] and queue["count"] == 1
    decided = client.post(
        f"/api/v1/meetings/leave/{leave_id}/decide",
        {"approve": True},
        content_type="application/json",
        **chair,
    )
    assert decided.json()["status"] == "approved"
    assert LeaveRequest.objects.get().status == "approved"

    with time_machine.travel(at(dt.date(2026, 3, 16), 8, 55), tick=False):
        token = services.signin_token(s1)
        ok = client.post(
            f"/api/v1/meetings/sittings/{s1.pk}/signin",
            {"token": token},
            content_type="application/json",
            **member,
        )
        again = client.post(
            f"/api/v1/meetings/sittings/{s1.pk}/signin",
            {"token": token},
            content_type="application/json",
            **member,
        )
    assert ok.json()["state"] == "present"
    assert again.status_code == 422 and "无需重复签到" in again.json()["detail"][0]["msg"]
    rows = client.get(f"/api/v1/meetings/{plenary.pk}/attendance", **bearer(w.office)).json()
    assert rows[0]["sittings"] == {str(s1.pk): "present", str(s2.pk): "excused", str(_s3.pk): ""}
    assert client.get(f"/api/v1/meetings/{plenary.pk}/attendance", **member).status_code == 404


def test_a_member_is_told_why_leave_is_refused_for_a_closed_meeting(client):
    w = world()
    m = w.member()
    meeting = w.meeting(MeetingKind.SYMPOSIUM)
    services.meeting_close(meeting=meeting, actor=w.office)
    r = client.post(
        f"/api/v1/meetings/{meeting.pk}/leave",
        {"reason": "出差"},
        content_type="application/json",
        **bearer(m.user),
    )
    assert r.status_code == 422 and "不能请假" in r.json()["detail"][0]["msg"]
