"""The lists people print, as Excel through the one exporter (core.exports): topics,
consultation activities, leave requests and discipline cases hold the rows their pages show
for the same filters, with Chinese headers and file names, and only for whoever may see them.
"""

from urllib.parse import quote

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.demodata import demo  # noqa: F401 - the demo district, a module fixture
from tests.xlsx import assert_no_formulas, workbook
from xieshang.consultation import selectors as consultation_selectors
from xieshang.consultation.models import Topic
from xieshang.core.models import User
from xieshang.duty.models import DisciplineCase
from xieshang.meetings import selectors as meeting_selectors
from xieshang.members.models import Member
from xieshang.orgs.models import Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def table(response) -> list[list]:
    assert response.status_code == 200, response.status_code
    wb = workbook(response)
    assert_no_formulas(wb)
    ws = wb.active
    assert ws.freeze_panes == "A2"
    return [list(r) for r in ws.iter_rows(values_only=True)]


def as_user(client, username: str) -> User:
    user = User.objects.get(username=username)
    client.force_login(user)
    return user


def test_topics_export_follows_the_lists_filter(client):
    user = as_user(client, "office")
    source = Topic.Source.PUBLIC
    response = client.get(reverse("consultation:topics_export"), {"source": source})
    assert "filename*=UTF-8''" + quote("协商议题-") in response["Content-Disposition"]
    rows = table(response)
    header = rows[0]
    assert header[:3] == ["议题名称", "来源", "提出者"]
    expected = consultation_selectors.topic_list(user, source=source)
    assert {r[0] for r in rows[1:]} == {t.title for t in expected}
    assert len(rows) - 1 == expected.count() > 0
    assert {r[header.index("来源")] for r in rows[1:]} == {Topic.Source(source).label}


def test_activities_export_lists_the_scoped_activities_with_real_dates(client):
    import datetime as dt

    user = as_user(client, "office")
    rows = table(client.get(reverse("consultation:activities_export")))
    # The list and its export hold the current year unless another is asked.
    expected = consultation_selectors.activity_list(user).filter(
        date__year=timezone.localdate().year
    )
    assert len(rows) - 1 == expected.count() > 0
    first = expected.first()
    assert rows[1][:2] == [dt.datetime.combine(first.date, dt.time()), first.title]
    # A member has no consultation list to export.
    as_user(client, "member")
    assert client.get(reverse("consultation:activities_export")).status_code == 403


def test_leave_export_holds_the_tab_the_approver_is_on(client):
    user = as_user(client, "chair")
    for state in ("pending", "done"):
        rows = table(client.get(reverse("meetings:leave_export"), {"state": state}))
        expected = meeting_selectors.leave_queue(user, state=state)
        assert len(rows) - 1 == expected.count()
        assert {r[5] for r in rows[1:]} == {leave.reason for leave in expected}
    assert meeting_selectors.leave_queue(user, state="done").exists()


def test_cases_export_is_the_offices_and_follows_the_status_filter(client):
    office = as_user(client, "office")
    status = DisciplineCase.Status.OPEN
    # The demo's open cases depend on the month (none in early January, before the plenary and
    # with last year's facts partly the other demos'): one open and one settled case more.
    org = Organisation.objects.get(name="示范区政协")
    open_one, settled = Member.objects.filter(organisation=org, discipline_cases=None)[:2]
    for member, state in ((open_one, status), (settled, DisciplineCase.Status.DISMISSED)):
        DisciplineCase.objects.create(
            organisation=org,
            member=member,
            rule=DisciplineCase.Rule.ABSENCE_REMINDER,
            year=timezone.localdate().year,
            status=state,
        )
    rows = table(client.get(reverse("duty:cases_export"), {"status": status}))
    request = RequestFactory().get("/", {"status": status})
    request.user = office
    from xieshang.duty.exports import case_rows

    expected = case_rows(request)
    assert len(rows) - 1 == expected.count() > 0
    assert {r[0] for r in rows[1:]} == {c.member.name for c in expected}
    assert open_one.name in {r[0] for r in rows[1:]}
    assert settled.pk not in {c.member_id for c in expected}
    # A member has their own cases on the page but no office export.
    as_user(client, "member")
    assert client.get(reverse("duty:cases_export")).status_code == 403
