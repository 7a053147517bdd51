"""Duty notices and generated history notes are read in the reader's language, whoever
wrote them in which: an office clerk working in English leaves a Chinese member Chinese
notices, and an English reader reads English (dates the English way)."""

import datetime as dt

import pytest
from django.utils import formats, timezone, translation

from tests.duty.factories import YEAR, setting
from xieshang.core.models import Event, Notification
from xieshang.duty import services
from xieshang.duty.award_models import Commendation
from xieshang.duty.models import DisciplineCase, DutyKind, DutyRecord

pytestmark = pytest.mark.django_db


def _english(day: dt.date) -> str:
    with translation.override("en"):
        return formats.date_format(day, "DATE_FORMAT")


@pytest.mark.clause("C5.7")
def test_a_duty_entry_reported_and_confirmed_in_english_reads_chinese_to_a_chinese_reader():
    _org, _term, office, member = setting()
    with translation.override("en"):
        entry = services.manual_entry_submit(
            member=member,
            actor=member.user,
            kind=DutyKind.INSPECTION,
            date=dt.date(YEAR, 5, 6),
            title="社区养老调研",
            evidence="照片",
        )
        services.manual_entry_decide(entry_id=entry.pk, actor=office, approve=True)
    told_office = Notification.objects.get(recipient=office)
    told_member = Notification.objects.get(recipient=member.user)
    assert told_office.title == f"{member.name} 报送了履职记录，待审核"  # stored as written
    assert told_member.title == "履职记录已确认：社区养老调研"
    with translation.override("zh-hans"):
        assert told_office.shown_title == f"{member.name} 报送了履职记录，待审核"
        assert told_member.shown_title == "履职记录已确认：社区养老调研"
    with translation.override("en"):
        assert told_office.shown_title == f"{member.name} reported a duty; please review"
        assert told_member.shown_title == "Duty record confirmed: 社区养老调研"


@pytest.mark.clause("C5.11")
def test_a_case_decision_names_its_outcome_in_the_readers_language():
    org, _term, office, member = setting()
    case = DisciplineCase.objects.create(
        organisation=org, member=member, rule=DisciplineCase.Rule.ABSENCE_REMINDER, year=YEAR
    )
    with translation.override("en"):
        services.case_decide(
            case_id=case.pk, actor=office, decision=DisciplineCase.Status.REMINDED, note="已谈话"
        )
    told = Notification.objects.get(recipient=member.user)
    assert told.title == "履职纪律事项处理结果：已提醒谈话"
    with translation.override("en"):
        assert told.shown_title == "Discipline case decided: Reminder talk given"
        assert told.shown_body == "已谈话"  # typed by the clerk: as typed


@pytest.mark.clause("C5.7")
def test_a_record_moved_out_of_a_settled_year_keeps_its_note_for_each_reader():
    org, _term, office, member = setting()
    Commendation.objects.create(organisation=org, year=YEAR, status=Commendation.Status.APPROVED)
    today = timezone.localdate()
    with translation.override("en"):
        record = services.record_duty(
            member=member,
            kind=DutyKind.MEETING,
            date=dt.date(YEAR, 12, 20),
            title="年末座谈会",
            source=office,
            actor=office,
        )
    record = DutyRecord.objects.get(pk=record.pk)
    chinese = (
        f"原应记于{YEAR}年12月20日；{YEAR}年度表彰名单已经主席会议审定，该年度的履职积分已定格，"
        f"改记于{today.year}年{today.month}月{today.day}日，计入{today.year}年度。"
    )
    assert record.evidence == chinese  # in the site's language, whoever recorded it
    event = Event.objects.get(verb="duty.record_carried")
    assert event.note == chinese
    with translation.override("zh-hans"):
        assert event.shown_note == chinese
    with translation.override("en"):
        shown = event.shown_note
    assert shown.startswith(f"Due on {_english(dt.date(YEAR, 12, 20))}; ")
    assert f"recorded on {_english(today)} and counts in {today.year}." in shown


@pytest.mark.clause("C5.8")
def test_a_commendation_round_sent_and_returned_in_english_reads_chinese_to_chinese_chairs():
    from tests.duty.test_awards import World, Y
    from xieshang.duty import awards

    world = World()
    cands = awards.candidates(world.org, Y)
    picks = [(t, cs[0].ref, "") for t, cs in cands.items()]
    with translation.override("en"):
        com = awards.commendation_propose(
            organisation=world.org, year=Y, picks=picks, actor=world.office, version=None
        )
        awards.commendation_submit(commendation=com, actor=world.office)
        awards.commendation_return(commendation=com, actor=world.chair, reason="名单须再议")
    proposed = Event.objects.get(verb="duty.award_propose")
    assert proposed.note == f"拟表彰{len(picks)}个（名）"
    to_chair = Notification.objects.get(recipient=world.chair)
    back = Notification.objects.get(recipient=world.office)
    assert to_chair.title == f"{Y}年度表彰名单待主席会议审定"
    assert back.title == f"{Y}年度表彰名单被主席会议退回"
    with translation.override("en"):
        assert proposed.shown_note == f"{len(picks)} proposed for commendation"
        assert to_chair.shown_title == (
            f"Commendation list {Y} awaits the chairman's meeting's approval"
        )
        assert back.shown_title == f"Commendation list {Y} returned by the chairman's meeting"
        assert back.shown_body == "名单须再议"
