"""A proposal's notices and generated history notes are read in the reader's language,
whoever sent them in which (C4.6): a proposal committee clerk or a department clerk working
in English leaves a Chinese member or leader Chinese notices, with dates the Chinese way,
and an English reader reads English with English dates. The text stored for e-mail, SMS and
the audit trail stays in the site's language (Chinese)."""

import datetime as dt

import pytest
import time_machine
from django.utils import formats, translation

from tests.factories import user_with_role
from tests.proposals.conftest import accepted, draft
from tests.proposals.test_department_pages import ANSWER_POST, ASSIGN_DAY, assigned, lead_of
from tests.proposals.test_reassign_returned_part import (  # noqa: F401 - the fixture
    REASSIGN_DAY,
    part_of,
    returned_by_housing,
    transport,
)
from xieshang.core.audit import history
from xieshang.core.models import Notification
from xieshang.core.text import chinese_date
from xieshang.orgs.models import Role
from xieshang.proposals import services

pytestmark = pytest.mark.django_db

TITLE = "关于加快老旧小区加装电梯的建议"


def english_date(day: dt.date) -> str:
    with translation.override("en"):
        return formats.date_format(day, "DATE_FORMAT")


@pytest.mark.clause("C4.6")
def test_an_assignment_made_in_english_reads_chinese_to_the_proposer(world):
    proposal = accepted(world)
    with translation.override("en"):
        (lead, _co) = services.proposal_assign(
            proposal=proposal,
            actor=world.reviewer,
            lead=world.housing,
            co=[world.education],
            note="请抓紧办理",
        )
    due = lead.task.due_date
    notice = Notification.objects.get(
        recipient=world.user("zhang"), dedupe_key__endswith=":assigned"
    )
    # Stored in the site's language, as before.
    assert notice.title == f"提案已交办：{TITLE}"
    assert (
        notice.body == f"主办：区住房和城乡建设局；协办：区教育局。答复期限：{chinese_date(due)}。"
    )
    with translation.override("zh-hans"):
        assert notice.shown_title == f"提案已交办：{TITLE}"
        assert notice.shown_body == notice.body
    with translation.override("en"):
        assert notice.shown_title == f"Proposal assigned: {TITLE}"
        assert notice.shown_body == (
            f"Lead: 区住房和城乡建设局; Co-handling: 区教育局. Answer due: {english_date(due)}."
        )
        assert "年" not in notice.shown_body
    # The history note: the departments in the reader's language, the clerk's words as typed.
    event = history(proposal).get(verb="proposal.assign")
    assert event.note == "主办：区住房和城乡建设局；协办：区教育局；请抓紧办理"
    with translation.override("en"):
        assert event.shown_note == "Lead: 区住房和城乡建设局; Co-handling: 区教育局; 请抓紧办理"


@pytest.mark.clause("C4.6")
def test_a_cosigning_invitation_and_its_reminder_read_in_the_cosigners_language(world):
    proposal = draft(world, cosigners=["wang"])
    invited_on = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(invited_on, tick=False), translation.override("en"):
        services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    invitation = Notification.objects.get(
        recipient=world.user("wang"), dedupe_key__endswith=":cosign"
    )
    assert invitation.title == f"联名提案待您确认：{TITLE}"
    with translation.override("zh-hans"):
        assert invitation.shown_title == f"联名提案待您确认：{TITLE}"
        assert invitation.shown_body == "第一提案人：张丽华"
    with translation.override("en"):
        assert invitation.shown_title == f"Please confirm co-signing: {TITLE}"
        assert invitation.shown_body == "First proposer: 张丽华"

    # The daily reminder, run while an English page is served, names the day invited.
    with time_machine.travel(dt.datetime(2026, 3, 20, 1, 0, tzinfo=dt.UTC), tick=False):
        with translation.override("en"):
            assert services.cosign_remind() == 1
    reminder = Notification.objects.get(
        recipient=world.user("wang"), dedupe_key__contains=":cosign_remind:"
    )
    assert reminder.body == "第一提案人张丽华于2026年3月2日邀请您联名，请确认或谢绝。"
    with translation.override("zh-hans"):
        assert reminder.shown_body == reminder.body
    with translation.override("en"):
        assert reminder.shown_title == f"Co-signing still awaits your answer: {TITLE}"
        assert reminder.shown_body == (
            "The first proposer 张丽华 invited you to co-sign on "
            f"{english_date(dt.date(2026, 3, 2))}. Please confirm or decline."
        )


@pytest.mark.clause("C4.6")
def test_an_answer_awaiting_sign_off_reads_in_the_leaders_language(world):
    leader = user_with_role(
        Role.DEPARTMENT_LEADER, world.district, department=world.housing, full_name="王局长"
    )
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        with translation.override("en"):
            services.answer_submit(
                assignment=lead_of(proposal), actor=world.housing_clerk, **ANSWER_POST
            )
    notice = Notification.objects.get(recipient=leader, dedupe_key__contains=":sign_off:")
    assert notice.title == f"答复函待签发：{TITLE}"
    with translation.override("zh-hans"):
        assert notice.shown_title == f"答复函待签发：{TITLE}"
        assert (
            notice.shown_body
            == "区住房和城乡建设局经办人已提交答复（A类），请审核签发后送达提案人。"
        )
    with translation.override("en"):
        assert notice.shown_title == f"Answer letter awaiting sign-off: {TITLE}"
        assert notice.shown_body.startswith("A clerk of 区住房和城乡建设局 submitted an answer")


@pytest.mark.clause("C4.6")
def test_a_returned_part_handed_on_in_english_keeps_a_chinese_history_and_notices(
    world,
    transport,  # noqa: F811
):
    department, transport_clerk = transport
    proposal = returned_by_housing(world)
    with time_machine.travel(REASSIGN_DAY, tick=False), translation.override("en"):
        new = services.assignment_reassign(
            assignment=part_of(proposal, world.housing),
            actor=world.reviewer,
            department=department,
            note="请交通局办理。",
        )
    event = history(proposal).get(verb="proposal.reassign")
    assert event.note == "改交：区住房和城乡建设局 → 区交通运输局；请交通局办理。"
    with translation.override("zh-hans"):
        assert event.shown_note == event.note
    with translation.override("en"):
        assert event.shown_note == "Handed on: 区住房和城乡建设局 → 区交通运输局; 请交通局办理。"

    due = new.task.due_date
    told = Notification.objects.get(
        recipient=world.user("zhang"), dedupe_key__endswith=f":reassigned:{new.pk}"
    )
    assert told.body.endswith(f"答复期限：{chinese_date(due)}。")
    with translation.override("en"):
        assert english_date(due) in told.shown_body and "年" not in told.shown_body
    clerk_notice = Notification.objects.get(
        recipient=transport_clerk, dedupe_key__endswith=f":reassigned:{new.pk}"
    )
    assert clerk_notice.title == f"提案改交贵单位办理：{TITLE}"
    assert chinese_date(new.contact_due) in clerk_notice.body
    assert clerk_notice.body.endswith("\n请交通局办理。")
    with translation.override("en"):
        assert english_date(new.contact_due) in clerk_notice.shown_body
        assert clerk_notice.shown_body.endswith("\n请交通局办理。")
