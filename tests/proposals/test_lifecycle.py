"""The proposal lifecycle through its services (C4.5, C4.6)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.proposals.conftest import PROPOSAL_TEXT, accepted, answered, draft, submitted
from xieshang.core.audit import TransitionError, history
from xieshang.core.models import Event, Notification
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.followups.models import Task
from xieshang.proposals import services
from xieshang.proposals.models import Answer, Assignment, Proposal, Rating, Signer

S = Proposal.Status


def inbox(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


@pytest.mark.clause("C4.6")
@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))
def test_a_joint_proposal_goes_to_review_only_after_every_cosigner_confirms(world):
    proposal = draft(world, cosigners=["wang", "li"])
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    proposal.refresh_from_db()
    assert proposal.status == S.COSIGNING
    assert any("联名提案待您确认" in t for t in inbox(world.user("wang")))
    with pytest.raises(TransitionError, match="全部联名人确认后"):
        # The first proposer's second click (or a second window) does not end it early.
        services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    services.signer_respond(proposal=proposal, actor=world.user("wang"), confirm=True)
    proposal.refresh_from_db()
    assert proposal.status == S.COSIGNING
    services.signer_respond(proposal=proposal, actor=world.user("li"), confirm=False)
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    assert proposal.number == "2026年平时提案第0001号"
    assert proposal.review_due == dt.date(2026, 3, 16)  # 10 working days
    statuses = dict(proposal.signers.values_list("member__name", "status"))
    assert statuses == {"王建国": Signer.Status.CONFIRMED, "李明": Signer.Status.DECLINED}


@time_machine.travel(dt.datetime(2026, 1, 13, 2, 0, tzinfo=dt.UTC))
def test_a_proposal_during_the_plenary_is_numbered_in_the_sessions_series(world):
    first = submitted(world)
    second = submitted(world, title="关于增设社区托育点的建议")
    assert first.kind == Proposal.Kind.PLENARY
    assert (first.number, second.number) == (
        "第十五届第五次会议第0001号",
        "第十五届第五次会议第0002号",
    )


def test_a_draft_needs_a_title_and_its_submission_keeps_within_the_length_limit(world):
    with pytest.raises(ValidationError) as excinfo:
        draft(world, title=" ")
    assert excinfo.value.message_dict["title"] == ["请填写案由。"]
    long = draft(world, facts="字" * 3001)  # a draft keeps what was typed
    with pytest.raises(ValidationError) as excinfo:
        services.proposal_submit(proposal=long, actor=world.user("zhang"))
    assert "超过3000字的上限" in excinfo.value.message_dict["facts"][0]


def test_suggestions_may_wait_for_the_submission_which_names_all_that_is_missing(world):
    proposal = draft(world, suggestions="", category="")
    assert proposal.status == S.DRAFT
    with pytest.raises(ValidationError) as excinfo:
        services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    assert excinfo.value.message_dict == {
        "suggestions": ["请填写具体建议。"],
        "category": ["提交前请选择提案分类。"],
    }
    proposal.refresh_from_db()
    assert proposal.status == S.DRAFT


def test_nobody_else_can_submit_or_edit_a_members_draft(world):
    proposal = draft(world)
    with pytest.raises(PermissionDenied):
        services.proposal_submit(proposal=proposal, actor=world.user("wang"))
    with pytest.raises(PermissionDenied):
        services.proposal_update(
            proposal=proposal, actor=world.reviewer, expected_version=1, title="篡改"
        )


@pytest.mark.clause("C4.6")
def test_acceptance_tells_the_proposers_and_writes_their_duty_records(world):
    proposal = accepted(world, cosigners=["wang"])
    assert proposal.status == S.ACCEPTED
    assert any("提案已立案" in t for t in inbox(world.user("zhang")))
    kinds = dict(DutyRecord.objects.values_list("member__name", "kind"))
    assert kinds == {"张丽华": DutyKind.PROPOSAL_FIRST, "王建国": DutyKind.PROPOSAL_COSIGNER}


def test_a_review_settles_every_reviewers_notice_of_the_submission(world):
    """Once one reviewer has decided, the 新提案待审查 of both no longer waits unread; the
    proposer's news of the decision does."""
    proposal = submitted(world)
    waiting = Notification.objects.filter(title__contains="新提案待审查", read_at__isnull=True)
    assert set(waiting.values_list("recipient", flat=True)) >= {
        world.reviewer.pk,
        world.reviewer2.pk,
    }
    services.proposal_accept(proposal=proposal, actor=world.reviewer)
    assert not waiting.exists()
    news = Notification.objects.get(recipient=world.user("zhang"), title__contains="提案已立案")
    assert news.read_at is None


