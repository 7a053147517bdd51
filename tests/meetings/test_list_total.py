"""The meetings list reads its page and counts its total with different queries
(`selectors.meetings_for`, `selectors.meeting_count`): the page walks the meetings in date
order, the total is a union of index look-ups for a scope of a few organisations and a
test of every meeting for a wide one. Either way the total is the number of rows listed."""

import datetime as dt

import pytest

from tests.factories import UserFactory
from xieshang.core import access
from xieshang.meetings import selectors
from xieshang.meetings.models import Meeting, MeetingKind

from .factories import world

pytestmark = pytest.mark.django_db


def listed(user, **filters) -> list[int]:
    return list(selectors.meetings_for(user, **filters).values_list("pk", flat=True))


@pytest.mark.parametrize("small", [True, False], ids=["small scope", "wide scope"])
def test_the_total_is_the_number_of_meetings_the_list_shows(monkeypatch, small):
    monkeypatch.setattr(access, "scope_is_small", lambda user, *perms: small)
    a, b = world(), world("他区政协")
    member = a.member("甲委员")
    invited = a.meeting(day=dt.date(2026, 3, 2))
    not_invited = a.meeting(day=dt.date(2026, 3, 3), invite=False)
    draft = a.meeting(day=dt.date(2026, 3, 4), publish=False)
    committee_meeting = a.meeting(
        MeetingKind.COMMITTEE, day=dt.date(2025, 6, 1), invite=False, committee=a.committee
    )
    elsewhere = b.meeting(day=dt.date(2026, 3, 5))

    assert draft.status == Meeting.Status.DRAFT
    # The office sees its whole organisation, drafts included, and nothing of the other.
    assert set(listed(a.office)) == {invited.pk, not_invited.pk, draft.pk, committee_meeting.pk}
    assert listed(b.office) == [elsewhere.pk]
    # A member sees the published meetings they are invited to, newest first.
    assert listed(member.user) == [invited.pk]
    assert listed(member.user, mine=True) == [invited.pk]

    # The installer's superuser sees every meeting.
    superuser = UserFactory(is_superuser=True)
    assert set(listed(superuser)) == set(Meeting.objects.values_list("pk", flat=True))

    filters = [{}, {"mine": True}, {"year": 2026}, {"year": 2025}, {"kind": MeetingKind.COMMITTEE}]
    for user in (a.office, a.chair, a.committee_staff, member.user, b.office, superuser):
        for f in filters:
            assert selectors.meeting_count(user, **f) == len(listed(user, **f)), (user, f)
