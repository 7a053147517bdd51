"""Automatic duty records and the settled years (C5.7): a fact dated in a year whose
commendation list is with the chairman's meeting or published is written into the open year,
on the day it is recorded, with a note; the refusal of a manual entry says in words that
read right which state settled the year; a record names its date the official way."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.duty.factories import YEAR, member_with_user, setting
from tests.factories import make_org
from xieshang.core.models import Event
from xieshang.duty import selectors
from xieshang.duty.award_models import Commendation
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.duty.services import Fact, manual_entry_record, record_duties, record_duty

pytestmark = pytest.mark.django_db
S = Commendation.Status


def _round(org, status, year=YEAR):
    return Commendation.objects.create(organisation=org, year=year, status=status)


def _meeting_fact(member, source, day=dt.date(YEAR, 12, 20)):
    return record_duty(
        member=member, kind=DutyKind.MEETING, date=day, title="年末座谈会", source=source
    )


# --- 1. automatic records never move a settled year ----------------------------------------


def test_an_automatic_record_of_a_settled_year_is_written_into_the_open_year():
    org, _term, office, member = setting()
    _round(org, S.APPROVED)
    before = selectors.scores(org, YEAR, [member.pk])[member.pk].total
    today = timezone.localdate()
    record = _meeting_fact(member, source=office)
    record.refresh_from_db()
    assert record.date == today
    assert selectors.scores(org, YEAR, [member.pk])[member.pk].total == before
    assert selectors.scores(org, today.year, [member.pk])[member.pk].total > 0
    assert f"原应记于{YEAR}年12月20日" in record.evidence
    assert f"{YEAR}年度表彰名单已经主席会议审定" in record.evidence
    event = Event.objects.get(verb="duty.record_carried")
    assert event.object_id == str(record.pk) and event.note == record.evidence
    # Recorded again (a retried task): the same row, not a second one.
    assert _meeting_fact(member, source=office).pk == record.pk
    assert DutyRecord.objects.count() == 1


def test_an_open_year_still_takes_its_records():
    org, _term, office, member = setting()
    _round(org, S.RETURNED)  # returned by the chairs: open again
    record = _meeting_fact(member, source=office)
    assert (record.date, record.evidence) == (dt.date(YEAR, 12, 20), "")
    assert not Event.objects.filter(verb="duty.record_carried").exists()


def test_a_batch_moves_only_the_facts_of_a_settled_organisation():
    """Closing a plenary writes many facts at once; each committee's own year decides."""
    org, _term, office, member = setting()
    other = make_org()
    outsider = member_with_user(other)
    _round(org, S.PUBLISHED)
    day = dt.date(YEAR, 12, 30)
    moved, kept = record_duties(
        [
            Fact(member, DutyKind.PLENARY_HALF_DAY, day, "全体会议", office),
            Fact(outsider, DutyKind.PLENARY_HALF_DAY, day, "全体会议", office),
        ]
    )
    assert moved.date == timezone.localdate() and kept.date == day
    assert Event.objects.filter(verb="duty.record_carried").count() == 1


# --- 4. the refusal reads right in every state, in both languages --------------------------


@pytest.mark.parametrize(
    ("status", "chinese", "english"),
    [
        (S.SUBMITTED, "表彰名单已报主席会议审定", "has gone to the chairman's meeting"),
        (S.APPROVED, "表彰名单已经主席会议审定", "has been approved by the chairman's meeting"),
        (S.PUBLISHED, "表彰名单已公布", "has been published"),
    ],
)
def test_the_refusal_names_the_state_that_settled_the_year(status, chinese, english):
    org, _term, office, member = setting()
    _round(org, status)
    fields = {
        "member": member,
        "actor": office,
        "kind": DutyKind.INSPECTION,
        "date": dt.date(YEAR, 6, 1),
        "title": "河道治理视察",
        "evidence": "通知",
    }
    with pytest.raises(Exception) as refused:
        manual_entry_record(**fields)
    message = refused.value.messages[0]
    assert message.startswith(f"{YEAR}年度{chinese}，该年度的履职积分已定格")
    assert "已已" not in message and "已待" not in message and "已主席" not in message
    with translation.override("en"), pytest.raises(Exception) as refused:
        manual_entry_record(**fields)
    message = refused.value.messages[0]
    assert english in message and str(YEAR) in message
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in message)


def test_the_office_entry_page_shows_the_refusal(client):
    org, _term, office, member = setting()
    _round(org, S.PUBLISHED)
    client.force_login(office)
    response = client.post(
        reverse("duty:entry_for_member", args=[member.pk]),
        {"kind": DutyKind.INSPECTION, "date": f"{YEAR}-06-01", "title": "河道治理视察",
         "evidence": "通知"},
    )  # fmt: skip
    body = response.content.decode()
    assert f"{YEAR}年度表彰名单已公布，该年度的履职积分已定格" in body
    assert "已已公布" not in body


# --- 5. a record names its date as official texts do ---------------------------------------


def test_a_record_and_its_audit_entry_write_the_date_the_official_way():
    org, _term, office, member = setting()
    member.name = "白兴和"
    member.save(update_fields=["name"])
    day = timezone.localdate().replace(month=11, day=30)
    if day > timezone.localdate():
        day = day.replace(year=day.year - 1)
    entry = manual_entry_record(
        member=member,
        actor=office,
        kind=DutyKind.INSPECTION,
        date=day,
        title="河道治理视察",
        evidence="通知",
    )
    expected = f"{day.year}年11月30日 白兴和 视察调研"
    assert str(entry) == expected
    assert Event.objects.get(verb="duty.entry_record").object_repr == expected