def test_a_reviewer_of_another_district_cannot_review(world):
    proposal = submitted(world)
    before = Event.objects.count()
    with pytest.raises(PermissionDenied):
        services.proposal_accept(proposal=proposal, actor=world.other_reviewer)
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    assert Event.objects.count() == before


def test_rejection_needs_a_configured_reason_and_the_proposer_is_told(world):
    proposal = submitted(world)
    with pytest.raises(ValidationError):
        services.proposal_reject(proposal=proposal, actor=world.reviewer, reason="我不喜欢")
    services.proposal_reject(proposal=proposal, actor=world.reviewer, reason="属于学术探讨的")
    proposal.refresh_from_db()
    assert proposal.status == S.REJECTED
    note = Notification.objects.get(recipient=world.user("zhang"), title__contains="不予立案")
    assert "属于学术探讨的" in note.body


def test_a_proposal_can_be_returned_for_revision_only_once(world):
    proposal = submitted(world)
    services.proposal_return(proposal=proposal, actor=world.reviewer, note="请补充数据来源")
    proposal.refresh_from_db()
    services.proposal_update(
        proposal=proposal,
        actor=world.user("zhang"),
        expected_version=proposal.version,
        facts=PROPOSAL_TEXT["facts"] + "（数据来源：区住建局2025年统计）",
    )
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    assert proposal.number.endswith("第0001号")  # keeps its number
    with pytest.raises(ValidationError) as excinfo:
        services.proposal_return(proposal=proposal, actor=world.reviewer, note="再改改")
    assert "已退回修改过一次" in excinfo.value.messages[0]


def test_merged_proposers_get_the_answer_of_the_proposal_they_were_merged_into(world):
    main = accepted(world)
    other = submitted(world, key="wang", title="关于老旧小区电梯改造的建议")
    services.proposal_merge(proposal=other, into=main, actor=world.reviewer)
    other.refresh_from_db()
    assert other.status == S.MERGED and other.merged_into == main
    services.proposal_assign(proposal=main, actor=world.reviewer, lead=world.housing)
    assignment = main.assignments.get()
    services.answer_submit(
        assignment=assignment,
        actor=world.housing_clerk,
        category="A",
        text="已出台加装电梯补贴办法。",
        signed_by="王局长",
        contact_person="赵科长",
        contact_phone="0371-12345678",
    )
    assert any("提案已答复，请评价" in t for t in inbox(world.user("wang")))
    # 王建国 rates the answer to the proposal his own was merged into.
    answer = assignment.answers.get()
    services.evaluation_submit(
        answer=answer, actor=world.user("wang"), process=Rating.SATISFIED, result=Rating.SATISFIED
    )


@pytest.mark.clause("C4.5")
def test_assignment_opens_follow_up_tasks_with_the_configured_deadlines(world):
    proposal = accepted(world)
    with time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)):
        lead, co = services.proposal_assign(
            proposal=proposal,
            actor=world.reviewer,
            lead=world.housing,
            co=[world.education],
            note="请抓紧办理",
        )
    assert (lead.role, co.role) == (Assignment.Role.LEAD, Assignment.Role.CO)
    # The history says where it went, not only what the clerk typed.
    event = Event.objects.get(verb="proposal.assign", object_id=str(proposal.pk))
    assert event.note == f"主办：{world.housing.name}；协办：{world.education.name}；请抓紧办理"
    assert lead.task.due_date == dt.date(2026, 6, 2)  # three months, moved to a working day
    assert co.task.due_date == dt.date(2026, 4, 2)  # one month for the co-handler's view
    assert lead.task.kind == Task.Kind.PROPOSAL and co.task.kind == Task.Kind.CO_HANDLING
    assert any("新的督办事项" in t for t in inbox(world.housing_clerk))


def test_the_second_of_two_clerks_assigning_is_told_it_is_already_assigned(world):
    proposal = accepted(world)
    services.proposal_assign(proposal=proposal, actor=world.reviewer, lead=world.housing)
    stale = Proposal.objects.get(pk=proposal.pk)
    with pytest.raises(TransitionError) as excinfo:
        services.proposal_assign(proposal=stale, actor=world.reviewer2, lead=world.education)
    assert "办理中" in str(excinfo.value)
    assert list(proposal.assignments.values_list("department__name", flat=True)) == [
        "区住房和城乡建设局"
    ]


