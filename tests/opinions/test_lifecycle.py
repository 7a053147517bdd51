"""The workflow of a social-conditions item: submit, review, publish in a numbered issue,
report upwards, adoption and leaders' instructions with follow-up tasks."""

import datetime as dt
from io import BytesIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import user_with_role
from tests.opinions.factories import make_opinion
from xieshang.core.audit import StaleEdit, TransitionError, history
from xieshang.core.models import Notification
from xieshang.core.pdf import render_pdf
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.followups import services as followups
from xieshang.followups.models import Task
from xieshang.opinions import rules, services
from xieshang.opinions.models import Adoption, AdoptionLevel, Opinion
from xieshang.orgs import config
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db
S = Opinion.Status


def duty_kinds(member) -> list[str]:
    return sorted(DutyRecord.objects.filter(member=member).values_list("kind", flat=True))


@pytest.mark.clause("C3.2")
def test_it_takes_a_member_item_from_draft_to_accepted_with_a_duty_record(world):
    member = world["member"]
    opinion = make_opinion(member)
    assert opinion.status == S.DRAFT
    assert list(opinion.authors.all()) == [member]
    services.opinion_submit(opinion=opinion, actor=member.user)
    assert any(
        "新的社情民意信息" in t
        for t in Notification.objects.filter(recipient=world["office"]).values_list(
            "title", flat=True
        )
    )
    services.opinion_accept(opinion=opinion, actor=world["office"], note="内容翔实")
    opinion.refresh_from_db()
    assert opinion.status == S.ACCEPTED
    assert duty_kinds(member) == [DutyKind.OPINION_SUBMITTED]
    # Reviewed: the office's 新的社情民意信息 no longer waits unread; the author's news does.
    news = Notification.objects.filter(title__contains="社情民意信息")
    assert news.get(recipient=world["office"]).read_at is not None
    assert news.get(recipient=member.user, title__contains="已录用").read_at is None
    verbs = [e.verb for e in history(opinion)]
    assert verbs == ["opinion.accept", "opinion.submit", "opinion.create"]


def test_it_refuses_an_item_over_the_configured_length(world):
    config.set_value(world["district"], rules.MAX_CHARS, 50, actor=world["office"])
    with pytest.raises(ValidationError, match="超过50字"):
        make_opinion(world["member"], suggestions="建" * 60, state=S.SUBMITTED)
    # The draft was kept (the author cuts it down); the office may not lengthen a received
    # item past the limit either.
    draft = Opinion.objects.get(suggestions="建" * 60)
    assert draft.status == S.DRAFT
    received = make_opinion(
        world["member"], facts="现状", analysis="原因", suggestions="建议", state=S.SUBMITTED
    )
    with pytest.raises(ValidationError, match="超过50字"):
        services.opinion_update(
            opinion=received,
            actor=world["office"],
            expected_version=received.version,
            suggestions="建" * 60,
        )


def test_it_returns_and_rejects_with_a_reason_told_to_the_author(world):
    member = world["member"]
    first = make_opinion(member, state=S.SUBMITTED)
    with pytest.raises(ValidationError):
        services.opinion_return(opinion=first, actor=world["office"], note=" ")
    services.opinion_return(opinion=first, actor=world["office"], note="请补充数据")
    first.refresh_from_db()
    assert first.status == S.RETURNED
    services.opinion_submit(opinion=first, actor=member.user)
    services.opinion_reject(opinion=first, actor=world["office"], reason="不属于社情民意范畴")
    first.refresh_from_db()
    assert first.status == S.REJECTED
    titles = list(
        Notification.objects.filter(recipient=member.user).values_list("title", flat=True)
    )
    assert any("退回修改" in t for t in titles) and any("不予录用" in t for t in titles)
    with pytest.raises(TransitionError):
        services.opinion_accept(opinion=first, actor=world["office"])
    assert duty_kinds(member) == []


def test_a_member_cannot_review_and_another_districts_office_cannot_either(world):
    opinion = make_opinion(world["member"], state=S.SUBMITTED)
    for user in (world["member"].user, world["other_office"]):
        with pytest.raises(PermissionDenied):
            services.opinion_accept(opinion=opinion, actor=user)


