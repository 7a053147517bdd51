"""Once a year's commendation list goes to the chairman's meeting, that year's duty scores
are settled: no new or newly confirmed records dated in it and no change to its score rules,
so the list the chairs approve is the list the scores support (C5.7, C5.11). A returned list
opens the year again. Members report only this year's and last year's work."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.duty.factories import setting
from xieshang.duty.award_models import Commendation
from xieshang.duty.models import DutyKind, DutyRecord, ScoreRule
from xieshang.duty.services import manual_entry_submit

pytestmark = pytest.mark.django_db
# Last year: still reportable, its commendation round under way.
YEAR = timezone.localdate().year - 1


def _entry(client, member, day=f"{YEAR}-06-01"):
    client.force_login(member.user)
    return client.post(
        reverse("duty:entry_new"),
        {"kind": DutyKind.INSPECTION, "date": day, "title": "河道治理视察", "evidence": "通知"},
    )


def _round(org, status):
    return Commendation.objects.create(organisation=org, year=YEAR, status=status)


@pytest.mark.clause("C5.7")
def test_a_member_cannot_report_a_record_into_a_settled_year(client):
    org, _term, _office, member = setting()
    commendation = _round(org, Commendation.Status.SUBMITTED)
    response = _entry(client, member)
    assert response.status_code == 400
    body = response.content.decode()
    assert "已定格" in body and "河道治理视察" in body  # says why, keeps what was typed
    assert not DutyRecord.objects.exists()
    # The chairs return the list: the year is open again.
    commendation.status = Commendation.Status.RETURNED
    commendation.save()
    assert _entry(client, member).status_code == 302


def test_a_pending_record_of_a_settled_year_cannot_be_confirmed(client):
    org, _term, office, member = setting()
    entry = manual_entry_submit(
        member=member,
        actor=member.user,
        kind=DutyKind.INSPECTION,
        date=dt.date(YEAR, 6, 1),
        title="河道治理视察",
        evidence="通知",
    )
    _round(org, Commendation.Status.APPROVED)
    client.force_login(office)
    response = client.post(reverse("duty:entry_decide", args=[entry.pk]), {"action": "approve"})
    assert response.status_code == 400 and "已定格" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == DutyRecord.Status.PENDING
    # Declining it is still possible.
    client.post(
        reverse("duty:entry_decide", args=[entry.pk]), {"action": "reject", "note": "该年已定格"}
    )
    entry.refresh_from_db()
    assert entry.status == DutyRecord.Status.REJECTED


def test_the_score_rules_of_a_settled_year_are_read_only(client):
    org, _term, office, _member = setting()
    client.force_login(office)
    url = reverse("duty:rules") + f"?year={YEAR}"
    page = client.get(url)
    rule = ScoreRule.objects.filter(organisation=org, year=YEAR).first()
    assert rule is not None and "rules-settled" not in page.content.decode()
    _round(org, Commendation.Status.PUBLISHED)
    page = client.get(url).content.decode()
    assert "rules-settled" in page
    assert "表彰名单已公布，该年度的计分规则已定格" in page and "已已" not in page
    assert (
        f'name="r{rule.pk}-points"' in page
        and "disabled" in page.split(f'name="r{rule.pk}-points"')[1].split(">")[0]
    )
    data = {}
    for each in ScoreRule.objects.filter(organisation=org, year=YEAR):
        data[f"r{each.pk}-points"] = str(each.points)
        data[f"r{each.pk}-cap"] = "" if each.cap is None else str(each.cap)
        data[f"r{each.pk}-version"] = str(each.version)
    data[f"r{rule.pk}-points"] = "99"
    response = client.post(url, data)
    assert response.status_code == 400 and "已定格" in response.content.decode()
    rule.refresh_from_db()
    assert rule.points != 99


def test_a_record_from_before_last_year_is_refused(client):
    _org, _term, _office, member = setting()
    response = _entry(client, member, day="2019-05-04")
    assert response.status_code == 400
    assert "只能报送" in response.content.decode()
    assert not DutyRecord.objects.exists()


def test_this_years_list_is_drafted_but_not_submitted_before_the_year_ends(client):
    from django.utils import timezone

    org, _term, office, _member = setting()
    this_year = timezone.localdate().year
    commendation = Commendation.objects.create(organisation=org, year=this_year)
    client.force_login(office)
    response = client.post(reverse("duty:commendation_submit", args=[commendation.pk]), follow=True)
    assert "尚未结束" in response.content.decode()
    commendation.refresh_from_db()
    assert commendation.status == Commendation.Status.DRAFT
