"""An inspection or research report is marked as sent to the Party committee or the
government (报送党委 / 报送政府, C4.7), with the day and audited; the office it went to finds
it on 报送本机关, reads it and records its own leaders' instructions on it, as for a
consultation outcome sent to it. Another office, or one of another node, does not."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.factories import DepartmentFactory, make_org, user_with_role
from tests.meetings.factories import world
from xieshang.core.models import Event, Notification
from xieshang.followups.models import Instruction, Task
from xieshang.meetings import services
from xieshang.meetings.models import Meeting, MeetingKind
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db
# Friday 20 March 2026, 10:00 Beijing: the report was filed on Monday the 16th.
FRIDAY = dt.datetime(2026, 3, 20, 2, tzinfo=dt.UTC)
FILED = dt.datetime(2026, 3, 16, 8, tzinfo=dt.UTC)


@pytest.fixture
def w():
    w = world()
    w.party_office = user_with_role(Role.PARTY_OFFICE, w.org, full_name="区委办")
    w.gov_office = user_with_role(Role.GOVERNMENT_OFFICE, w.org, full_name="区政府办")
    other = make_org("邻区政协")
    w.other_party_office = user_with_role(Role.PARTY_OFFICE, other, full_name="邻区委办")
    w.housing = DepartmentFactory(organisation=w.org, name="区住房和城乡建设局")
    with time_machine.travel(FILED, tick=False):
        w.inspection = w.meeting(MeetingKind.INSPECTION, title="老旧小区改造视察")
        services.meeting_file_report(
            meeting=w.inspection, actor=w.office, text="视察发现三方面问题。"
        )
    w.inspection.refresh_from_db()
    return w


def _form(**extra):
    data = {
        "leader": "王书记",
        "level": "district",
        "instructed_on": "2026-03-20",
        "text": "请区住建局研究落实。",
        "working_days": 10,
    }
    data.update(extra)
    return data


@pytest.mark.clause("C4.7")
def test_the_office_marks_the_report_sent_and_the_party_office_records_on_it(client, w):
    meeting = w.inspection
    form_url = f"/followups/instructions/new/meetings.meeting/{meeting.pk}/"
    client.force_login(w.party_office)
    # Not sent yet: neither the page nor the form, nor a row on 报送本机关.
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get(form_url).status_code == 404
    with time_machine.travel(FRIDAY, tick=False):
        client.force_login(w.office)
        page = client.get(meeting.get_absolute_url()).content.decode()
        assert 'id="report-send-form"' in page
        form = page.split('id="report-send-form"', 1)[1].split("</form>", 1)[0]
        # 报送至 ○党委 ○政府: the body under the label, not the action again.
        assert ">党委</label>" in form and ">政府</label>" in form and "报送党委" not in form
        response = client.post(
            reverse("meetings:report_send", args=[meeting.pk]),
            {"to": Role.PARTY_OFFICE, "sent_on": "2026-03-18", "version": meeting.version},
        )
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert meeting.report_to_party_on == dt.date(2026, 3, 18)
        assert meeting.report_to_government_on is None
        event = Event.objects.get(verb="meeting.report_send")
        assert event.actor == w.office
        assert (event.data["to"], event.data["sent_on"]) == (Role.PARTY_OFFICE, "2026-03-18")
        assert event.note == "报送党委（2026年3月18日）"
        page = client.get(meeting.get_absolute_url()).content.decode()
        assert "已报送党委（2026年3月18日）" in page
        # The history names the step, not its code.
        assert "标记报送党委、政府" in page and "meeting.report_send" not in page
        # The party office is told, the government office not.
        assert Notification.objects.filter(
            recipient=w.party_office, url=meeting.get_absolute_url()
        ).exists()
        assert not Notification.objects.filter(recipient=w.gov_office).exists()

        client.force_login(w.party_office)
        listing = client.get(reverse("followups:received") + "?year=2026").content.decode()
        assert meeting.title in listing and "2026年3月18日" in listing
        assert "视察调研报告" in listing and form_url in listing
        assert client.get(meeting.get_absolute_url()).status_code == 200
        # Not dated before the report reached the office (a tester dated one months before).
        early = client.post(form_url, _form(departments=[w.housing.pk], instructed_on="2026-03-17"))
        assert early.status_code == 400
        assert "批示日期不能早于该事项报送的日期" in early.content.decode()
        assert client.post(form_url, _form(departments=[w.housing.pk])).status_code == 302
    instruction = Instruction.objects.get()
    assert instruction.recorded_as == Role.PARTY_OFFICE
    assert instruction.created_by == w.party_office and instruction.organisation == w.org
    task = Task.objects.get(kind=Task.Kind.INSTRUCTION)
    assert task.department == w.housing and task.requested_by == w.party_office


@pytest.mark.clause("C4.7")
def test_only_the_office_it_went_to_records_on_it(client, w):
    meeting = w.inspection
    with time_machine.travel(FRIDAY, tick=False):
        services.meeting_report_send(meeting=meeting, actor=w.office, to=Role.GOVERNMENT_OFFICE)
    form_url = f"/followups/instructions/new/meetings.meeting/{meeting.pk}/"
    for outsider in (w.party_office, w.other_party_office):
        client.force_login(outsider)
        assert client.get(form_url).status_code == 404
        assert client.get(meeting.get_absolute_url()).status_code == 404
        assert meeting.title not in client.get(reverse("followups:received")).content.decode()
    client.force_login(w.gov_office)
    listing = client.get(reverse("followups:received")).content.decode()
    assert meeting.title in listing and "2026年3月20日" in listing
    assert client.get(form_url).status_code == 200
    # The Party office's day is its own: sent there later, each list reads its own day.
    with time_machine.travel(FRIDAY + dt.timedelta(days=3), tick=False):
        services.meeting_report_send(meeting=meeting, actor=w.office, to=Role.PARTY_OFFICE)
    client.force_login(w.party_office)
    listing = client.get(reverse("followups:received")).content.decode()
    assert "2026年3月23日" in listing and "2026年3月20日" not in listing
    # Nor may the Party office date its leader's instruction before its own day, though the
    # government had the report since the 20th (the form's first check is the earlier day).
    with time_machine.travel(FRIDAY + dt.timedelta(days=4), tick=False):
        early = client.post(form_url, _form(departments=[w.housing.pk], instructed_on="2026-03-21"))
        assert early.status_code == 400
        assert "批示日期不能早于调研报告报送本机关的日期（2026年3月23日）" in early.content.decode()
        assert not Instruction.objects.exists()
        client.force_login(w.gov_office)
        fine = client.post(form_url, _form(departments=[w.housing.pk], instructed_on="2026-03-21"))
        assert fine.status_code == 302
    assert Instruction.objects.get().recorded_as == Role.GOVERNMENT_OFFICE


@pytest.mark.clause("C4.7")
def test_marking_is_refused_before_the_report_twice_in_the_future_and_to_others(client, w):
    with time_machine.travel(FRIDAY, tick=False):
        unfiled = w.meeting(MeetingKind.INSPECTION, title="未提交报告的调研")
        with pytest.raises(ValidationError, match="调研报告提交后才能报送"):
            services.meeting_report_send(meeting=unfiled, actor=w.office, to=Role.PARTY_OFFICE)
        symposium = w.meeting(MeetingKind.SYMPOSIUM, title="座谈会")
        symposium.report, symposium.report_filed_at = "纪要", FILED
        symposium.save(update_fields=["report", "report_filed_at"])
        with pytest.raises(ValidationError, match="只有视察调研报告"):
            services.meeting_report_send(meeting=symposium, actor=w.office, to=Role.PARTY_OFFICE)
        with pytest.raises(ValidationError):
            services.meeting_report_send(
                meeting=w.inspection,
                actor=w.office,
                to=Role.PARTY_OFFICE,
                sent_on=dt.date(2026, 3, 13),  # before the report was filed
            )
        with pytest.raises(PermissionDenied):
            services.meeting_report_send(
                meeting=w.inspection, actor=w.party_office, to=Role.PARTY_OFFICE
            )
        services.meeting_report_send(meeting=w.inspection, actor=w.office, to=Role.PARTY_OFFICE)
        with pytest.raises(ValidationError, match="已于2026年3月20日报送党委办公室"):
            services.meeting_report_send(meeting=w.inspection, actor=w.office, to=Role.PARTY_OFFICE)
        client.force_login(w.office)
        # A date ahead is refused on the form, with what was chosen kept.
        response = client.post(
            reverse("meetings:report_send", args=[w.inspection.pk]),
            {"to": Role.GOVERNMENT_OFFICE, "sent_on": "2026-03-27"},
        )
        assert response.status_code == 400
        assert 'id="report-send-form"' in response.content.decode()
    assert Event.objects.filter(verb="meeting.report_send").count() == 1
    assert Meeting.objects.get(pk=w.inspection.pk).report_to_government_on is None


def test_a_mark_from_a_page_opened_before_another_change_is_refused(client, w):
    shown = w.inspection.version
    with time_machine.travel(FRIDAY, tick=False):
        services.meeting_report_send(meeting=w.inspection, actor=w.office, to=Role.PARTY_OFFICE)
        client.force_login(w.office)
        response = client.post(
            reverse("meetings:report_send", args=[w.inspection.pk]),
            {"to": Role.GOVERNMENT_OFFICE, "sent_on": "2026-03-20", "version": shown},
        )
    assert response.status_code == 400
    html = response.content.decode()
    assert "请核对报送情况后再提交" in html
    assert Meeting.objects.get(pk=w.inspection.pk).report_to_government_on is None
