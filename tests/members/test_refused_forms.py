"""A refused form on the members' pages shows why and keeps what was typed, even when the
member's seat or Party group has moved on meanwhile (a colleague acted first): the page
answers 400 and the action is not recorded twice."""

import datetime as dt

import pytest
from django.urls import reverse

from xieshang.core.models import Event
from xieshang.members import services
from xieshang.members.models import Membership

from .factories import committee, seat_of

pytestmark = pytest.mark.django_db


def test_a_refused_exit_keeps_its_reason_when_a_colleague_recorded_one_first(client):
    """Two clerks had the member's page open; the second one's revocation came after the
    first had recorded the resignation. Before, a flash and a redirect to the page, where
    the ended seat offered no exit form and the reason was gone."""
    c = committee()
    member = c.member("王芳")
    membership = seat_of(member, c.term)
    services.membership_resign(
        membership=membership, actor=c.clerk, reason="本人申请", on_date=dt.date(2026, 1, 5)
    )
    client.force_login(c.clerk)
    response = client.post(
        reverse("members:membership_status", args=[member.pk, membership.pk]),
        {"to": "revoked", "on_date": "2026-11-20", "reason": "常委会决定撤销其委员资格"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "不能执行此操作" in body and "常委会决定撤销其委员资格" in body
    assert 'value="2026-11-20"' in body
    assert Membership.objects.get(pk=membership.pk).status == Membership.Status.RESIGNED
    assert Event.objects.filter(verb__startswith="membership.").count() == 1
