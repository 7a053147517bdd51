"""What the Party committee and government offices and the supervising office meet when they
record a leader's instruction (批示) and follow it up (C4.7)."""

import datetime as dt
import re

import pytest
import time_machine

from tests.factories import DepartmentFactory, make_org, user_with_role
from xieshang.orgs.models import Level, Role
from xieshang.proposals.models import Proposal

pytestmark = pytest.mark.django_db
MORNING = dt.datetime(2026, 12, 4, 2, tzinfo=dt.UTC)  # Friday 4 December 2026, 10:00 Beijing


@pytest.fixture
def district():
    org = make_org("示范区政协", Level.DISTRICT)
    housing = DepartmentFactory(organisation=org, name="区住房和城乡建设局")
    proposal = Proposal.objects.create(
        organisation=org,
        year=2026,
        title="关于加快老旧小区加装电梯的提案",
        suggestions="简化审批，财政补贴。",
        status=Proposal.Status.ASSIGNED,
        key_status=Proposal.KeyStatus.APPROVED,
    )
    return {
        "org": org,
        "housing": housing,
        "proposal": proposal,
        "committee": user_with_role(Role.PROPOSAL_COMMITTEE, org, full_name="提案委"),
    }


def _date_value(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


@pytest.mark.clause("C4.7")
def test_the_instruction_date_comes_filled_with_today_in_the_form_a_date_field_reads(
    client, district
):
    """The date picker takes only 2026-12-04: the Chinese interface's 2026/12/04 left it
    blank, and the office's first save was refused for a missing date."""
    client.force_login(district["committee"])
    with time_machine.travel(MORNING):
        page = client.get(f"/proposals/{district['proposal'].pk}/")
    assert page.status_code == 200
    assert _date_value(page.content.decode(), "instructed_on") == "2026-12-04"


@pytest.fixture
def late_answer(district):
    """An instruction task the housing bureau answered a week after its deadline."""
    from xieshang.followups import services
    from xieshang.followups.models import Task

    org = district["org"]
    office = user_with_role(Role.OFFICE, org, full_name="区政协办")
    clerk = user_with_role(
        Role.DEPARTMENT, org, department=district["housing"], full_name="住建经办"
    )
    with time_machine.travel(dt.datetime(2026, 11, 2, 2, tzinfo=dt.UTC)):
        task = services.task_open(
            organisation=org,
            title="落实领导批示：关于加快老旧小区加装电梯的提案",
            actor=office,
            kind=Task.Kind.INSTRUCTION,
            department=district["housing"],
            due_date=dt.date(2026, 11, 27),
        )
    with time_machine.travel(MORNING):
        services.feedback_submit(task=task, text="已制定资金分摊指导意见。", actor=clerk)
    return {
        **district,
        "task": task,
        "office": office,
        "supervisor": user_with_role(Role.SUPERVISOR, org, full_name="区督查办"),
    }


@pytest.mark.clause("C4.7")
def test_the_supervising_office_reads_an_answer_given_after_the_deadline_as_late(
    client, late_answer
):
    client.force_login(late_answer["supervisor"])
    with time_machine.travel(MORNING):
        page = client.get(f"/followups/{late_answer['task'].pk}/").content.decode()
    due = page.split('id="task-due"')[1].split("</dd>")[0]
    assert "2026年11月27日" in due and "逾期反馈" in due


@pytest.mark.clause("C4.7")
def test_an_answer_on_time_carries_no_late_mark(client, late_answer):
    task = late_answer["task"]
    task.due_date = dt.date(2026, 12, 31)
    task.save(update_fields=["due_date"])
    client.force_login(late_answer["supervisor"])
    with time_machine.travel(MORNING):
        page = client.get(f"/followups/{task.pk}/").content.decode()
    assert 'id="task-late"' not in page


@pytest.mark.clause("C4.7")
def test_on_a_phone_the_queue_keeps_the_unit_that_must_act(client, late_answer):
    """The queue's phone layout hides the minor columns: the unit to chase is not one of
    them (the kind is)."""
    client.force_login(late_answer["supervisor"])
    with time_machine.travel(MORNING):
        page = client.get("/followups/?state=submitted").content.decode()
    head = page.split('id="followup-queue"')[1].split("</thead>")[0]
    cells = dict(
        (re.sub(r"<[^>]+>", "", cell), attrs)
        for attrs, cell in re.findall(r"<th([^>]*)>(.*?)</th>", head)
    )
    assert "xs-col-minor" not in cells["承办单位"]
    assert "区住房和城乡建设局" in page


@pytest.mark.clause("C4.7")
def test_the_office_closing_a_task_is_told_it_is_closed(client, late_answer):
    client.force_login(late_answer["office"])
    with time_machine.travel(MORNING):
        response = client.post(f"/followups/{late_answer['task'].pk}/close/", follow=True)
    assert "督办事项已办结。" in response.content.decode()


@pytest.fixture
def overdue(district):
    """An instruction task due 27 November 2026, still unanswered on 4 December."""
    from xieshang.followups import services
    from xieshang.followups.models import Task

    org = district["org"]
    office = user_with_role(Role.OFFICE, org, full_name="区政协办")
    with time_machine.travel(dt.datetime(2026, 11, 2, 2, tzinfo=dt.UTC)):
        task = services.task_open(
            organisation=org,
            title="落实领导批示：关于加快老旧小区加装电梯的提案",
            actor=office,
            kind=Task.Kind.INSTRUCTION,
            department=district["housing"],
            due_date=dt.date(2026, 11, 27),
        )
    return {
        **district,
        "task": task,
        "office": office,
        "clerk": user_with_role(
            Role.DEPARTMENT, org, department=district["housing"], full_name="住建经办"
        ),
        "supervisor": user_with_role(Role.SUPERVISOR, org, full_name="区督查办"),
    }


@pytest.mark.clause("C2.7")
def test_the_supervising_office_chases_an_overdue_unit(client, overdue):
    """督查室 chases the housing bureau: its clerk gets a message with the deadline, the
    days overdue and the note, and the task's record keeps who chased."""
    from xieshang.core.notifications import Notification

    task = overdue["task"]
    client.force_login(overdue["supervisor"])
    with time_machine.travel(MORNING):
        page = client.get(f"/followups/{task.pk}/").content.decode()
        assert 'id="urge-form"' in page
        response = client.post(
            f"/followups/{task.pk}/urge/", {"note": "请于12月10日前报送落实情况。"}, follow=True
        )
    html = response.content.decode()
    assert "已催办，承办单位将收到提醒。" in html
    assert "区督查办" in html and "催办" in html.split("办理记录")[1]
    message = Notification.objects.get(recipient=overdue["clerk"], title__startswith="催办")
    assert "2026年11月27日" in message.body and "已逾期5个工作日" in message.body
    assert "请于12月10日前报送落实情况。" in message.body


@pytest.mark.clause("C2.7")
def test_the_unit_itself_cannot_chase_and_an_answered_task_is_not_chased(client, overdue):
    from xieshang.followups import services

    task = overdue["task"]
    client.force_login(overdue["clerk"])
    with time_machine.travel(MORNING):
        assert 'id="urge-form"' not in client.get(f"/followups/{task.pk}/").content.decode()
        client.post(f"/followups/{task.pk}/urge/", {"note": "x"})
        services.feedback_submit(task=task, text="已制定资金分摊指导意见。", actor=overdue["clerk"])
    from xieshang.core.models import Event

    assert not Event.objects.filter(verb="followup.urge").exists()
    client.force_login(overdue["supervisor"])
    with time_machine.travel(MORNING):
        assert 'id="urge-form"' not in client.get(f"/followups/{task.pk}/").content.decode()


@pytest.mark.clause("C2.7")
def test_the_government_office_chases_units_but_not_its_own_task(client, overdue):
    from xieshang.followups import services
    from xieshang.followups.models import Task

    gov = user_with_role(Role.GOVERNMENT_OFFICE, overdue["org"], full_name="区政府办")
    with time_machine.travel(dt.datetime(2026, 11, 2, 2, tzinfo=dt.UTC)):
        own = services.task_open(
            organisation=overdue["org"],
            title="落实领导批示：政府办牵头研究",
            actor=overdue["office"],
            kind=Task.Kind.INSTRUCTION,
            assignee_role=Role.GOVERNMENT_OFFICE,
            due_date=dt.date(2026, 11, 27),
        )
    client.force_login(gov)
    with time_machine.travel(MORNING):
        housing = client.get(f"/followups/{overdue['task'].pk}/").content.decode()
        assert 'id="urge-form"' in housing
        assert 'id="urge-form"' not in client.get(f"/followups/{own.pk}/").content.decode()
