"""A special committee's staff set up their own committee's activities: the form offers
that committee only and asks for it, rather than taking a meeting it then refuses."""

import pytest

from xieshang.meetings.models import Meeting, MeetingKind
from xieshang.orgs.models import Committee

from .factories import world

pytestmark = pytest.mark.django_db


def _form(**extra):
    return {
        "kind": MeetingKind.SYMPOSIUM,
        "title": "经济委座谈会",
        "location": "三楼会议室",
        "start": "2026-04-01T14:00",
        "end": "2026-04-01T16:00",
        "mode": Meeting.Mode.COMPULSORY,
        **extra,
    }


def test_committee_staff_are_offered_their_own_committee_and_must_pick_it(client):
    w = world()
    other = Committee.objects.create(organisation=w.org, name="文史委员会")
    client.force_login(w.committee_staff)
    page = client.get("/meetings/new/").content.decode()
    assert "经济委员会" in page and "文史委员会" not in page
    # Another committee's activity is not offered: the field says so, not a bare refusal.
    refused = client.post("/meetings/new/", _form(committee=other.pk))
    assert refused.status_code == 400 and not Meeting.objects.exists()
    assert client.post("/meetings/new/", _form()).status_code == 400
    assert client.post("/meetings/new/", _form(committee=w.committee.pk)).status_code == 302
    assert Meeting.objects.get().committee == w.committee
    # The office still sees every committee and may leave it empty.
    client.force_login(w.office)
    page = client.get("/meetings/new/").content.decode()
    assert "文史委员会" in page
    assert client.post("/meetings/new/", _form(title="办公室座谈会")).status_code == 302
