"""The office issues a member's certificate of participation (参加政协活动证明) for them: the
member's employer or the member asks the office, often for a member not at a computer."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.urls import reverse

from tests.duty.factories import YEAR, record, setting
from tests.factories import make_org, user_with_role
from tests.pdftext import pdf_text
from xieshang.core.models import Event, Notification
from xieshang.duty.models import Certificate, DutyKind
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C6.3")
def test_the_office_of_the_members_committee_issues_the_certificate_and_no_other_office(client):
    _org, _term, office, member = setting()
    record(member, DutyKind.INSPECTION, date=dt.date(YEAR, 5, 9), title="河湖长制视察")
    other_office = user_with_role(Role.OFFICE, make_org("另一区政协"))
    url = reverse("duty:member_certificate", args=[member.pk])
    period = {"start_date": f"{YEAR}-01-01", "end_date": f"{YEAR}-12-31"}

    # The office finds the button on the member's file it already reads.
    client.force_login(office)
    file_page = client.get(reverse("duty:member_file", args=[member.pk])).content.decode()
    assert url in file_page

    # An office of another committee: no such page, nothing issued.
    client.force_login(other_office)
    assert client.get(url).status_code == 404
    assert client.post(url, period).status_code == 404
    assert not Certificate.objects.exists()

    client.force_login(office)
    assert member.name in client.get(url).content.decode()
    response = client.post(url, period)
    assert response["Content-Type"] == "application/pdf"
    # Named for the member: the employer's clerk files several members' at once.
    assert quote(f"参加政协活动证明-{member.name}.pdf") in response["Content-Disposition"]
    cert = Certificate.objects.get()
    text = "".join(pdf_text(response.content).split())
    assert member.name in text and "河湖长制视察" in text and cert.code in text
    assert cert.member == member and cert.issued_by == office

    # Audited as the member's own issuing, naming the office clerk who issued it.
    event = Event.objects.get(verb="duty.certificate_issue")
    assert event.actor == office and event.object_id == str(cert.pk)
    assert member.name in event.note

    # The member hears that a certificate about them went out, with the code that checks it.
    note = Notification.objects.get(recipient=member.user)
    assert "参加政协活动证明" in note.title and cert.code in note.body
    assert note.url == reverse("duty:certificate")

    client.logout()
    page = client.get("/portal/verify/", {"code": cert.code}).content.decode()
    assert "真实有效" in page and member.name in page


def test_a_member_printing_their_own_certificate_is_not_notified_of_it(client):
    _org, _term, _office, member = setting()
    record(member, DutyKind.INSPECTION, date=dt.date(YEAR, 5, 9), title="河湖长制视察")
    client.force_login(member.user)
    response = client.post(
        reverse("duty:certificate"), {"start_date": f"{YEAR}-01-01", "end_date": f"{YEAR}-12-31"}
    )
    assert response["Content-Type"] == "application/pdf"
    assert Certificate.objects.count() == 1
    assert not Notification.objects.filter(recipient=member.user).exists()
