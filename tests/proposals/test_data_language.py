"""Texts the proposal workflow stores as data are in the site's language (zh-hans), whoever
acts in which (docs/decisions.md, "site's language"): a committee or department clerk
working in English leaves Chinese task titles, requests and feedback that every unit reads,
and the generated notes shown to both languages (why an extension request was withdrawn, a
bulk assignment's history line, a personal-data access note) are phrases, which an English
reader reads in English."""

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from tests.proposals.conftest import accepted
from tests.proposals.test_department_pages import ANSWER_POST, ASSIGN_DAY, assigned, co_of, lead_of
from tests.proposals.test_rehandle_department import ORDER, rehandled, second_round
from xieshang.core.audit import history
from xieshang.core.models import Event
from xieshang.followups.models import Extension, Feedback, Task
from xieshang.proposals import services

pytestmark = pytest.mark.django_db

EN = {"django_language": "en"}


@pytest.mark.clause("C4.6")
def test_a_co_handlers_task_opened_from_an_english_page_is_chinese(world):
    proposal = accepted(world)
    with translation.override("en"):
        services.proposal_assign(
            proposal=proposal, actor=world.reviewer, lead=world.housing, co=[world.education]
        )
    assert lead_of(proposal).task.request == "请联系提案人并书面答复。"
    assert co_of(proposal).task.request == "请向主办单位提出协办意见。"


@pytest.mark.clause("C4.6")
def test_a_re_handling_ordered_in_english_opens_a_chinese_task(world):
    with translation.override("en"):
        proposal = rehandled(world)
    task = second_round(proposal).task
    assert task.title.endswith("（重新办理）")
    assert task.request.startswith("提案人对上一轮答复不满意。提案委员会重新办理要求：")
    assert ORDER in task.request


@pytest.mark.clause("C4.6")
def test_an_answer_sent_in_english_leaves_chinese_feedback_and_implementation_task(world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        with translation.override("en"):
            services.answer_submit(
                assignment=lead_of(proposal),
                actor=world.housing_clerk,
                **{**ANSWER_POST, "category": "B"},
            )
    (feedback,) = Feedback.objects.filter(task=lead_of(proposal).task)
    assert feedback.text == "已答复（B类）"
    implementation = Task.objects.get(kind=Task.Kind.IMPLEMENTATION, object_id=str(proposal.pk))
    # With the number: two follow-ups of proposals on one subject read apart (list, inbox).
    assert implementation.title == f"落实跟踪：{proposal.number}《{proposal.title}》"
    assert implementation.request == "答复承诺事项正在解决或已列入计划，请在落实后书面反馈。"


@pytest.mark.clause("C4.6")
def test_an_extension_withdrawn_by_an_english_return_reads_in_each_language(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=True)
        lead, co = lead_of(proposal), co_of(proposal)
        for assignment, clerk in ((lead, world.housing_clerk), (co, world.education_clerk)):
            services.assignment_extension_request(
                assignment=assignment,
                actor=clerk,
                requested_due=dt.date(2026, 7, 15),
                reason="需调研",
            )
    with time_machine.travel(ASSIGN_DAY + dt.timedelta(days=2), tick=False):
        with translation.override("en"):
            services.assignment_return(
                assignment=lead, actor=world.housing_clerk, reason="不属我局职责"
            )
    own = Extension.objects.get(task=lead.task)
    theirs = Extension.objects.get(task=co.task)
    assert own.decision_note == "承办单位已申请退回，延期申请自动撤回"
    assert theirs.decision_note == "主办单位已退回，延期申请自动撤回"
    with translation.override("en"):
        assert own.shown_decision_note == (
            "The department sent the proposal back; the extension request was withdrawn "
            "automatically"
        )
        assert theirs.shown_decision_note.startswith("The lead department sent the proposal back")
    # The co-handler's page, read in English and in Chinese.
    client.force_login(world.education_clerk)
    page = client.get(f"/proposals/dept/{co.pk}/").content.decode()
    assert "主办单位已退回，延期申请自动撤回" in page
    client.cookies["django_language"] = "en"
    page = client.get(f"/proposals/dept/{co.pk}/").content.decode()
    assert "The lead department sent the proposal back; the extension request" in page
    assert "主办单位已退回，延期申请自动撤回" not in page


@pytest.mark.clause("C4.5")
def test_the_boards_bulk_assignment_note_reads_in_the_readers_language(client, world):
    proposal = accepted(world)
    client.force_login(world.reviewer)
    client.cookies["django_language"] = "en"
    response = client.post(
        "/proposals/board/", {"proposal": [proposal.pk], f"lead-{proposal.pk}": world.housing.pk}
    )
    assert response.status_code in (200, 302)
    event = history(proposal).get(verb="proposal.assign")
    assert event.note == "主办：区住房和城乡建设局；交办会集中交办"
    with translation.override("en"):
        assert event.shown_note.endswith("Bulk assignment at the assignment meeting")


@pytest.mark.clause("C4.6")
def test_a_proposers_phone_seen_from_an_english_page_is_logged_in_both_languages(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
    client.force_login(world.housing_clerk)
    client.cookies["django_language"] = "en"
    with time_machine.travel(ASSIGN_DAY, tick=False):
        assert client.get(f"/proposals/dept/{lead_of(proposal).pk}/").status_code == 200
    event = Event.objects.filter(verb="pii.view").latest("id")
    assert event.note == f"承办提案：{proposal.number}"
    with translation.override("en"):
        assert event.shown_note == f"Proposal to handle: {proposal.number}"


@pytest.mark.clause("C4.7")
def test_an_offices_answer_to_an_instruction_tells_the_proposer_in_their_language(world):
    from tests.factories import user_with_role
    from xieshang.core.models import Notification
    from xieshang.followups import services as followups
    from xieshang.orgs.models import Role
    from xieshang.proposals.models import Proposal

    proposal = accepted(world)
    Proposal.objects.filter(pk=proposal.pk).update(key_status=Proposal.KeyStatus.APPROVED)
    proposal.refresh_from_db()
    gov = user_with_role(Role.GOVERNMENT_OFFICE, world.district)
    followups.instruction_record(
        item=proposal,
        actor=world.reviewer,
        leader="王区长",
        level="district",
        instructed_on=dt.date.today(),
        text="请政府办牵头研究。",
        offices=[Role.GOVERNMENT_OFFICE],
        working_days=10,
    )
    task = Task.objects.get(kind=Task.Kind.INSTRUCTION)
    with translation.override("en"):
        followups.feedback_submit(task=task, text="已牵头研究。", actor=gov)
    told = Notification.objects.get(recipient=world.user("zhang"), dedupe_key__contains=":answer:")
    assert told.title == f"领导批示落实情况：政府办公室已就“{proposal.title}”书面反馈"
    with translation.override("en"):
        assert told.shown_title.startswith("Instruction follow-up: ")
        assert "政府办公室" not in told.shown_title and proposal.title in told.shown_title