def test_a_stale_edit_is_refused(world):
    opinion = make_opinion(world["member"], state=S.SUBMITTED)
    version = opinion.version
    services.opinion_update(
        opinion=opinion, actor=world["office"], expected_version=version, title="编辑后的标题"
    )
    with pytest.raises(StaleEdit):
        services.opinion_update(
            opinion=opinion, actor=world["office"], expected_version=version, title="另一位的修改"
        )
    opinion.refresh_from_db()
    assert opinion.title == "编辑后的标题"


def test_issues_are_numbered_per_organisation_and_year(world):
    office = world["office"]
    with time_machine.travel(dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC)):
        a = make_opinion(world["member"], office=office, state=S.ACCEPTED)
        b = make_opinion(world["other_member"], office=office, state=S.ACCEPTED, title="第二条")
        first = services.issue_publish(organisation=world["district"], opinions=[a], actor=office)
        second = services.issue_publish(organisation=world["district"], opinions=[b], actor=office)
    with time_machine.travel(dt.datetime(2027, 1, 5, 2, tzinfo=dt.UTC)):
        c = make_opinion(world["member"], office=office, state=S.ACCEPTED, title="新年第一条")
        next_year = services.issue_publish(
            organisation=world["district"], opinions=[c], actor=office
        )
    assert [(i.year, i.number) for i in (first, second, next_year)] == [
        (2026, 1),
        (2026, 2),
        (2027, 1),
    ]
    assert str(second) == "《社情民意》2026年第2期"
    a.refresh_from_db()
    assert a.status == S.PUBLISHED and a.issue == first
    # Only accepted items go into an issue.
    draft = make_opinion(world["member"], title="草稿")
    with pytest.raises(TransitionError):
        services.issue_publish(organisation=world["district"], opinions=[draft], actor=office)


def test_the_issue_pdf_reads_back_with_its_number_and_items(world):
    opinion = make_opinion(world["member"], office=world["office"], state=S.PUBLISHED)
    issue = opinion.issue
    opinion.author_names = "张委员"
    pdf = render_pdf(
        "opinions/pdf/issue.html",
        {
            "masthead": "社情民意",
            "doc_number": f"{issue.year}年第{issue.number}期",
            "doc_title": "社情民意信息",
            "issuer": "示范区政协办公室",
            "issue_date": "2026年3月2日",
            "issue": issue,
            "items": [opinion],
        },
    )
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert f"第{issue.number}期" in text
    assert "加装电梯" in text
    assert "张委员" in text


def test_the_issue_pdf_keeps_each_typed_line_a_paragraph_of_its_own(world):
    opinion = make_opinion(world["member"], office=world["office"], state=S.PUBLISHED)
    opinion.suggestions = "1. 增设充电桩；\n2. 加强巡查。\n\n3. 明确物业责任。"
    opinion.author_names = "张委员"
    pdf = render_pdf(
        "opinions/pdf/issue.html",
        {
            "masthead": "社情民意",
            "doc_number": "2026年第1期",
            "issue": opinion.issue,
            "issuer": "示范区政协办公室",
            "issue_date": "2026年3月2日",
            "items": [opinion],
        },
    )
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    lines = [line.strip() for line in text.splitlines()]
    assert "1. 增设充电桩；" in lines
    assert "2. 加强巡查。" in lines
    assert "3. 明确物业责任。" in lines


def test_reporting_upwards_puts_it_in_the_city_queue_and_the_city_can_adopt_it(world):
    office, city_office = world["office"], world["city_office"]
    opinion = make_opinion(world["member"], office=office, state=S.REPORTED)
    assert opinion.reported_to == world["city"]
    assert Notification.objects.filter(recipient=city_office).exists()
    services.adoption_record(
        opinion=opinion,
        actor=city_office,
        level=AdoptionLevel.CITY,
        mode=Adoption.Mode.STANDALONE,
        # Not before the item was published (today, F6).
        adopted_on=timezone.localdate(),
        body="市政协办公室",
    )
    # Recording the same adoption twice counts once.
    with pytest.raises(ValidationError):
        services.adoption_record(
            opinion=opinion,
            actor=city_office,
            level=AdoptionLevel.CITY,
            mode=Adoption.Mode.STANDALONE,
            adopted_on=timezone.localdate(),
        )
    # The city is the top of this tree: there is nobody further up to report to.
    with pytest.raises(ValidationError):
        services.opinion_report(opinion=opinion, actor=city_office, upward=True)
    # Another district's office has nothing to do with it.
    with pytest.raises(PermissionDenied):
        services.adoption_record(
            opinion=opinion,
            actor=world["other_office"],
            level=AdoptionLevel.DISTRICT,
            mode=Adoption.Mode.STANDALONE,
            adopted_on=dt.date(2026, 4, 1),
        )
    # A city adoption is credited as one, at the city level's own score.
    assert duty_kinds(world["member"]) == [
        DutyKind.OPINION_ADOPTED_CITY,
        DutyKind.OPINION_SUBMITTED,
    ]