def test_a_department_returns_a_wrong_assignment_within_five_working_days(world):
    proposal = accepted(world)
    with time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)):
        (assignment,) = services.proposal_assign(
            proposal=proposal, actor=world.reviewer, lead=world.education
        )
    with time_machine.travel(dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)):
        with pytest.raises(ValidationError) as excinfo:
            services.assignment_return(
                assignment=assignment, actor=world.education_clerk, reason="不属我局职责"
            )
    assert "已超过交办后5个工作日" in excinfo.value.messages[0]
    with time_machine.travel(dt.datetime(2026, 3, 9, 2, 0, tzinfo=dt.UTC)):
        services.assignment_return(
            assignment=assignment, actor=world.education_clerk, reason="不属我局职责"
        )
    proposal.refresh_from_db()
    assert proposal.status == S.ACCEPTED  # back to the committee to reassign
    assert any("申请退回" in t for t in inbox(world.reviewer))
    services.proposal_assign(proposal=proposal, actor=world.reviewer, lead=world.housing)


def test_a_department_cannot_answer_a_proposal_not_assigned_to_it(world):
    proposal = accepted(world)
    (assignment,) = services.proposal_assign(
        proposal=proposal, actor=world.reviewer, lead=world.housing
    )
    with pytest.raises(PermissionDenied):
        services.answer_submit(
            assignment=assignment,
            actor=world.education_clerk,
            category="A",
            text="x",
            signed_by="x",
            contact_person="x",
            contact_phone="x",
        )


def test_an_answer_with_a_contact_phone_that_is_no_number_is_refused(world):
    proposal = accepted(world)
    (assignment,) = services.proposal_assign(
        proposal=proposal, actor=world.reviewer, lead=world.housing
    )
    answer = dict(
        assignment=assignment,
        actor=world.housing_clerk,
        category="A",
        text="已列入明年城市更新计划。",
        signed_by="张局长",
        contact_person="赵经办",
    )
    with pytest.raises(ValidationError) as refused:
        services.answer_submit(**answer, contact_phone="abc")
    assert "联系电话应为手机号码或带区号的固定电话" in str(refused.value)
    assert not Answer.objects.filter(assignment=assignment).exists()
    saved = services.answer_submit(**answer, contact_phone="（0571）87654321转8001")
    assert saved.contact_phone == "(0571)87654321转8001"


@pytest.mark.clause("C4.6")
def test_the_whole_path_with_rehandling(world):
    proposal = accepted(world, cosigners=["wang"])
    lead, co = services.proposal_assign(
        proposal=proposal, actor=world.reviewer, lead=world.housing, co=[world.education]
    )
    services.contact_record(
        assignment=lead,
        actor=world.housing_clerk,
        date=timezone.localdate(),
        way="meeting",
        note="面商",
    )
    services.co_view_submit(assignment=co, actor=world.education_clerk, text="建议结合学区改造")
    services.answer_submit(
        assignment=lead,
        actor=world.housing_clerk,
        category="B",
        text="已列入明年改造计划。",
        signed_by="王局长",
        contact_person="赵科长",
        contact_phone="0371-12345678",
    )
    proposal.refresh_from_db()
    assert proposal.status == S.ANSWERED
    implementation = Task.objects.get(kind=Task.Kind.IMPLEMENTATION, object_id=str(proposal.pk))
    assert implementation.department == world.housing
    answer = lead.answers.get()
    with pytest.raises(ValidationError):
        services.evaluation_submit(
            answer=answer, actor=world.user("zhang"), process="satisfied", result="unsatisfied"
        )  # unsatisfied needs a comment
    services.evaluation_submit(
        answer=answer,
        actor=world.user("zhang"),
        process=Rating.SATISFIED,
        result=Rating.UNSATISFIED,
        comment="补贴标准过低",
    )
    with pytest.raises(PermissionDenied):
        services.evaluation_submit(
            answer=answer, actor=world.user("li"), process="satisfied", result="satisfied"
        )
    (again,) = services.proposal_rehandle(proposal=proposal, actor=world.reviewer, note="请再研究")
    assert again.round == 2 and again.department == world.housing
    with pytest.raises(ValidationError) as excinfo:
        services.proposal_rehandle(proposal=proposal, actor=world.reviewer, note="再一次")
    assert "已重新办理过一次" in excinfo.value.messages[0]
    services.answer_submit(
        assignment=again,
        actor=world.housing_clerk,
        category="A",
        text="补贴标准已提高。",
        signed_by="王局长",
        contact_person="赵科长",
        contact_phone="0371-12345678",
    )
    proposal.refresh_from_db()
    assert proposal.status == S.ANSWERED
    services.evaluation_submit(
        answer=again.answers.get(),
        actor=world.user("zhang"),
        process=Rating.SATISFIED,
        result=Rating.SATISFIED,
    )
    services.proposal_close(proposal=proposal, actor=world.reviewer)
    verbs = list(history(proposal).values_list("verb", flat=True))[::-1]
    # The last co-signer's confirmation moves the proposal into review and is credited to
    # the co-signer as 确认联名; the only submission is the first proposer's.
    assert verbs[:4] == [
        "proposal.create",
        "proposal.submit",
        "proposal.cosign_confirm",
        "proposal.accept",
    ]
    assert "proposal.rehandle" in verbs and verbs[-1] == "proposal.close"
    # Each answered task of the departments is closed through the follow-up engine, with
    # its own history entry (who, when, 已反馈 → 已办结).
    tasks = list(Task.objects.filter(object_id=str(proposal.pk), content_type__model="proposal"))
    closed = [t for t in tasks if t.status == Task.Status.CLOSED]
    assert closed and all(t.closed_at for t in closed)
    for task in closed:
        event = history(task).get(verb="followup.close")
        assert event.actor == world.reviewer and event.note == "提案已办结。"


