"""督办 notices are read in the reader's language, whoever sent them in which: an office
clerk working in English leaves a Chinese department clerk Chinese notices (with dates the
Chinese way), and an English reader reads English with English dates."""

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from tests.followups.test_engine import open_task, world  # noqa: F401 - the fixture
from xieshang.core.audit import history
from xieshang.core.models import Notification
from xieshang.followups import services

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C4.6")
def test_a_chase_sent_from_an_english_page_reads_chinese_to_a_chinese_clerk(world):  # noqa: F811
    task = open_task(world)
    with time_machine.travel(dt.datetime(2026, 2, 10, 9, 0)), translation.override("en"):
        services.task_urge(task=task, actor=world["office"], note="请本周内答复")
    note = Notification.objects.get(recipient=world["clerk"], dedupe_key__contains=":urge:")
    with translation.override("zh-hans"):
        assert note.shown_title == "催办：关于加快老旧小区改造的提案"
        assert note.shown_body.startswith("办理期限为2026年2月26日，请抓紧办理")
        assert note.shown_body.endswith("\n请本周内答复")
    with translation.override("en"):
        assert note.shown_title == "Chased: 关于加快老旧小区改造的提案"
        assert "Feb. 26, 2026" in note.shown_body and "2026年" not in note.shown_body


@pytest.mark.clause("C4.6")
def test_the_overdue_scan_writes_its_history_note_for_each_reader(world):  # noqa: F811
    task = open_task(world)
    services.scan_deadlines(today=dt.date(2026, 3, 2))
    event = history(task).get(verb="followup.overdue")
    assert event.note == "已超过办理期限（2026年2月26日），升级督办。"
    with translation.override("en"):
        assert event.shown_note == "Past the due date (Feb. 26, 2026); escalated."
    note = Notification.objects.get(recipient=world["clerk"], dedupe_key__contains=":overdue:")
    with translation.override("en"):
        assert note.shown_title == "Follow-up task overdue: 关于加快老旧小区改造的提案"
