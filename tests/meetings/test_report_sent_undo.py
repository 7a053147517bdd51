"""A wrong 报送党委 / 报送政府 mark is taken back (撤销报送标记) by whoever runs the meeting,
with a reason, audited and told to the office; the report leaves that office's 报送本机关
list. Once that office has recorded a leader's instruction on it, the mark stays."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.meetings import test_report_sent_to_leaders as sent
from xieshang.core.models import Event, Notification
from xieshang.meetings import services
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db
w = sent.w
FRIDAY, _form = sent.FRIDAY, sent._form


@pytest.mark.clause("C4.7")
def test_a_wrong_mark_is_taken_back_with_a_reason_and_the_office_is_told(client, w):
    meeting = w.inspection
    with time_machine.travel(FRIDAY, tick=False):
        services.meeting_report_send(meeting=meeting, actor=w.office, to=Role.PARTY_OFFICE)
        meeting.refresh_from_db()
        client.force_login(w.office)
        page = client.get(meeting.get_absolute_url()).content.decode()
        assert 'id="report-unsend-form"' in page
        url = reverse("meetings:report_unsend", args=[meeting.pk])
        # A reason is required.
        response = client.post(url, {"to": Role.PARTY_OFFICE, "version": meeting.version})
        assert response.status_code == 400
        meeting.refresh_from_db()
        assert meeting.report_to_party_on == dt.date(2026, 3, 20)
        response = client.post(
            url,
            {"to": Role.PARTY_OFFICE, "reason": "应报送政府，误选党委", "version": meeting.version},
        )
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert meeting.report_to_party_on is None
        event = Event.objects.get(verb="meeting.report_unsend")
        assert event.actor == w.office
        assert (event.data["to"], event.data["sent_on"], event.data["reason"]) == (
            Role.PARTY_OFFICE,
            "2026-03-20",
            "应报送政府，误选党委",
        )
        page = client.get(meeting.get_absolute_url()).content.decode()
        assert "已报送党委" not in page and 'id="report-unsend-form"' not in page
        assert "撤销报送标记" in page  # the history names the step
        told = Notification.objects.filter(recipient=w.party_office, url=meeting.get_absolute_url())
        # The withdrawal's news waits unread; the 报送 notice it withdrew no longer does.
        assert told.get(title__contains="撤销").read_at is None
        assert told.get(title__startswith="政协报送的").read_at is not None
        client.force_login(w.party_office)
        assert meeting.title not in client.get(reverse("followups:received")).content.decode()
        assert client.get(meeting.get_absolute_url()).status_code == 404
        # Marked again (to the right office this time, or the same later): told again.
        services.meeting_report_send(meeting=meeting, actor=w.office, to=Role.PARTY_OFFICE)
    again = Notification.objects.filter(
        recipient=w.party_office, url=meeting.get_absolute_url()
    ).exclude(title__contains="撤销")
    assert again.count() == 2 and again.filter(read_at=None).count() == 1


@pytest.mark.clause("C4.7")
def test_the_mark_stays_once_the_office_recorded_an_instruction_on_it(client, w):
    meeting = w.inspection
    with time_machine.travel(FRIDAY, tick=False):
        services.meeting_report_send(meeting=meeting, actor=w.office, to=Role.PARTY_OFFICE)
        client.force_login(w.party_office)
        form_url = f"/followups/instructions/new/meetings.meeting/{meeting.pk}/"
        assert client.post(form_url, _form(departments=[w.housing.pk])).status_code == 302
        meeting.refresh_from_db()
        with pytest.raises(ValidationError, match="已在本报告上记录领导批示"):
            services.meeting_report_unsend(
                meeting=meeting, actor=w.office, to=Role.PARTY_OFFICE, reason="误标"
            )
        # The Party office cannot take back what the CPPCC office marked.
        client.force_login(w.party_office)
        response = client.post(
            reverse("meetings:report_unsend", args=[meeting.pk]),
            {"to": Role.PARTY_OFFICE, "reason": "误标", "version": meeting.version},
        )
        assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.report_to_party_on == dt.date(2026, 3, 20)
    assert not Event.objects.filter(verb="meeting.report_unsend").exists()
