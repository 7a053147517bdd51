"""Leaders' instructions (批示, C4.7) on any item sent to leaders, through one mechanism, and
the department assessment report for the supervising office (C2.6, C4.7)."""

import datetime as dt
from io import BytesIO

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.factories import DepartmentFactory, make_org, user_with_role
from tests.meetings.factories import world as meetings_world
from tests.opinions.factories import make_opinion, member_user
from xieshang.core.notifications import Notification
from xieshang.followups import selectors, services
from xieshang.followups.assessment import category_of
from xieshang.followups.models import Instruction, Task
from xieshang.meetings.models import MeetingKind
from xieshang.opinions.models import Issue, Opinion
from xieshang.orgs.models import Level, Role
from xieshang.proposals.models import Proposal

pytestmark = pytest.mark.django_db
MORNING = dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC)  # Monday 2 March 2026, 10:00 Beijing


def _key_proposal(org, *, key=True, title="关于加快老旧小区加装电梯的提案"):
    return Proposal.objects.create(
        organisation=org,
        year=2026,
        title=title,
        suggestions="简化审批，财政补贴。",
        status=Proposal.Status.ASSIGNED,
        key_status=Proposal.KeyStatus.APPROVED if key else "",
    )


@pytest.fixture
def district():
    city = make_org("示范市政协", Level.CITY)
    org = make_org("示范区政协", Level.DISTRICT, parent=city)
    other = make_org("邻区政协", Level.DISTRICT, parent=city)
    housing = DepartmentFactory(organisation=org, name="区住房和城乡建设局")
    finance = DepartmentFactory(organisation=org, name="区财政局")
    return {
        "org": org,
        "housing": housing,
        "finance": finance,
        "committee": user_with_role(Role.PROPOSAL_COMMITTEE, org, full_name="提案委"),
        "office": user_with_role(Role.OFFICE, org, full_name="区政协办"),
        "supervisor": user_with_role(Role.SUPERVISOR, org, full_name="区督查办"),
        "housing_clerk": user_with_role(
            Role.DEPARTMENT, org, department=housing, full_name="住建经办"
        ),
        "finance_clerk": user_with_role(
            Role.DEPARTMENT, org, department=finance, full_name="财政经办"
        ),
        "party_office": user_with_role(Role.PARTY_OFFICE, org, full_name="区委办"),
        "other_supervisor": user_with_role(Role.SUPERVISOR, other, full_name="邻区督查办"),
    }


@pytest.mark.clause("C4.7")
def test_an_instruction_on_a_key_proposal_asks_each_named_unit_and_shows_their_feedback(
    client, district
):
    d = district
    proposal = _key_proposal(d["org"])
    client.force_login(d["committee"])
    with time_machine.travel(MORNING):
        response = client.post(
            f"/followups/instructions/new/proposals.proposal/{proposal.pk}/",
            {
                "leader": "王书记",
                "level": "district",
                "instructed_on": "2026-03-02",
                "text": "请住建局、财政局联合研究，月底前拿出方案。",
                "departments": [d["housing"].pk, d["finance"].pk],
                "offices": [Role.GOVERNMENT_OFFICE],
                "working_days": 10,
            },
        )
    assert response.status_code == 302 and response["Location"] == f"/proposals/{proposal.pk}/"
    instruction = Instruction.objects.get()
    assert instruction.item == proposal and instruction.organisation == d["org"]
    tasks = list(Task.objects.filter(kind=Task.Kind.INSTRUCTION).order_by("id"))
    assert [t.assignee_display for t in tasks] == ["区住房和城乡建设局", "区财政局", "政府办公室"]
    # 2 March 2026 + 10 working days; every task hangs on the instruction.
    assert {t.due_date for t in tasks} == {dt.date(2026, 3, 16)}
    assert {t.subject for t in tasks} == {instruction}
    assert "王书记批示" in tasks[0].request
    # The housing bureau answers in writing; the proposal's page shows it under the
    # instruction, and the finance bureau still open.
    services.feedback_submit(
        task=tasks[0], text="已制定加装电梯三年行动方案。", actor=d["housing_clerk"]
    )
    client.force_login(d["committee"])  # the session began at the travelled-to time
    page = client.get(f"/proposals/{proposal.pk}/")
    assert page.status_code == 200, page.get("Location")
    html = page.content.decode()
    assert "请住建局、财政局联合研究" in html
    assert "已制定加装电梯三年行动方案。" in html
    assert "区财政局" in html and "办理中" in html
    # The finance clerk sees it in their queue.
    client.force_login(d["finance_clerk"])
    assert "落实领导批示" in client.get("/followups/").content.decode()