@pytest.mark.clause("C4.5")
def test_key_proposals_are_shortlisted_by_the_committee_and_approved_by_the_chair(world):
    proposal = accepted(world, cosigners=["wang"])
    with pytest.raises(PermissionDenied):
        services.key_shortlist(proposal=proposal, actor=world.chair)
    services.key_shortlist(proposal=proposal, actor=world.reviewer)
    with pytest.raises(PermissionDenied):
        services.key_approve(proposal=proposal, actor=world.reviewer, leading_leader="刘副区长")
    services.key_approve(proposal=proposal, actor=world.chair, leading_leader="刘副区长")
    proposal.refresh_from_db()
    assert proposal.is_key and proposal.leading_leader == "刘副区长"
    kinds = set(DutyRecord.objects.values_list("kind", flat=True))
    assert {DutyKind.KEY_PROPOSAL_FIRST, DutyKind.KEY_PROPOSAL_COSIGNER} <= kinds
    services.supervision_record(
        proposal=proposal,
        actor=world.reviewer,
        date=dt.date(2026, 5, 6),
        way="field",
        note="实地察看",
    )
    assert proposal.supervisions.count() == 1


def test_answers_are_published_twenty_working_days_later_unless_opted_out(world):
    shown = accepted(world)
    hidden = accepted(world, title="关于某企业的建议", proposer_opt_out=True)
    with time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)):
        for p in (shown, hidden):
            (a,) = services.proposal_assign(proposal=p, actor=world.reviewer, lead=world.housing)
            services.answer_submit(
                assignment=a,
                actor=world.housing_clerk,
                category="A",
                text="已办理。",
                signed_by="王局长",
                contact_person="赵科长",
                contact_phone="0371-12345678",
            )
    assert services.publish_due(today=dt.date(2026, 3, 27)) == 0
    assert services.publish_due(today=dt.date(2026, 3, 30)) == 1
    assert services.publish_due(today=dt.date(2026, 3, 30)) == 0
    shown.refresh_from_db()
    hidden.refresh_from_db()
    assert shown.published_at is not None and hidden.published_at is None


@pytest.mark.parametrize(
    "change",
    [{"proposer_opt_out": True}, {"is_public_interest": False}],
    ids=["opt_out", "private"],
)
def test_a_proposer_who_opts_out_while_the_publication_runs_is_not_published(world, change):
    """The row changes between publish_due's selection and its locking read (the proposer
    opts out, or the office marks it not of public interest, at that moment): the locked
    re-read sees the change and the answer stays off the portal."""
    from django.db import connection

    proposal = answered(world)
    sent_at = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0))
    Answer.objects.filter(assignment__proposal=proposal).update(sent_at=sent_at)
    changed = []

    def meanwhile(execute, sql, params, many, context):
        # The locking read: the selection's query is the one with MAX(sent_at); SQLite
        # drops FOR UPDATE from the SQL, so the re-read is told apart by its shape.
        locked_read = sql.startswith("SELECT") and "published_at" in sql and "MAX(" not in sql
        if locked_read and not changed:
            changed.append(True)
            Proposal.objects.filter(pk=proposal.pk).update(**change)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(meanwhile):
        assert services.publish_due(today=dt.date(2026, 4, 30)) == 0
    assert changed
    proposal.refresh_from_db()
    assert proposal.published_at is None
    assert not Event.objects.filter(verb="proposal.publish").exists()


