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


def test_committee_staff_hold_only_the_kinds_a_committee_may_hold(client):
    """The plenary, the standing committee, the chairman's meeting and the office's other
    kinds are not a committee's to call: not offered, and a forged POST is refused on the
    field with what was typed kept."""
    w = world()
    client.force_login(w.committee_staff)
    page = client.get("/meetings/new/").content.decode()
    assert f'value="{MeetingKind.COMMITTEE}" selected' in page
    for kind in (MeetingKind.COMMITTEE, MeetingKind.SYMPOSIUM, MeetingKind.INSPECTION):
        assert f'value="{kind}"' in page
    for kind in (MeetingKind.PLENARY, MeetingKind.STANDING, MeetingKind.CHAIRMAN):
        assert f'value="{kind}"' not in page
    # Nor the fields of those kinds: a plenary's session, a studio's name, a record's host.
    for name in ("session", "activity_group", "series", "host", "attendees_text"):
        assert f'name="{name}"' not in page
    for kind in (MeetingKind.PLENARY, MeetingKind.STANDING, MeetingKind.SPECIAL_CONSULTATION):
        refused = client.post(
            "/meetings/new/", _form(kind=kind, committee=w.committee.pk, title="冒名全会")
        )
        assert refused.status_code == 400 and not Meeting.objects.exists()
        text = refused.content.decode()
        assert "其他类型由政协办公室组织" in text and "冒名全会" in text and "三楼会议室" in text
    ok = client.post("/meetings/new/", _form(kind=MeetingKind.INSPECTION, committee=w.committee.pk))
    assert ok.status_code == 302
    meeting = Meeting.objects.get()
    # Nor can the meeting be turned into a standing-committee meeting afterwards.
    edit = client.post(
        f"/meetings/{meeting.pk}/edit/",
        _form(kind=MeetingKind.STANDING, committee=w.committee.pk, version=meeting.version),
    )
    assert edit.status_code == 400
    meeting.refresh_from_db()
    assert meeting.kind == MeetingKind.INSPECTION


def test_the_service_refuses_a_committee_staff_plenary():
    import datetime as dt

    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    from xieshang.meetings import services

    w = world()
    start = timezone.now()
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            organisation=w.org,
            actor=w.committee_staff,
            kind=MeetingKind.PLENARY,
            committee=w.committee,
            title="全会",
            location="礼堂",
            start=start,
            end=start + dt.timedelta(hours=2),
        )