@pytest.mark.clause("C4.7")
def test_an_instruction_cannot_be_dated_before_the_item_reached_the_office(client, district):
    """A typed 2016 would date the instruction, and the duty record it earns the authors,
    years before the item existed: refused, and what was typed stays in the form."""
    d = district
    proposal = _key_proposal(d["org"])
    Proposal.objects.filter(pk=proposal.pk).update(
        submitted_at=dt.datetime(2026, 2, 10, 2, tzinfo=dt.UTC)
    )
    client.force_login(d["committee"])
    form = {
        "leader": "王书记",
        "level": "district",
        "instructed_on": "2016-03-02",
        "text": "请住建局研究。",
        "departments": [d["housing"].pk],
        "working_days": 10,
    }
    url = f"/followups/instructions/new/proposals.proposal/{proposal.pk}/"
    with time_machine.travel(MORNING):
        refused = client.post(url, form)
        assert refused.status_code == 400
        html = refused.content.decode()
        assert "批示日期不能早于该事项报送的日期（2026年2月10日）。" in html
        assert "请住建局研究。" in html
        assert not Instruction.objects.exists()
        # The day it was submitted is a possible day.
        assert client.post(url, {**form, "instructed_on": "2026-02-10"}).status_code == 302
    assert Instruction.objects.get().instructed_on == dt.date(2026, 2, 10)