def test_publication_is_due_exactly_when_the_working_days_have_passed_at_any_volume(world):
    """publish_due decides for every waiting answer at once, against the calendar's own
    add_working_days (holidays, a make-up working Saturday, answers sent on days off), in a
    number of queries that does not grow with the number waiting."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xieshang.core import calendar
    from xieshang.core.models import CalendarDay

    CalendarDay.objects.create(date=dt.date(2026, 4, 8), is_working_day=False, note="本地假日")
    CalendarDay.objects.create(date=dt.date(2026, 4, 11), is_working_day=True, note="调休上班")
    today = dt.date(2026, 4, 27)
    sent_days = [dt.date(2026, 3, 20) + dt.timedelta(days=3 * i) for i in range(12)]
    proposals = [answered(world, title=f"关于第{i}件事的建议") for i in range(len(sent_days))]
    for proposal, sent_on in zip(proposals, sent_days, strict=True):
        sent_at = timezone.make_aware(dt.datetime.combine(sent_on, dt.time(16, 0)))
        Answer.objects.filter(assignment__proposal=proposal).update(sent_at=sent_at)
    expected = {
        p.pk
        for p, sent_on in zip(proposals, sent_days, strict=True)
        if calendar.add_working_days(sent_on, 20) <= today
    }
    assert 0 < len(expected) < len(proposals)  # some due, some not yet

    def run(n):
        Proposal.objects.update(published_at=None)
        Proposal.objects.exclude(pk__in=[p.pk for p in proposals[:n]]).update(
            status=Proposal.Status.ASSIGNED
        )
        Proposal.objects.filter(pk__in=[p.pk for p in proposals[:n]]).update(
            status=Proposal.Status.ANSWERED
        )
        with CaptureQueriesContext(connection) as queries:
            published = services.publish_due(today=today)
        return published, len(queries)

    few, few_queries = run(6)
    published, many_queries = run(12)
    assert published == len(expected) and few == len(expected & {p.pk for p in proposals[:6]})
    assert many_queries == few_queries
    assert set(
        Proposal.objects.filter(published_at__isnull=False).values_list("pk", flat=True)
    ) == (expected)
    events = Event.objects.filter(verb="proposal.publish").values_list("object_id", flat=True)
    assert sorted(map(int, events)) == sorted(
        [pk for pk in expected if pk in {p.pk for p in proposals[:6]}] + list(expected)
    )


@pytest.mark.clause("C4.7")
def test_a_units_answer_to_an_instruction_on_a_key_proposal_reaches_its_proposers(world, client):
    from xieshang.core.models import Notification
    from xieshang.followups import services as followups
    from xieshang.followups.models import Task

    proposal = accepted(world, cosigners=["wang"])
    services.key_shortlist(proposal=proposal, actor=world.reviewer)
    services.key_approve(proposal=proposal, actor=world.chair, leading_leader="刘副区长")
    followups.instruction_record(
        item=proposal,
        actor=world.reviewer,
        leader="李书记",
        level="county",
        instructed_on=dt.date(2026, 5, 6),
        text="请区住建局抓紧落实。",
        departments=[world.housing],
    )
    task = Task.objects.get(kind=Task.Kind.INSTRUCTION, department=world.housing)
    followups.feedback_submit(task=task, text="已制定加装电梯补贴办法。", actor=world.housing_clerk)
    for key in ("zhang", "wang"):
        note = Notification.objects.get(recipient=world.user(key), title__contains="书面反馈")
        assert world.housing.name in note.title and note.body == "已制定加装电梯补贴办法。"
    client.force_login(world.user("wang"))
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "已制定加装电梯补贴办法。" in page
    client.force_login(world.user("li"))  # not a proposer
    assert not Notification.objects.filter(recipient=world.user("li"), title__contains="书面反馈")