@pytest.mark.clause("C4.7")
def test_an_instruction_opens_tracked_tasks_that_escalate_when_overdue(world):
    office = world["office"]
    with time_machine.travel(dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC)):
        opinion = make_opinion(world["member"], office=office, state=S.PUBLISHED)
        services.instruction_record(
            opinion=opinion,
            actor=office,
            leader="王书记",
            level=AdoptionLevel.DISTRICT,
            instructed_on=dt.date(2026, 3, 2),
            text="请区住建局研究落实，并书面反馈。",
            departments=[world["dept"]],
            offices=[Role.PARTY_OFFICE],
            working_days=10,
        )
    tasks = list(services.instruction_tasks(opinion).order_by("id"))
    assert [t.kind for t in tasks] == [Task.Kind.INSTRUCTION, Task.Kind.INSTRUCTION]
    dept_task, office_task = tasks
    assert dept_task.department == world["dept"]
    assert office_task.assignee_role == Role.PARTY_OFFICE
    # 2 March 2026 + 10 working days.
    assert dept_task.due_date == dt.date(2026, 3, 16)
    assert "王书记批示" in dept_task.request
    assert duty_kinds(world["member"]) == [
        DutyKind.OPINION_INSTRUCTED,
        DutyKind.OPINION_SUBMITTED,
    ]
    # The party office answers in writing on time; the department does not.
    followups.feedback_submit(task=office_task, text="已部署落实。", actor=world["party_office"])
    result = followups.scan_deadlines(today=dt.date(2026, 3, 17))
    assert result["escalated"] == 1
    supervisor_titles = Notification.objects.filter(recipient=world["supervisor"]).values_list(
        "title", flat=True
    )
    assert any("已逾期" in t and "落实领导批示" in t for t in supervisor_titles)
    assert [e.verb for e in history(dept_task)][0] == "followup.overdue"


def test_an_instruction_needs_a_body_to_act_and_a_published_item(world):
    office = world["office"]
    accepted = make_opinion(world["member"], office=office, state=S.ACCEPTED)
    with pytest.raises(ValidationError):
        services.instruction_record(
            opinion=accepted,
            actor=office,
            leader="王书记",
            level=AdoptionLevel.DISTRICT,
            instructed_on=dt.date(2026, 3, 2),
            text="阅。",
            departments=[world["dept"]],
        )
    assert not Task.objects.exists()


def test_a_proposal_converted_to_information_becomes_a_submitted_item(world):
    from xieshang.proposals.models import Proposal
    from xieshang.proposals.services import proposal_convert

    proposal = Proposal.objects.create(
        organisation=world["district"],
        year=2026,
        title="关于规范共享单车停放的提案",
        facts="共享单车乱停乱放。",
        suggestions="划定停放区。",
        first_proposer=world["member"],
        status=Proposal.Status.SUBMITTED,
    )
    reviewer = user_with_role(Role.PROPOSAL_COMMITTEE, world["district"])
    proposal_convert(proposal=proposal, to=Proposal.Status.TO_INFO, actor=reviewer, note="宜转信息")
    opinion = Opinion.objects.get(proposal=proposal)
    assert opinion.status == S.SUBMITTED
    assert opinion.title == "关于规范共享单车停放的提案"
    assert list(opinion.authors.all()) == [world["member"]]
    assert services.opinion_from_proposal(proposal, world["office"]) == opinion
