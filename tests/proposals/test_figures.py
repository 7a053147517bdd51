"""Proposal figures: per department (C4.6 target assessment) and per session with the
key-proposal share of democratic parties and non-party people (C4.2)."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import DepartmentFactory, user_with_role
from tests.proposals.conftest import accepted, submitted
from xieshang.followups.models import Task
from xieshang.orgs import config
from xieshang.orgs.models import Role
from xieshang.proposals import figures, report, services
from xieshang.proposals.models import (
    Answer,
    Assignment,
    Contact,
    Evaluation,
    Proposal,
    Rating,
)

S = Proposal.Status
BJ = ZoneInfo("Asia/Shanghai")
DUE = dt.date(2026, 6, 1)
SAT, BASIC, UNSAT = Rating.SATISFIED, Rating.BASICALLY, Rating.UNSATISFIED


def proposal(world, *, status=S.ASSIGNED, year=2026, org=None, **extra):
    extra.setdefault("first_proposer", world.members["wang"])
    return Proposal.objects.create(
        organisation=org or world.district,
        year=year,
        title=extra.pop("title", "关于加快老旧小区加装电梯的建议"),
        suggestions="简化审批。",
        status=status,
        **extra,
    )


def assignment(
    world,
    dept,
    *,
    p=None,
    role=Assignment.Role.LEAD,
    submitted=None,
    status=None,
    round_=1,
    contacts=(),
    category=None,
    ratings=(),
):
    """One assignment with its follow-up task (due 2026-06-01); `submitted` is the local
    (Beijing) time the answer was given, None while the department is still handling."""
    p = p or proposal(world, status=S.ANSWERED if submitted else S.ASSIGNED)
    task = Task.objects.create(
        organisation=p.organisation,
        kind=Task.Kind.PROPOSAL,
        title=p.title,
        department=dept,
        start_date=dt.date(2026, 3, 2),
        due_date=DUE,
        status=Task.Status.SUBMITTED if submitted else Task.Status.OPEN,
        submitted_at=submitted.replace(tzinfo=BJ) if submitted else None,
    )
    if status is None:
        status = Assignment.Status.ANSWERED if submitted else Assignment.Status.HANDLING
    a = Assignment.objects.create(
        proposal=p, department=dept, role=role, status=status, task=task, round=round_
    )
    for way in contacts:
        Contact.objects.create(assignment=a, date=dt.date(2026, 3, 10), way=way)
    if category:
        answer = Answer.objects.create(
            assignment=a,
            category=category,
            text="已答复。",
            signed_by="局长",
            contact_person="经办人",
            contact_phone="0571-87654321",
            sent_at=timezone.now(),
        )
        for member_key, process, result in ratings:
            Evaluation.objects.create(
                answer=answer, member=world.members[member_key], process=process, result=result
            )
    return a


def department_data(world):
    """Hand-made: 住建局 has four first-round assignments and one re-handling, 教育局 one
    split assignment; noise that must not count is added around them."""
    housing, education = world.housing, world.education
    P, V, M = Contact.Way.PHONE, Contact.Way.VISIT, Contact.Way.MEETING
    # On time, phone and face to face, A, rated satisfied/satisfied.
    assignment(
        world,
        housing,
        submitted=dt.datetime(2026, 5, 20, 10),
        contacts=[P, M],
        category="A",
        ratings=[("zhang", SAT, SAT)],
    )
    # One day late by Beijing time (still 1 June in UTC), phone only, B.
    assignment(
        world,
        housing,
        submitted=dt.datetime(2026, 6, 2, 7),
        contacts=[P],
        category="B",
        ratings=[("wang", BASIC, UNSAT)],
    )
    # Still handling, no contact yet.
    assignment(world, housing)
    # On time on the due date's evening, face to face, A, unsatisfied: re-handled.
    fourth = assignment(
        world,
        housing,
        submitted=dt.datetime(2026, 6, 1, 23, 30),
        contacts=[M],
        category="A",
        ratings=[("li", UNSAT, UNSAT)],
    )
    assignment(world, housing, p=fourth.proposal, round_=2)
    # Education: split handling, on time, visited, C, not yet rated.
    assignment(
        world,
        education,
        role=Assignment.Role.SPLIT,
        submitted=dt.datetime(2026, 4, 1, 9),
        contacts=[V],
        category="C",
    )
    # Noise: a co-handler, a returned assignment, last year's, another district's.
    assignment(world, education, p=fourth.proposal, role=Assignment.Role.CO)
    assignment(world, education, status=Assignment.Status.RETURNED)
    assignment(world, housing, p=proposal(world, year=2025), contacts=[M], category="A")
    other_dept = DepartmentFactory(organisation=world.other_district, name="另一区住建局")
    assignment(
        world,
        other_dept,
        p=proposal(world, org=world.other_district),
        submitted=dt.datetime(2026, 5, 1, 9),
    )


@pytest.mark.clause("C4.6")
def test_department_figures_equal_the_hand_computed_numbers(world):
    department_data(world)
    fig = figures.figures(world.district, 2026)
    rows = {r.name: r for r in fig.departments}
    assert list(rows) == ["区住房和城乡建设局", "区教育局"]
    housing, education = rows["区住房和城乡建设局"], rows["区教育局"]
    assert (housing.assigned, housing.answered, housing.on_time) == (4, 3, 2)
    assert housing.answered_rate == 75.0
    assert housing.on_time_rate == 50.0
    assert housing.contact_rate == 75.0
    assert housing.meeting_rate == 50.0
    assert (housing.rated, housing.process_rate, housing.result_rate) == (3, 66.7, 33.3)
    assert housing.shares == [66.7, 33.3, 0.0]
    assert housing.rehandled == 1
    assert (education.assigned, education.answered, education.on_time_rate) == (1, 1, 100.0)
    assert (education.contact_rate, education.meeting_rate) == (100.0, 0.0)
    assert education.process_rate is None  # nobody has rated yet
    assert education.shares == [0.0, 0.0, 100.0]
    total = fig.department_total
    assert (total.assigned, total.answered, total.on_time, total.rehandled) == (5, 4, 3, 1)
    assert (total.on_time_rate, total.contact_rate, total.meeting_rate) == (60.0, 80.0, 40.0)
    assert total.shares == [50.0, 25.0, 25.0]


def session_data(world):
    """Hand-made: five plenary proposals of the fifth session and five between sessions,
    with five key proposals of which three come from democratic parties or non-party
    people (张丽华 of 民盟, 李明 non-party, and 民盟 as a body)."""
    zhang, wang, li = (world.members[k] for k in ("zhang", "wang", "li"))
    key = Proposal.KeyStatus.APPROVED
    plenary = {"session": world.session, "kind": Proposal.Kind.PLENARY}
    proposal(world, status=S.ASSIGNED, key_status=key, first_proposer=zhang, **plenary)
    proposal(world, status=S.ANSWERED, key_status=key, first_proposer=wang, **plenary)
    proposal(world, status=S.MERGED, **plenary)
    proposal(world, status=S.REJECTED, returned_count=1, **plenary)
    proposal(world, status=S.SUBMITTED, **plenary)
    proposal(world, status=S.DRAFT, **plenary)  # not received yet
    proposal(world, status=S.COSIGNING, **plenary)  # not received yet
    proposal(world, status=S.TO_OPINION)
    proposal(world, status=S.TO_INFO)
    body = {"first_proposer": None, "proposer_type": Proposal.ProposerType.PARTY}
    proposal(world, status=S.CLOSED, key_status=key, proposer_body="民盟示范区委员会", **body)
    proposal(world, status=S.ACCEPTED, key_status=key, first_proposer=li)
    proposal(world, status=S.CLOSED, key_status=key, proposer_body="示范区妇联", **body)
    proposal(world, status=S.ACCEPTED, key_status=key, first_proposer=zhang, year=2025)


@pytest.mark.clause("C4.2")
def test_session_figures_count_review_outcomes_and_the_nonparty_key_share(world):
    session_data(world)
    fig = figures.figures(world.district, 2026)
    plenary, interim = fig.sessions
    assert plenary.label == "第十五届第五次会议"
    assert (plenary.received, plenary.pending, plenary.accepted, plenary.merged) == (5, 1, 2, 1)
    # 退回修改 is where a proposal is now (with the proposer): one returned once and then
    # rejected counts as rejected only.
    assert (plenary.rejected, plenary.returned, plenary.key, plenary.key_nonparty) == (1, 0, 2, 1)
    assert interim.label == "平时提案"
    assert (interim.received, interim.accepted, interim.to_opinion, interim.to_info) == (
        5,
        3,
        1,
        1,
    )
    assert (interim.key, interim.key_nonparty) == (3, 2)
    total = fig.session_total
    assert (total.received, total.key, total.key_nonparty) == (10, 5, 3)
    assert total.key_nonparty_share == 60.0
    assert fig.key_target == 30
    assert fig.key_target_met is True


@pytest.mark.clause("C4.2")
def test_the_key_share_target_is_configurable_per_organisation(world, client):
    session_data(world)
    config.set_value(world.district, figures.KEY_NONPARTY_TARGET, 70, actor=world.office)
    fig = figures.figures(world.district, 2026)
    assert fig.key_target == 70
    assert fig.key_target_met is False
    client.force_login(world.office)
    response = client.get(reverse("proposals:figures"), {"year": 2026})
    text = response.content.decode()
    assert "目标：70%" in text
    assert "实际占比 60.0%" in text
    assert "未达到目标" in text


def test_a_year_without_key_proposals_meets_no_target(world):
    fig = figures.figures(world.district, 2026)
    assert fig.sessions == []
    assert fig.key_target_met is None


@pytest.mark.clause("C4.6")
def test_the_excel_export_holds_the_same_numbers(world, client):
    department_data(world)
    session_data(world)
    client.force_login(world.reviewer)
    response = client.get(reverse("proposals:figures_export"), {"year": 2026})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["承办单位办理情况", "提案总体情况", "提案清单"]
    dept = [list(r) for r in wb["承办单位办理情况"].iter_rows(values_only=True)]
    assert dept[0][:7] == [
        "承办单位",
        "交办政协",
        "交办件数",
        "已答复",
        "答复率（%）",
        "按时答复",
        "按时答复率（%）",
    ]
    assert dept[0][11:14] == ["A类占比（%）", "B类占比（%）", "C类占比（%）"]
    housing = next(r for r in dept if r[0] == "区住房和城乡建设局")
    assert housing[2:] == [4, 3, 75.0, 2, 50.0, 75.0, 50.0, 66.7, 33.3, 66.7, 33.3, 0.0, 1]
    assert dept[-1][:3] == ["合计", None, 5]
    sessions = [list(r) for r in wb["提案总体情况"].iter_rows(values_only=True)]
    assert sessions[0][0] == "会次"
    assert sessions[1][:3] == ["第十五届第五次会议", "示范区政协", 5]
    total = next(r for r in sessions if r and r[0] == "合计")
    assert total[10:13] == [5, 3, 60.0]
    assert sessions[-1] == ["民主党派、无党派人士重点提案占比目标（%）", 30, "已达到"] + [None] * 10


def test_the_page_shows_both_tables_to_proposal_staff(world, client):
    department_data(world)
    session_data(world)
    client.force_login(world.chair)
    response = client.get(reverse("proposals:figures"), {"year": "2026"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "区住房和城乡建设局" in text and "第十五届第五次会议" in text
    assert "另一区住建局" not in text
    # A committee's own handling units are not labelled with the committee's name: a
    # government department is no part of the 政协 (the Excel's column says 交办政协).
    assert 'xs-hide-sm">示范区政协</span>' not in text
    assert 'class="table-responsive"' in text
    assert "已达到目标" in text


def test_people_without_proposals_view_get_403_and_a_bad_year_is_explained(world, client):
    # A handling unit's clerk gets its own unit's figures (tests/proposals/test_figures_unit.py).
    client.force_login(world.user("zhang"))
    assert client.get(reverse("proposals:figures")).status_code == 403
    assert client.get(reverse("proposals:figures_export")).status_code == 403
    client.force_login(world.office)
    response = client.get(reverse("proposals:figures"), {"year": "1850"})
    assert response.status_code == 400
    assert 'value="1850"' in response.content.decode()
    assert "2000" in response.content.decode()  # the error names the allowed minimum


def test_a_district_cannot_look_at_another_districts_figures(world, client):
    client.force_login(world.office)
    response = client.get(reverse("proposals:figures"), {"organisation": world.other_district.pk})
    assert response.status_code == 400
    response = client.get(
        reverse("proposals:figures_export"), {"organisation": world.other_district.pk}
    )
    assert response.status_code == 400


def test_the_city_sees_its_districts_rolled_up(world, client):
    department_data(world)
    city_office = user_with_role(Role.OFFICE, world.city)
    client.force_login(city_office)
    response = client.get(
        reverse("proposals:figures"), {"organisation": world.city.pk, "year": 2026}
    )
    text = response.content.decode()
    # One row per district (its departments added up), linking to the district's figures;
    # the departments themselves are on the district's page (and in the Excel export).
    for district in (world.district, world.other_district):
        assert f'data-committee="{district.pk}"' in text
        assert f"?organisation={district.pk}&amp;year=2026" in text
    assert "区住房和城乡建设局" not in text and "另一区住建局" not in text
    fig = figures.figures(world.city, 2026)
    assert [(r.name, r.assigned) for r in fig.committees] == [("示范区政协", 5), ("另一区政协", 1)]
    assert fig.department_total.assigned == 6


@pytest.mark.parametrize("n", [3, 30])
def test_the_page_asks_a_fixed_number_of_queries(world, client, n, django_assert_num_queries):
    for i in range(n):
        dept = DepartmentFactory(organisation=world.district, name=f"区局{i:02d}")
        assignment(
            world,
            dept,
            submitted=dt.datetime(2026, 5, 20, 10),
            contacts=[Contact.Way.MEETING],
            category="A",
            ratings=[("zhang", SAT, SAT)],
        )
    client.force_login(world.reviewer)
    client.get(reverse("proposals:figures"))  # warm the session
    # session, user, role assignments, outcome categories, 3 department queries, 1 session
    # query, key target, the charts (category × month, proposer pairs, their seats), unread
    # count, organisation choices count (the session was renewed by the warm-up: not written
    # again within the minute)
    with django_assert_num_queries(14):
        response = client.get(reverse("proposals:figures"), {"year": 2026})
    assert response.status_code == 200
    assert response.content.decode().count("区局") >= n


def test_the_excel_export_writes_a_formula_typed_as_a_name_as_plain_text(world, client):
    from tests.xlsx import PAYLOAD, assert_no_formulas, texts

    department_data(world)
    world.housing.name = PAYLOAD
    world.housing.save(update_fields=["name"])
    client.force_login(world.reviewer)
    response = client.get(reverse("proposals:figures_export"), {"year": 2026})
    wb = load_workbook(io.BytesIO(response.content))
    assert_no_formulas(wb)
    assert PAYLOAD in texts(wb)


OUTCOMES = ("pending", "accepted", "merged", "to_opinion", "to_info", "rejected", "returned")


def test_a_returned_proposal_is_with_the_proposer_not_pending_review_and_rows_add_up(world, client):
    """待审查 is the committee's review queue; a proposal sent back for revision is with
    its proposer (退回修改), counted there only, so each row adds up to 收到."""
    waiting = submitted(world, title="关于增设社区养老食堂的建议")
    returned = submitted(world, title="关于优化公交线路的建议")
    services.proposal_return(proposal=returned, actor=world.reviewer, note="请补充数据。")
    again = submitted(world, title="关于改造老旧管网的建议")
    services.proposal_return(proposal=again, actor=world.reviewer, note="请补充数据。")
    services.proposal_submit(proposal=again, actor=world.user("zhang"))  # back in the queue
    accepted(world, title="关于建设口袋公园的建议")
    year = waiting.year
    queue = Proposal.objects.filter(organisation=world.district, status=S.SUBMITTED)
    assert set(queue) == {waiting, again}

    fig = figures.figures(world.district, year)
    total = fig.session_total
    assert (total.received, total.pending, total.returned, total.accepted) == (4, 2, 1, 1)
    for row in [*fig.sessions, total]:
        assert sum(getattr(row, name) for name in OUTCOMES) == row.received, row

    # The Excel sheet: 收到 = 待审查 + 立案 + … + 退回修改 on every row.
    client.force_login(world.reviewer)
    response = client.get(reverse("proposals:figures_export"), {"year": year})
    sheet = [list(r) for r in load_workbook(io.BytesIO(response.content))["提案总体情况"].values]
    header = sheet[0]
    columns = ["待审查", "立案", "并案", "转意见建议", "转社情民意", "不予立案", "退回修改"]
    row = next(r for r in sheet if r[0] == "合计")
    assert row[header.index("待审查")] == 2 and row[header.index("退回修改")] == 1
    assert sum(row[header.index(c)] for c in columns) == row[header.index("收到提案")] == 4

    # The report says the same: two still in review, one with the proposer.
    table = dict((item, n) for item, n, _share in report.work_report(world.district, year).table())
    assert (table["收到提案"], table["尚在审查"], table["退回修改"]) == (4, 2, 1)
    client.force_login(world.office)
    page = client.get(reverse("proposals:work_report"), {"year": year}).content.decode()
    assert "另有2件尚在审查。1件已退回提案人修改，尚未再次提交。" in page
