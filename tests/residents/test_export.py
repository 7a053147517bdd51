"""Residents' issues lists as Excel (SPEC: every list can go to Excel): the queue's tabs and
the department's routed list, with the page's rows, scope and filter, the phone masked as
the page masks it, the reader's language, a job past the threshold and an audit event."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import DepartmentFactory, user_with_role
from tests.residents.conftest import accepted, raise_issue, routed
from xieshang.core.excel import DATE_FORMAT
from xieshang.core.jobs import Job
from xieshang.core.models import Event
from xieshang.orgs.models import Role
from xieshang.residents import services

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]

HEADERS = ["受理编号", "事项", "所属政协", "街道/社区", "联系电话", "提出时间", "状态"]
HEADERS += ["承办单位", "答复期限"]


def content(response) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    if response.streaming:  # a job's file
        return b"".join(response.streaming_content)
    return response.content


def sheet(response):
    return load_workbook(io.BytesIO(content(response))).active


def table(response):
    return [list(r) for r in sheet(response).iter_rows(values_only=True)]


def by_ticket(rows):
    return {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}


def client_for(user, language=None):
    client = Client()
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


def test_the_liaisons_queue_export_holds_the_pages_rows_masked(world):
    issue, _code = raise_issue(world, title="路灯不亮，电话13812345678", phone="13900001111")
    elsewhere, _code = raise_issue(world, organisation=world["street2"], title="新华街道的事")
    client = client_for(world["liaison"])
    page = client.get(reverse("residents:queue")).content.decode()
    assert 'id="issue-export"' in page and reverse("residents:export") + "?state=waiting" in page
    rows = table(client.get(reverse("residents:export") + "?state=waiting"))
    assert rows[0] == HEADERS
    found = by_ticket(rows)
    # A liaison exports their own street's issues only, as the page lists them.
    assert set(found) == {issue.ticket}
    row = found[issue.ticket]
    assert row["联系电话"] == "139****1111"
    assert row["事项"] == "路灯不亮，电话138****5678"
    assert row["街道/社区"] == "城关街道 · 东门社区"
    assert row["所属政协"] == "示范区政协"
    assert row["状态"] == "待受理"
    assert row["提出时间"] == dt.datetime.combine(timezone.localdate(), dt.time())
    cell = sheet(client.get(reverse("residents:export"))).cell(row=2, column=6)
    assert cell.number_format == DATE_FORMAT  # 2026年12月5日
    raw = content(client.get(reverse("residents:export")))
    assert b"13900001111" not in raw and b"13812345678" not in raw
    assert elsewhere.ticket not in str(rows)


def test_the_queue_export_follows_the_tab(world):
    waiting, _code = raise_issue(world, title="待受理的事")
    open_issue, _code = accepted(world, title="办理中的事")
    overdue_issue, _code = routed(world, title="逾期的事")
    task = overdue_issue.task
    task.due_date = timezone.localdate() - dt.timedelta(days=1)
    task.save(update_fields=["due_date"])
    client = client_for(world["office"])
    export = reverse("residents:export")
    assert set(by_ticket(table(client.get(export)))) == {waiting.ticket}
    assert set(by_ticket(table(client.get(export + "?state=open")))) == {
        open_issue.ticket,
        overdue_issue.ticket,
    }
    overdue = by_ticket(table(client.get(export + "?state=overdue")))
    assert set(overdue) == {overdue_issue.ticket}
    row = overdue[overdue_issue.ticket]
    assert row["承办单位"] == "区住房和城乡建设局"
    assert row["答复期限"].date() == task.due_date
    assert table(client.get(export + "?state=done"))[1:] == []
    # An unknown tab is refused as the page refuses it (400 naming the tabs), not the
    # default tab's rows in a file that says nothing of the typo.
    refused = client.get(export + "?state=bogus")
    assert refused.status_code == 400 and "待受理（waiting）" in refused.content.decode()
    # The button keeps the tab shown.
    page = client.get(reverse("residents:queue") + "?state=overdue").content.decode()
    assert reverse("residents:export") + "?state=overdue" in page


def test_the_departments_export_holds_what_was_routed_to_it_only(world):
    mine, _code = routed(world, phone="13900002222")
    raise_issue(world, title="未转办的事")
    transport = DepartmentFactory(organisation=world["district"], name="区交通运输局")
    theirs, _code = accepted(world, title="转给别的单位的事")
    services.issue_route(issue=theirs, actor=world["liaison"], department=transport)
    client = client_for(world["clerk"])
    page = client.get(reverse("residents:routed")).content.decode()
    assert 'id="routed-export"' in page and reverse("residents:routed_export") in page
    found = by_ticket(table(client.get(reverse("residents:routed_export"))))
    assert set(found) == {mine.ticket}
    assert found[mine.ticket]["联系电话"] == "139****2222"
    assert found[mine.ticket]["状态"] == "已转职能部门"
    assert found[mine.ticket]["答复期限"].date() == mine.task.due_date
    transport_clerk = user_with_role(Role.DEPARTMENT, world["district"], department=transport)
    other = by_ticket(table(client_for(transport_clerk).get(reverse("residents:routed_export"))))
    assert set(other) == {theirs.ticket}


@pytest.mark.parametrize(
    "user, url",
    [
        ("member", "residents:export"),
        ("member", "residents:routed_export"),
        ("liaison", "residents:routed_export"),  # no department
        ("office", "residents:routed_export"),
    ],
)
def test_who_may_not_see_the_list_may_not_export_it(world, user, url):
    routed(world)
    assert client_for(world[user]).get(reverse(url)).status_code == 403


def test_anonymous_visitors_go_to_the_login_page(world):
    for url in ("residents:export", "residents:routed_export"):
        response = Client().get(reverse(url))
        assert response.status_code == 302 and "login" in response["Location"]


def test_the_file_is_in_the_readers_language(world):
    issue, _code = routed(world)
    client = client_for(world["clerk"], language="en")
    rows = table(client.get(reverse("residents:routed_export")))
    assert rows[0][:2] == ["Ticket number", "Item"] and "Phone" in rows[0]
    assert rows[1][0] == issue.ticket and rows[1][6] != "已转办"


def test_the_export_is_in_the_audit_log_with_no_field_unmasked(world):
    raise_issue(world)
    raise_issue(world, title="第二件")
    client_for(world["liaison"]).get(reverse("residents:export"))
    event = Event.objects.get(verb="pii.export")
    assert event.actor == world["liaison"]
    assert event.data["fields"] == [] and event.data["count"] == 2
    assert "待受理" in str(event.note)


def test_a_long_list_becomes_a_job_whose_file_holds_every_row_masked(
    world, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_JOB_THRESHOLD = 2
    tickets = {
        raise_issue(world, title=f"第{n}件", phone="13900003333")[0].ticket for n in range(3)
    }
    raise_issue(world, organisation=world["street2"], title="别的街道")
    client = client_for(world["liaison"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("residents:export"))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result_name.startswith("民情事项-")
    rows = table(client.get(reverse("job_download", args=[job.pk])))
    assert set(by_ticket(rows)) == tickets
    assert {r[4] for r in rows[1:]} == {"139****3333"}


def test_another_districts_office_exports_none_of_this_districts_issues(world):
    ours, _code = raise_issue(world)
    theirs, _code = raise_issue(world, organisation=world["other_street"], title="邻区的事")
    other = by_ticket(table(client_for(world["other_office"]).get(reverse("residents:export"))))
    assert set(other) == {theirs.ticket}
    # The city's office lists both districts' issues, and so does its file.
    city = by_ticket(table(client_for(world["city_office"]).get(reverse("residents:export"))))
    assert {ours.ticket, theirs.ticket} <= set(city)