@pytest.mark.clause("C4.7")
def test_only_a_key_proposal_takes_an_instruction_and_only_from_whoever_may_record(
    client, district
):
    d = district
    ordinary = _key_proposal(d["org"], key=False, title="普通提案")
    client.force_login(d["committee"])
    assert (
        client.get(f"/followups/instructions/new/proposals.proposal/{ordinary.pk}/").status_code
        == 404
    )
    assert "记录领导批示" not in client.get(f"/proposals/{ordinary.pk}/").content.decode()
    key = _key_proposal(d["org"])
    with pytest.raises(PermissionDenied):
        services.instruction_record(
            item=key,
            actor=d["housing_clerk"],
            leader="王书记",
            level="district",
            instructed_on=dt.date(2026, 3, 2),
            text="阅。",
            departments=[d["housing"]],
        )
    # A refused form keeps what was typed and says why.
    response = client.post(
        f"/followups/instructions/new/proposals.proposal/{key.pk}/",
        {"leader": "王书记", "level": "district", "instructed_on": "2026-03-02", "text": "阅示。"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "请至少指定一个落实单位或办公室" in html and "阅示。" in html
    assert not Instruction.objects.exists() and not Task.objects.exists()


@pytest.mark.clause("C4.7")
def test_an_instruction_on_an_inspection_report_goes_to_the_named_department(client):
    w = meetings_world()
    dept = DepartmentFactory(organisation=w.org, name="区生态环境局")
    clerk = user_with_role(Role.DEPARTMENT, w.org, department=dept, full_name="环境经办")
    went, stayed = w.member("视察委员"), w.member("未去委员")
    inspection = w.meeting(MeetingKind.INSPECTION, title="河道治理视察")
    inspection.invitations.filter(member=went).update(outcome="present")
    inspection.invitations.filter(member=stayed).update(outcome="absent")
    record = {
        "item": inspection,
        "actor": w.office,
        "leader": "李区长",
        "level": "district",
        "instructed_on": dt.date(2026, 3, 2),
        "text": "请生态环境局抓紧整改，书面反馈。",
        "departments": [dept],
        "working_days": 15,
    }
    with pytest.raises(ValidationError):  # no report filed yet
        services.instruction_record(**record)
    client.force_login(w.office)
    client.post(f"/meetings/{inspection.pk}/record/", {"text": "视察发现河道垃圾较多。"})
    inspection.refresh_from_db()
    instruction = services.instruction_record(**record)
    task = Task.objects.get()
    assert (task.kind, task.department, task.subject) == ("instruction", dept, instruction)
    services.feedback_submit(task=task, text="已完成河道清淤。", actor=clerk)
    html = client.get(f"/meetings/{inspection.pk}/").content.decode()
    assert "请生态环境局抓紧整改" in html and "已完成河道清淤。" in html
    # The inspection team is told, and reads the answer on the meeting's page; a member who
    # did not go is not told and sees the instruction without the unit's answer.
    told = Notification.objects.filter(title__startswith="领导批示落实情况")
    assert list(told.values_list("recipient", flat=True)) == [went.user.pk]
    client.force_login(went.user)
    assert "已完成河道清淤。" in client.get(f"/meetings/{inspection.pk}/").content.decode()
    client.force_login(stayed.user)
    html = client.get(f"/meetings/{inspection.pk}/").content.decode()
    assert "请生态环境局抓紧整改" in html and "已完成河道清淤。" not in html
    client.force_login(w.office)
    # Other meetings carry no instruction panel.
    symposium = w.meeting(MeetingKind.SYMPOSIUM, title="协商座谈")
    assert "领导批示" not in client.get(f"/meetings/{symposium.pk}/").content.decode()


@pytest.mark.clause("C4.7")
def test_the_supervising_office_lists_instructions_by_state_and_kind(client, district):
    d = district
    key = _key_proposal(d["org"])
    common = {"leader": "王书记", "level": "district", "working_days": 5}
    with time_machine.travel(MORNING):
        answered = services.instruction_record(
            item=key,
            actor=d["committee"],
            instructed_on=dt.date(2026, 3, 2),
            text="甲批示：抓紧办理。",
            departments=[d["housing"]],
            **common,
        )
        services.instruction_record(
            item=_key_proposal(d["org"], title="关于停车难的提案"),
            actor=d["committee"],
            instructed_on=dt.date(2026, 3, 2),
            text="乙批示：研究解决。",
            departments=[d["finance"]],
            **common,
        )
    services.feedback_submit(
        task=Task.objects.get(department=d["housing"]), text="已办。", actor=d["housing_clerk"]
    )
    client.force_login(d["supervisor"])
    with time_machine.travel(dt.datetime(2026, 4, 1, 2, tzinfo=dt.UTC)):
        html = client.get("/followups/instructions/?year=2026").content.decode()
        assert "甲批示" in html and "乙批示" in html and "已逾期17个工作日" in html
        html = client.get("/followups/instructions/?state=answered").content.decode()
        assert "甲批示" in html and "乙批示" not in html
        html = client.get("/followups/instructions/?state=overdue").content.decode()
        assert "乙批示" in html and "甲批示" not in html
        html = client.get("/followups/instructions/?kind=opinions.opinion").content.decode()
        assert "甲批示" not in html and "乙批示" not in html
        html = client.get("/followups/instructions/?kind=proposals.proposal&year=2025")
        assert "甲批示" not in html.content.decode()
    assert answered.departments.get() == d["housing"]
    # A department sees the instructions that name it; another district sees none.
    client.force_login(d["housing_clerk"])
    html = client.get("/followups/instructions/").content.decode()
    assert "甲批示" in html and "乙批示" not in html
    client.force_login(d["other_supervisor"])
    html = client.get("/followups/instructions/").content.decode()
    assert "甲批示" not in html and "乙批示" not in html


def test_a_city_supervisor_reads_whose_instruction_each_row_is(client, district):
    d = district
    with time_machine.travel(MORNING):
        services.instruction_record(
            item=_key_proposal(d["org"]),
            actor=d["committee"],
            instructed_on=dt.date(2026, 3, 2),
            text="甲批示：抓紧办理。",
            departments=[d["housing"]],
            leader="王书记",
            level="district",
            working_days=5,
        )
    note = '<div class="small text-secondary">示范区政协</div>'
    city_supervisor = user_with_role(Role.SUPERVISOR, d["org"].parent, full_name="市督查办")
    for user, named in ((d["supervisor"], False), (city_supervisor, True)):
        client.force_login(user)
        html = client.get("/followups/instructions/").content.decode()
        assert "甲批示" in html and (note in html) is named


@pytest.mark.clause("C4.7")
def test_a_unit_named_beside_another_links_only_its_own_task(client, district):
    d = district
    with time_machine.travel(MORNING):
        services.instruction_record(
            item=_key_proposal(d["org"]),
            actor=d["committee"],
            instructed_on=dt.date(2026, 3, 2),
            text="请两家单位共同研究。",
            departments=[d["housing"], d["finance"]],
            leader="王书记",
            level="district",
            working_days=5,
        )
    own = Task.objects.get(department=d["housing"])
    other = Task.objects.get(department=d["finance"])
    client.force_login(d["housing_clerk"])
    html = client.get("/followups/instructions/").content.decode()
    assert f'href="{reverse("followups:detail", args=[own.pk])}"' in html
    assert f'href="{reverse("followups:detail", args=[other.pk])}"' not in html
    assert "区财政局" in html  # named, not linked
    assert client.get(reverse("followups:detail", args=[other.pk])).status_code == 404
    # The overseeing office opens both.
    client.force_login(d["supervisor"])
    html = client.get("/followups/instructions/").content.decode()
    assert f'href="{reverse("followups:detail", args=[other.pk])}"' in html


@pytest.mark.clause("C4.7")
def test_the_instruction_list_links_only_the_items_the_reader_may_open(client):
    """The proposal committee's staff oversee the units' feedback on every instruction, but
    read no 社情民意 item nor meeting of the office's: those are named, not linked to a 404."""
    w = meetings_world()
    dept = DepartmentFactory(organisation=w.org, name="区住房和城乡建设局")
    committee = user_with_role(Role.PROPOSAL_COMMITTEE, w.org, full_name="提案委")
    opinion = make_opinion(member_user(w.org), office=w.office, state=Opinion.Status.PUBLISHED)
    # Published before the instruction of 2 March (an instruction is not dated before it).
    Opinion.objects.filter(pk=opinion.pk).update(
        submitted_at=dt.datetime(2026, 2, 27, tzinfo=dt.UTC)
    )
    Issue.objects.filter(pk=opinion.issue_id).update(published_on=dt.date(2026, 2, 28))
    inspection = w.meeting(MeetingKind.INSPECTION, title="河道治理视察")
    client.force_login(w.office)
    client.post(f"/meetings/{inspection.pk}/record/", {"text": "视察发现河道垃圾较多。"})
    inspection.refresh_from_db()
    common = {
        "actor": w.office,
        "leader": "王书记",
        "level": "district",
        "instructed_on": dt.date(2026, 3, 2),
        "text": "请研究落实。",
        "departments": [dept],
        "working_days": 10,
    }
    key = _key_proposal(w.org)
    services.instruction_record(item=opinion, **common)
    services.instruction_record(item=inspection, **common)
    services.instruction_record(item=key, **{**common, "actor": committee})
    urls = [item.get_absolute_url() for item in (opinion, inspection, key)]

    html = client.get("/followups/instructions/").content.decode()
    assert all(f'href="{url}"' in html for url in urls)
    client.force_login(committee)
    html = client.get("/followups/instructions/").content.decode()
    assert opinion.title in html and "河道治理视察" in html
    assert f'href="{key.get_absolute_url()}"' in html
    for url in urls[:2]:
        assert f'href="{url}"' not in html
        assert client.get(url).status_code == 404
    # The unit asked to answer opens each item it answers about, meeting included.
    client.force_login(user_with_role(Role.DEPARTMENT, w.org, department=dept))
    html = client.get("/followups/instructions/").content.decode()
    assert all(f'href="{url}"' in html for url in urls)
    assert all(client.get(url).status_code == 200 for url in urls)


def _task(d, dept, kind, due, *, title="督办事项"):
    return services.task_open(
        organisation=d["org"],
        title=title,
        actor=d["office"],
        kind=kind,
        department=dept,
        start_date=dt.date(2025, 12, 1),
        due_date=due,
    )


def _answer(task, clerk, day):
    with time_machine.travel(dt.datetime.combine(day, dt.time(2), tzinfo=dt.UTC)):
        services.feedback_submit(task=task, text="已书面反馈。", actor=clerk)


@pytest.fixture
def known_tasks(district):
    """Housing: one proposal answered on time, one late, one instruction missing, one
    outcome not yet due, one cancelled, one due the year before. Finance: one on time."""
    d = district
    housing, finance = d["housing"], d["finance"]
    _answer(
        _task(d, housing, Task.Kind.PROPOSAL, dt.date(2026, 3, 10)),
        d["housing_clerk"],
        dt.date(2026, 3, 9),
    )
    _answer(
        _task(d, housing, Task.Kind.PROPOSAL, dt.date(2026, 3, 10)),
        d["housing_clerk"],
        dt.date(2026, 3, 12),
    )
    _task(d, housing, Task.Kind.INSTRUCTION, dt.date(2026, 4, 1))
    _task(d, housing, Task.Kind.OUTCOME, dt.date(2026, 12, 20))
    cancelled = _task(d, housing, Task.Kind.PROPOSAL, dt.date(2026, 4, 1))
    services.task_cancel(task=cancelled, actor=d["office"], note="重复交办")
    _task(d, housing, Task.Kind.PROPOSAL, dt.date(2025, 12, 30))
    _answer(
        _task(d, finance, Task.Kind.INSTRUCTION, dt.date(2026, 3, 20)),
        d["finance_clerk"],
        dt.date(2026, 3, 20),
    )
    return d


@pytest.mark.clause("C2.6")
@pytest.mark.clause("C4.7")
def test_the_assessment_counts_on_time_late_and_missing_per_department(known_tasks):
    d = known_tasks
    units = selectors.assessment(d["supervisor"], year=2026, today=dt.date(2026, 5, 1))
    assert [u["name"] for u in units] == ["区住房和城乡建设局", "区财政局"]
    housing, finance = units
    total = {k: housing["total"][k] for k in ("due", "on_time", "late", "missing", "pending")}
    assert total == {"due": 4, "on_time": 1, "late": 1, "missing": 1, "pending": 1}
    assert housing["total"]["on_time_rate"] == 33  # 1 of the 3 past their deadline
    by_category = dict(housing["categories"])
    assert (by_category["提案办理"]["on_time"], by_category["提案办理"]["late"]) == (1, 1)
    assert by_category["领导批示落实"]["missing"] == 1
    assert by_category["协商成果反馈"]["pending"] == 1
    assert (finance["total"]["due"], finance["total"]["on_time"]) == (1, 1)
    # The implementation of a key consultation activity (C2.6) counts under its own name.
    from xieshang.consultation.models import PlanItem

    plan_item = ContentType.objects.get_for_model(PlanItem).pk
    assert str(category_of(Task.Kind.IMPLEMENTATION, plan_item)) == "重点协商活动落实"
    assert str(category_of(Task.Kind.IMPLEMENTATION, None)) == "落实情况跟踪"


@pytest.mark.clause("C2.6")
def test_the_assessment_is_scoped_and_comes_out_as_excel_and_pdf(client, known_tasks):
    d = known_tasks
    # A department sees only its own figures; another district nothing.
    units = selectors.assessment(d["finance_clerk"], year=2026, today=dt.date(2026, 5, 1))
    assert [u["name"] for u in units] == ["区财政局"]
    assert selectors.assessment(d["other_supervisor"], year=2026) == []
    client.force_login(d["supervisor"])
    with time_machine.travel(dt.datetime(2026, 5, 1, 2, tzinfo=dt.UTC)):
        html = client.get("/followups/assessment/?year=2026").content.decode()
        assert "区住房和城乡建设局" in html and "区财政局" in html
        xlsx = client.get("/followups/assessment/?year=2026&format=xlsx")
        pdf = client.get("/followups/assessment/?year=2026&format=pdf")
    sheet = load_workbook(BytesIO(xlsx.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:6] == ["承办单位", "类别", "年度到期", "按时反馈", "逾期反馈", "逾期未反馈"]
    assert ["区住房和城乡建设局", "合计", 4, 1, 1, 1, 1, 33] in rows
    assert ["区财政局", "领导批示落实", 1, 1, 0, 0, 0, 100] in rows
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages)
    assert "区财政局" in text and "督办落实情况" in text
    client.force_login(d["other_supervisor"])
    assert (
        "区住房和城乡建设局" not in client.get("/followups/assessment/?year=2026").content.decode()
    )


def test_the_instruction_list_asks_the_database_a_fixed_number_of_times(client, district):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    d = district
    counts = {"supervisor": [], "housing_clerk": []}
    for n in (2, 5):
        while Instruction.objects.count() < n:
            services.instruction_record(
                item=_key_proposal(d["org"], title=f"提案{Instruction.objects.count()}"),
                actor=d["committee"],
                leader="王书记",
                level="district",
                instructed_on=dt.date(2026, 3, 2),
                text="请研究。",
                departments=[d["housing"], d["finance"]],
                offices=[Role.PARTY_OFFICE],
            )
        # The overseeing office, and a unit that opens each item because it answers about it.
        for who, seen in counts.items():
            client.force_login(d[who])
            client.get("/followups/instructions/")  # warm the session and content types
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/followups/instructions/").status_code == 200
            seen.append(len(queries))
    assert all(first == second for first, second in counts.values()), counts
