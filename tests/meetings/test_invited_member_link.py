"""A member follows their duty file's record of a meeting they attended to the meeting's
page: asked without the invitation in hand (the duty file's links ask the owner through
followups.subjects), the meetings policy looks it up, as the meetings list does. A member
who was not invited is still refused the page and given no link."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.duty.factories import YEAR, member_with_user, setting
from xieshang.duty.models import DutyKind as K
from xieshang.duty.services import record_duty
from xieshang.meetings.models import Invitation, Meeting, MeetingKind

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C5.7")]


def _meeting(org, member, title, status=Meeting.Status.CLOSED):
    start = timezone.make_aware(dt.datetime(YEAR, 4, 8, 9))
    meeting = Meeting.objects.create(
        organisation=org,
        kind=MeetingKind.choices[0][0],
        title=title,
        start=start,
        end=start + dt.timedelta(hours=2),
        status=status,
    )
    invitation = Invitation.objects.create(meeting=meeting, member=member, name=member.name)
    record_duty(
        member=member, kind=K.MEETING, date=dt.date(YEAR, 4, 8), title=title, source=invitation
    )
    return meeting


def test_the_invited_member_follows_the_duty_file_to_the_meeting(client):
    org, _term, _office, member = setting()
    held = _meeting(org, member, "养老服务专题协商会")
    client.force_login(member.user)
    own = client.get(reverse("duty:my_file") + f"?year={YEAR}").content.decode()
    assert f'<a href="{held.get_absolute_url()}">养老服务专题协商会</a>' in own
    assert client.get(held.get_absolute_url()).status_code == 200
    # A member of the same organisation who was not invited is refused it, as before.
    other = member_with_user(org)
    client.force_login(other.user)
    assert client.get(held.get_absolute_url()).status_code in (403, 404)


def test_an_invitation_to_a_draft_meeting_opens_nothing(client):
    org, _term, _office, member = setting()
    draft = _meeting(org, member, "筹备中的协商会", status=Meeting.Status.DRAFT)
    client.force_login(member.user)
    own = client.get(reverse("duty:my_file") + f"?year={YEAR}").content.decode()
    assert "筹备中的协商会" in own and draft.get_absolute_url() not in own
    assert client.get(draft.get_absolute_url()).status_code in (403, 404)
