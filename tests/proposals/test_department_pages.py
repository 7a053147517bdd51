"""The department side of proposal handling: queue, handling page and its actions (C4.6)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.proposals.conftest import PROPOSAL_TEXT
from xieshang.core.models import Event
from xieshang.followups.models import Extension, Task
from xieshang.orgs import config
from xieshang.proposals import rules, services
from xieshang.proposals.models import Answer, Assignment, Contact, Proposal

S = Proposal.Status
# 2026-03-02 is a Monday; 10:00 in Beijing.
ASSIGN_DAY = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def assigned(world, *, co=False, key="zhang", cosigners=(), department=None, **text):
    """A proposal taken through submission and review and assigned (to 住建局 as lead, with
    教育局 as co-handler if `co`)."""
    proposal = services.proposal_create(
        actor=world.user(key),
        organisation=world.district,
        cosigners=[world.members[k] for k in cosigners],
        **{**PROPOSAL_TEXT, **text},
    )
    services.proposal_submit(proposal=proposal, actor=world.user(key))
    for signer in proposal.signers.all():
        services.signer_respond(proposal=proposal, actor=signer.member.user, confirm=True)
    services.proposal_accept(proposal=proposal, actor=world.reviewer)
    services.proposal_assign(
        proposal=proposal,
        actor=world.reviewer,
        lead=department or world.housing,
        co=[world.education] if co else [],
    )
    proposal.refresh_from_db()
    return proposal


def lead_of(proposal) -> Assignment:
    return proposal.assignments.get(role=Assignment.Role.LEAD)


def co_of(proposal) -> Assignment:
    return proposal.assignments.get(role=Assignment.Role.CO)


def changes() -> int:
    """Audit events other than the record of who viewed personal data (a page view)."""
    return Event.objects.exclude(verb__startswith="pii.").exclude(verb__startswith="auth.").count()


ANSWER_POST = {
    "category": "A",
    "doc_number": "区住建函〔2026〕12号",
    "text": "一、已将老旧小区加装电梯纳入年度民生实事。\n二、设立每部电梯15万元的财政补贴。",
    "signed_by": "王局长",
    "contact_person": "赵经办",
    "contact_phone": "0571-12345678",
    # These answers go with no contact with the proposers on record, confirmed on purpose
    # (test_contact_deadline.py: without the confirmation the answer is refused).
    "confirm_no_contact": True,
}


# --- Queue ------------------------------------------------------------------------------------


@pytest.mark.clause("C4.6")
def test_it_lists_the_departments_own_assignments_overdue_first_in_working_days(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        late = assigned(world, title="关于早已逾期的提案")
        soon = assigned(world, title="关于五一前后到期的提案")
        today = assigned(world, title="关于今天到期的提案")
        assigned(world, title="关于教育局承办的提案", department=world.education)
    Task.objects.filter(pk=lead_of(late).task_id).update(due_date=dt.date(2026, 4, 27))
    Task.objects.filter(pk=lead_of(soon).task_id).update(due_date=dt.date(2026, 5, 7))
    Task.objects.filter(pk=lead_of(today).task_id).update(due_date=dt.date(2026, 4, 29))
    client.force_login(world.housing_clerk)
    with time_machine.travel(dt.datetime(2026, 4, 29, 2, 0, tzinfo=dt.UTC), tick=False):
        html = client.get("/proposals/dept/").content.decode()
        page = client.get(f"/proposals/dept/{lead_of(today).pk}/").content.decode()
        client.force_login(world.reviewer)
        committee = client.get(f"/proposals/{late.pk}/").content.decode()
    assert "今日到期" in html and "今日到期" in page
    # The committee's page of the proposal says the same of the department's handling.
    assert "已逾期2个工作日" in committee.split('id="assignments"')[1].split("</table>")[0]
    assert "关于教育局承办的提案" not in html
    assert html.index("关于早已逾期的提案") < html.index("关于五一前后到期的提案")
    # 4月28日、29日 are working days; the May Day holiday (5月1日–5日) is not counted.
    assert "已逾期2个工作日" in html
    assert "剩余3个工作日" in html
    assert "2026年5月7日" in html


def test_it_filters_the_queue_by_handling_answered_and_all(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        done = assigned(world, title="关于已经答复的提案")
        assigned(world, title="关于正在办理的提案")
        services.answer_submit(
            assignment=lead_of(done),
            actor=world.housing_clerk,
            **{k: v for k, v in ANSWER_POST.items()},
        )
    client.force_login(world.housing_clerk)
    handling = client.get("/proposals/dept/").content.decode()
    answered = client.get("/proposals/dept/?state=answered").content.decode()
    everything = client.get("/proposals/dept/?state=all").content.decode()
    assert "关于正在办理的提案" in handling and "关于已经答复的提案" not in handling
    assert "关于已经答复的提案" in answered and "关于正在办理的提案" not in answered
    assert "关于已经答复的提案" in everything and "关于正在办理的提案" in everything


def test_it_keeps_the_queue_at_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    client.force_login(world.housing_clerk)
    with time_machine.travel(ASSIGN_DAY, tick=False):
        for i in range(3):
            assigned(world, title=f"关于第{i}件提案的建议")
        client.get("/proposals/dept/")  # warm caches (content types, sessions)
        with django_assert_num_queries(7):
            assert client.get("/proposals/dept/").status_code == 200
        for i in range(3, 30):
            assigned(world, title=f"关于第{i}件提案的建议")
        with django_assert_num_queries(7):
            html = client.get("/proposals/dept/").content.decode()
    assert html.count("关于第") == 30


def test_it_does_not_show_the_queue_to_someone_without_a_department(client, world):
    client.force_login(world.user("zhang"))
    assert client.get("/proposals/dept/").status_code == 404


# --- Handling page ----------------------------------------------------------------------------


@pytest.mark.clause("C4.6")
def test_it_hides_another_departments_assignment_and_refuses_its_actions(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
    assignment = lead_of(proposal)
    before = changes()
    for user in (world.education_clerk, world.user("wang"), world.reviewer):
        client.force_login(user)
        assert client.get(f"/proposals/dept/{assignment.pk}/").status_code == 404
        response = client.post(
            f"/proposals/dept/{assignment.pk}/contact/",
            {"date": "2026-03-02", "way": "phone", "note": "冒充联系"},
        )
        assert response.status_code == 404
        assert client.post(f"/proposals/dept/{assignment.pk}/answer/", ANSWER_POST).status_code == (
            404
        )
    assert client.get("/proposals/dept/999999/").status_code == 404
    assert not Contact.objects.exists()
    assert not Answer.objects.exists()
    assert changes() == before


def test_it_shows_the_proposers_phone_to_the_clerk_and_logs_who_saw_it(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, cosigners=["wang"])
    client.force_login(world.housing_clerk)
    html = client.get(f"/proposals/dept/{lead_of(proposal).pk}/").content.decode()
    assert PROPOSAL_TEXT["suggestions"] in html
    for key in ("zhang", "wang"):
        member = world.members[key]
        assert member.name in html and member.phone in html
    logged = Event.objects.filter(verb="pii.view", actor=world.housing_clerk)
    assert sorted(logged.values_list("object_repr", flat=True)) == sorted(
        str(world.members[k]) for k in ("zhang", "wang")
    )
    assert all(e.data["fields"] == ["phone"] for e in logged)


@pytest.mark.clause("C4.6")
def test_it_records_a_contact_with_the_proposer(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        assignment = lead_of(proposal)
        client.force_login(world.housing_clerk)
        response = client.post(
            f"/proposals/dept/{assignment.pk}/contact/",
            {"date": "2026-03-02", "way": "meeting", "note": "到小区现场面商"},
        )
        assert response.status_code == 302
        html = client.get(response.url).content.decode()
    assert "联系记录已保存。" in html
    assert "2026年3月2日 · 面商" in html
    contact = assignment.contacts.get()
    assert (contact.way, contact.note, contact.recorded_by) == (
        "meeting",
        "到小区现场面商",
        world.housing_clerk,
    )
    assert Event.objects.filter(verb="proposal.contact").count() == 1


def test_it_refuses_a_contact_dated_in_the_future_and_keeps_the_input(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        client.force_login(world.housing_clerk)
        before = changes()
        response = client.post(
            f"/proposals/dept/{lead_of(proposal).pk}/contact/",
            {"date": "2026-03-09", "way": "phone", "note": "下周电话沟通"},
        )
    html = response.content.decode()
    assert response.status_code == 400
    assert "联系日期不能晚于今天。" in html
    assert "下周电话沟通" in html and 'value="2026-03-09"' in html
    assert not Contact.objects.exists()
    assert changes() == before

    # With the way not chosen as well, both are said at once, not one round after the other.
    with time_machine.travel(ASSIGN_DAY, tick=False):
        response = client.post(
            f"/proposals/dept/{lead_of(proposal).pk}/contact/",
            {"date": "2026-03-09", "way": "", "note": "下周电话沟通"},
        )
    html = response.content.decode()
    assert response.status_code == 400
    assert "联系日期不能晚于今天。" in html and "请填写此项" in html


@pytest.mark.clause("C4.6")
def test_it_refuses_a_contact_dated_before_the_assignment_and_keeps_the_input(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        client.force_login(world.housing_clerk)
        before = changes()
        url = f"/proposals/dept/{lead_of(proposal).pk}/contact/"
        response = client.post(url, {"date": "1999-01-01", "way": "phone", "note": "电话沟通"})
        html = response.content.decode()
        assert response.status_code == 400
        assert "联系日期不能早于交办日期（2026年3月2日）。" in html
        assert "电话沟通" in html and 'value="1999-01-01"' in html
        assert not Contact.objects.exists()
        assert changes() == before
        with pytest.raises(ValidationError):
            services.contact_record(
                assignment=lead_of(proposal),
                actor=world.housing_clerk,
                date=dt.date(2026, 3, 1),
                way="phone",
            )
        # The day of the assignment itself is fine.
        response = client.post(url, {"date": "2026-03-02", "way": "phone", "note": "电话沟通"})
        assert response.status_code == 302
    assert Contact.objects.get().date == dt.date(2026, 3, 2)


@pytest.mark.clause("C4.6")
def test_it_sends_the_co_handlers_view_to_the_lead_department(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=True)
    client.force_login(world.education_clerk)
    co_page = client.get(f"/proposals/dept/{co_of(proposal).pk}/").content.decode()
    assert "提交协办意见" in co_page and "提交答复" not in co_page
    response = client.post(
        f"/proposals/dept/{co_of(proposal).pk}/co-view/", {"text": "建议结合学区改造统筹推进"}
    )
    assert response.status_code == 302
    assert co_of(proposal).status == Assignment.Status.ANSWERED
    client.force_login(world.housing_clerk)
    lead_page = client.get(f"/proposals/dept/{lead_of(proposal).pk}/").content.decode()
    assert "区教育局" in lead_page and "建议结合学区改造统筹推进" in lead_page


def test_it_refuses_a_second_co_view(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=True)
    client.force_login(world.education_clerk)
    url = f"/proposals/dept/{co_of(proposal).pk}/co-view/"
    client.post(url, {"text": "第一次意见"})
    before = changes()
    response = client.post(url, {"text": "第二次意见"})
    assert response.status_code == 400
    assert "本单位已提出协办意见，不能重复提交。" in response.content.decode()
    assert changes() == before


@pytest.mark.clause("C4.6")
def test_it_answers_with_the_outcome_category_and_the_proposers_are_asked_to_rate(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        client.force_login(world.housing_clerk)
        page = client.get(f"/proposals/dept/{lead_of(proposal).pk}/").content.decode()
        # The signing leader is prefilled from the department.
        assert 'value="王局长"' in page
        assert "已解决或基本解决" in page
        response = client.post(f"/proposals/dept/{lead_of(proposal).pk}/answer/", ANSWER_POST)
        assert response.status_code == 302
        html = client.get(response.url).content.decode()
    proposal.refresh_from_db()
    assert proposal.status == S.ANSWERED
    answer = Answer.objects.get()
    assert (answer.category, answer.signed_by, answer.doc_number) == (
        "A",
        "王局长",
        "区住建函〔2026〕12号",
    )
    assert f"/proposals/dept/answers/{answer.pk}/letter.pdf" in html
    assert "提交答复" not in html  # answered: no second answer form


@pytest.mark.clause("C4.6")
def test_it_warns_the_lead_department_of_a_co_handlers_view_still_outstanding(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=True)
    client.force_login(world.housing_clerk)
    url = f"/proposals/dept/{lead_of(proposal).pk}/"
    page = client.get(url).content.decode()
    assert 'id="co-outstanding"' in page and "区教育局尚未提出协办意见" in page
    # A warning, not a block: the form is there and the answer goes.
    assert 'id="answer-form"' in page
    services.co_view_submit(
        assignment=co_of(proposal), actor=world.education_clerk, text="建议统筹推进"
    )
    page = client.get(url).content.decode()
    assert 'id="co-outstanding"' not in page and "尚未提出协办意见" not in page


def test_it_suggests_the_next_document_number(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        first, second = assigned(world), assigned(world, title="关于第二件提案的建议")
        client.force_login(world.housing_clerk)
        client.post(f"/proposals/dept/{lead_of(first).pk}/answer/", ANSWER_POST)
        page = client.get(f"/proposals/dept/{lead_of(second).pk}/").content.decode()
    assert 'value="区住建函〔2026〕13号"' in page


def test_it_refuses_an_answer_without_a_signing_leader_and_keeps_the_text(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
    client.force_login(world.housing_clerk)
    before = changes()
    response = client.post(
        f"/proposals/dept/{lead_of(proposal).pk}/answer/", {**ANSWER_POST, "signed_by": "  "}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "答复函须由单位负责人签发。" in html
    assert "设立每部电梯15万元的财政补贴" in html
    assert not Answer.objects.exists()
    assert changes() == before
    proposal.refresh_from_db()
    assert proposal.status == S.ASSIGNED


def test_it_refuses_an_answer_from_the_co_handler_or_a_second_answer(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=True)
    client.force_login(world.education_clerk)
    response = client.post(f"/proposals/dept/{co_of(proposal).pk}/answer/", ANSWER_POST)
    assert response.status_code == 400
    assert "协办单位请提出协办意见，由主办单位答复。" in response.content.decode()
    client.force_login(world.housing_clerk)
    client.post(f"/proposals/dept/{lead_of(proposal).pk}/answer/", ANSWER_POST)
    before = changes()
    response = client.post(f"/proposals/dept/{lead_of(proposal).pk}/answer/", ANSWER_POST)
    assert response.status_code == 400
    assert "该提案已答复或已退回。" in response.content.decode()
    assert Answer.objects.count() == 1
    assert changes() == before


# --- Extension --------------------------------------------------------------------------------


@pytest.mark.clause("C4.6")
def test_it_requests_an_extension_through_the_follow_up_engine(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        client.force_login(world.housing_clerk)
        response = client.post(
            f"/proposals/dept/{lead_of(proposal).pk}/extension/",
            {"requested_due": "2026-07-15", "reason": "涉及跨部门资金安排，需延期答复"},
        )
        assert response.status_code == 302
        html = client.get(response.url).content.decode()
    extension = Extension.objects.get()
    assert extension.task_id == lead_of(proposal).task_id
    assert extension.requested_due == dt.date(2026, 7, 15)
    assert extension.status == Extension.Status.PENDING
    assert "申请延至2026年7月15日" in html and "待审批" in html
    # One request at a time: while it waits the page says so and offers no second form,
    # which the follow-up engine would refuse.
    assert 'id="extension-pending"' in html
    assert "/extension/" not in html


def test_it_refuses_an_extension_beyond_the_six_month_cap(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        client.force_login(world.housing_clerk)
        before = changes()
        response = client.post(
            f"/proposals/dept/{lead_of(proposal).pk}/extension/",
            {"requested_due": "2026-09-03", "reason": "需要更多时间"},
        )
    html = response.content.decode()
    assert response.status_code == 400
    assert "延期后的期限最长为交办后6个月，即不晚于2026年9月2日。" in html
    assert "需要更多时间" in html
    assert not Extension.objects.exists()
    assert changes() == before


def test_it_reads_the_extension_cap_from_the_organisations_rules(world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        # A rule applies from the day it is set (orgs.config): set it on the simulated day.
        config.set_value(world.district, rules.MAX_EXTENSION_MONTHS, 4, actor=world.office)
        assignment = lead_of(assigned(world))
        with pytest.raises(ValidationError) as excinfo:
            services.assignment_extension_request(
                assignment=assignment,
                actor=world.housing_clerk,
                requested_due=dt.date(2026, 7, 3),
                reason="理由",
            )
        assert "交办后4个月" in excinfo.value.message_dict["requested_due"][0]
        extension = services.assignment_extension_request(
            assignment=assignment,
            actor=world.housing_clerk,
            requested_due=dt.date(2026, 7, 2),
            reason="理由",
        )
    assert extension.requested_due == dt.date(2026, 7, 2)


def test_an_approved_extension_is_in_the_proposals_history_and_told_to_the_proposers(client, world):
    """Issue: the lead's 办理期限 moved on the proposal page, but neither the proposal's nor
    the department's 办理记录 said so, and the proposer's inbox kept the old 答复期限."""
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        lead = lead_of(proposal)
        before = lead.task.due_date
        extension = services.assignment_extension_request(
            assignment=lead,
            actor=world.housing_clerk,
            requested_due=dt.date(2026, 7, 15),
            reason="涉及跨部门资金安排，需延期答复",
        )
        # Approved where the committee decides it: the follow-up page.
        client.force_login(world.reviewer)
        decided = client.post(
            f"/followups/{lead.task_id}/extension/{extension.pk}/decide/",
            {"decision": "approve", "note": ""},
        )
        assert decided.status_code == 302
        committee_page = client.get(proposal.get_absolute_url()).content.decode()
        client.force_login(world.housing_clerk)
        department_page = client.get(f"/proposals/dept/{lead.pk}/").content.decode()

    line = (
        f"区住房和城乡建设局办理期限：{before.year}年{before.month}月{before.day}日 → 2026年7月15日"
    )
    for page in (committee_page, department_page):
        history = page.split('id="history"', 1)[1].split("</ol>", 1)[0]
        [row] = [r for r in history.split("<li")[1:] if "同意延期" in r]
        assert line in row and "提案委" in row
    [notice] = world.user("zhang").notifications.filter(title__startswith="提案答复期限延长")
    assert notice.body == "区住房和城乡建设局的答复期限延至2026年7月15日。"
    assert notice.url == proposal.get_absolute_url()


# --- Return -----------------------------------------------------------------------------------


@pytest.mark.clause("C4.6")
def test_it_returns_a_wrongly_assigned_proposal_with_a_reason(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, department=world.education)
    client.force_login(world.education_clerk)
    with time_machine.travel(dt.datetime(2026, 3, 6, 2, 0, tzinfo=dt.UTC), tick=False):
        response = client.post(
            f"/proposals/dept/{lead_of(proposal).pk}/return/",
            {"reason": "加装电梯属住建部门职责"},
        )
    assert response.status_code == 302 and response.url == "/proposals/dept/"
    assignment = lead_of(proposal)
    assert assignment.status == Assignment.Status.RETURNED
    assert assignment.return_reason == "加装电梯属住建部门职责"
    proposal.refresh_from_db()
    assert proposal.status == S.ACCEPTED  # back to the committee to reassign
    # Its page keeps the record, without empty 答复函 and 延期申请 headings over nothing.
    client.force_login(world.education_clerk)
    page = client.get(f"/proposals/dept/{assignment.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "加装电梯属住建部门职责" in html
    assert 'id="answer-title"' not in html and 'id="ext-title"' not in html


def test_it_refuses_a_return_past_the_configured_working_days(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, department=world.education)
    client.force_login(world.education_clerk)
    before = changes()
    # 2026-03-10 is the 6th working day after 3月2日.
    with time_machine.travel(dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        page = client.get(f"/proposals/dept/{lead_of(proposal).pk}/").content.decode()
        response = client.post(
            f"/proposals/dept/{lead_of(proposal).pk}/return/", {"reason": "不属我局职责"}
        )
    assert "退回时限已于2026年3月9日届满" in page
    assert response.status_code == 400
    assert "已超过交办后5个工作日的退回时限" in response.content.decode()
    assert lead_of(proposal).status == Assignment.Status.HANDLING
    proposal.refresh_from_db()
    assert proposal.status == S.ASSIGNED
    assert changes() == before


def test_it_requires_a_reason_to_return(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        client.force_login(world.housing_clerk)
        response = client.post(f"/proposals/dept/{lead_of(proposal).pk}/return/", {"reason": ""})
    assert response.status_code == 400
    assert lead_of(proposal).status == Assignment.Status.HANDLING


def test_the_answer_form_in_english_names_the_default_outcome_categories_in_english(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
    client.force_login(world.housing_clerk)
    client.cookies["django_language"] = "en"
    html = client.get(f"/proposals/dept/{lead_of(proposal).pk}/").content.decode()
    assert "Outcome category" in html
    assert "A　Solved or largely solved" in html
    assert "已解决或基本解决" not in html


def test_the_return_and_extension_reasons_are_two_fields_not_one_id(client, world):
    """Inside the return window the page offers both 申请退回 and 申请延期, each with a reason:
    both textareas were id_reason, so clicking 延期理由 put the cursor in 退回理由."""
    import re

    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, department=world.education)
        client.force_login(world.education_clerk)
        html = client.get(f"/proposals/dept/{lead_of(proposal).pk}/").content.decode()
    assert "退回理由" in html and "延期理由" in html
    ids = re.findall(r'\bid="(id_[^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
