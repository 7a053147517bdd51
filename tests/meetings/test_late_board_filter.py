"""The sign-in board of a plenary with hundreds of invitees: the clerk finds a member by
name (?q=), the filter holds while the list refreshes and after a marking, and the counts
stay the whole sitting's."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xieshang.meetings.models import Attendance

from .factories import world

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.9")]

DURING = dt.datetime(2026, 3, 16, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def names(html: str) -> list[str]:
    return re.findall(r'<td class="xs-board-name[^>]*>([^<]+)', html)


@pytest.fixture
def board(client):
    w = world()
    for name in ("张三", "张四", "李五", "王六"):
        w.member(name)
    meeting = w.meeting(day=dt.date(2026, 3, 16))
    client.force_login(w.office)
    sitting = meeting.sittings.get()
    return w, meeting, sitting, f"/meetings/sittings/{sitting.pk}/board/"


def test_the_board_finds_invitees_by_name_and_keeps_the_whole_count(client, board):
    _w, _meeting, _sitting, url = board
    html = client.get(url).content.decode()
    assert sorted(names(html)) == sorted(["张三", "张四", "李五", "王六"])
    html = client.get(url, {"q": "张"}).content.decode()
    assert sorted(names(html)) == ["张三", "张四"]
    assert 'value="张"' in html and 'id="board-filter"' in html
    assert "应到 4 · " in html  # the counts are the sitting's, not the filter's
    # The 5-second refresh keeps the filter.
    assert 'hx-get="?part=rows&amp;q=%E5%BC%A0"' in html
    part = client.get(url, {"part": "rows", "q": "张"}, headers={"HX-Request": "true"})
    assert sorted(names(part.content.decode())) == ["张三", "张四"]
    html = client.get(url, {"q": "赵"}).content.decode()
    assert names(html) == [] and "没有姓名含“赵”的参会人员。" in html


def test_marking_from_a_filtered_board_keeps_the_filter(client, board):
    _w, meeting, sitting, url = board
    li = meeting.invitations.get(name="李五")
    mark = f"/meetings/sittings/{sitting.pk}/mark/{li.pk}/"
    with time_machine.travel(DURING):
        html = client.get(url, {"q": "李"}).content.decode()
        assert '<input type="hidden" name="q" value="李">' in html
        part = client.post(
            mark, {"state": "present", "q": "李"}, headers={"HX-Request": "true"}
        ).content.decode()
        assert names(part) == ["李五"]
        response = client.post(mark, {"state": "late", "q": "李"})
    assert response.status_code == 302 and response["Location"].endswith("?q=%E6%9D%8E")
    assert Attendance.objects.get(invitation=li, sitting=sitting).state == "late"


def test_the_filter_costs_no_query(client, board):
    _w, _meeting, _sitting, url = board
    client.get(url)
    with CaptureQueriesContext(connection) as plain:
        client.get(url)
    with CaptureQueriesContext(connection) as filtered:
        client.get(url, {"q": "张"})
    assert len(filtered) == len(plain)
