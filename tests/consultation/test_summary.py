"""年度协商工作情况总结 (issue 12): the summary's tables are reproduced exactly from consultation
work driven through the services — the plan, activities by form, topics, participation,
outcomes, leaders' instructions and the feedback on them — the PDF says the same, and the
dashboard, the big screen and the roll-up read the same numbers."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from xieshang.consultation import services, summary
from xieshang.consultation.charts import screen_panel
from xieshang.consultation.models import ActivityForm, Outcome, Participant, Topic, TopicType
from xieshang.followups import services as followups
from xieshang.followups.models import LeaderLevel
from xieshang.orgs import config

pytestmark = [
    pytest.mark.clause("C2.4"),
    pytest.mark.clause("C2.6"),
    pytest.mark.clause("C2.7"),
    pytest.mark.clause("C2.8"),
]

YEAR = 2026
AS_OF = dt.datetime(2026, 12, 15, 10, 0, tzinfo=dt.UTC)


def at(day: dt.date):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=dt.UTC), tick=False
    )


def held(world, title, *, form, day, plan_item=None, sector=None, attendance, leaders=()):
    """An activity held on `day`; `attendance` maps member index → attendance."""
    with at(day):
        activity = services.activity_create(
            organisation=world.district,
            actor=world.office,
            title=title,
            form=form,
            date=day,
            place="区政协",
            plan_item=plan_item,
            sector=sector,
        )
        services.activity_add_participants(
            activity=activity,
            actor=world.office,
            members=[world.members[i] for i in attendance],
            leaders=leaders,
        )
        marks = {}
        for p in activity.participants.all():
            if p.member_id:
                index = world.members.index(p.member)
                marks[p.pk] = attendance[index]
            else:
                marks[p.pk] = Participant.Attendance.ATTENDED
        services.activity_hold(activity=activity, actor=world.office, attendance=marks)
    return activity


@pytest.fixture
def known(world):
    """One year of a district's consultation work, all through the services."""
    with at(dt.date(2026, 11, 2)):
        config.set_value(
            world.district, "consultation.feedback_working_days", 5, actor=world.office
        )
        elevator = world.topic("关于老旧小区加装电梯的协商")
        world.topic(
            "关于学校课后服务的协商",
            source=Topic.Source.DEPARTMENT,
            proposer_name="区教育局",
            proposer_department=world.education,
        )
    with at(dt.date(2026, 11, 21)):
        plan = services.plan_create(organisation=world.district, year=YEAR, actor=world.office)
        world.item(plan, "全会协商：十五五规划建议", form=ActivityForm.PLENARY, month=1)
        world.item(plan, "老旧小区改造提升专题协商", month=3, is_key=True, topic=elevator)
        world.item(plan, "民营经济发展协商座谈", form=ActivityForm.SYMPOSIUM, month=5)
        world.item(
            plan,
            "生态环境整治民主监督",
            topic_type=TopicType.SUPERVISION,
            form=ActivityForm.COUNTERPART,
            month=7,
        )
        world.item(plan, "教育界界别协商", form=ActivityForm.SECTOR, month=9)
        plan = world.publish(plan)
    items = {i.title: i for i in plan.items.all()}
    A = Participant.Attendance
    plenary = held(
        world,
        "全会协商：十五五规划建议",
        form=ActivityForm.PLENARY,
        day=dt.date(2026, 11, 23),
        plan_item=items["全会协商：十五五规划建议"],
        attendance={0: A.ATTENDED, 1: A.ATTENDED, 2: A.EXCUSED},
        leaders=[("刘书记", "区委书记")],
    )
    with at(dt.date(2026, 11, 23)):
        services.speech_add(
            activity=plenary, actor=world.office, speaker="张丽华", title="关于规划编制的建议"
        )
        services.speech_add(
            activity=plenary, actor=world.office, speaker="住建局局长", title="关于城市更新"
        )
        # The key activity is arranged but not yet held.
        services.activity_create(
            organisation=world.district,
            actor=world.office,
            title="老旧小区改造提升专题协商",
            form=ActivityForm.SPECIAL,
            date=dt.date(2026, 12, 10),
            place="区政协",
            plan_item=items["老旧小区改造提升专题协商"],
        )
    sector = held(
        world,
        "教育界界别协商：课后服务",
        form=ActivityForm.SECTOR,
        day=dt.date(2026, 11, 24),
        sector=world.education_sector,
        attendance={0: A.ATTENDED},
    )
    with at(dt.date(2026, 11, 24)):
        bulletin = services.outcome_create(
            activity=sector,
            actor=world.office,
            kind=Outcome.Kind.BULLETIN,
            title="关于课后服务的协商专报",
            body="……",
            departments=[world.housing, world.education],
            to_party_office=False,
            to_government_office=False,
        )
        services.outcome_submit(outcome=bulletin, actor=world.office)
    with at(dt.date(2026, 11, 25)):
        minutes = services.outcome_create(
            activity=plenary,
            actor=world.office,
            kind=Outcome.Kind.MINUTES,
            title="全会协商纪要",
            body="……",
        )
        services.outcome_submit(outcome=minutes, actor=world.office)  # answers the reminder
        services.outcome_enter_decision(outcome=minutes, actor=world.party_office)
        services.outcome_decide(outcome=minutes, actor=world.standing, decision="纳入规划。")
    with at(dt.date(2026, 11, 26)):
        followups.instruction_record(
            item=minutes,
            actor=world.office,
            leader="王书记",
            level=LeaderLevel.DISTRICT,
            instructed_on=dt.date(2026, 11, 26),
            text="请住建局研究落实。",
            departments=[world.housing],
            working_days=10,
        )
    (housing_feedback,) = [
        t for t in followups_tasks(bulletin) if t.department_id == world.housing.pk
    ]
    with at(dt.date(2026, 11, 30)):  # on time (due 1 December)
        followups.feedback_submit(task=housing_feedback, text="已采纳。", actor=world.housing_clerk)
    from xieshang.followups.models import Instruction, Task

    instruction = Instruction.objects.get()
    (instruction_task,) = Task.objects.filter(object_id=str(instruction.pk), kind="instruction")
    with at(dt.date(2026, 12, 14)):  # late (due 10 December)
        followups.feedback_submit(task=instruction_task, text="已落实。", actor=world.housing_clerk)
    return plan


def followups_tasks(outcome):
    from xieshang.consultation.selectors import outcome_tasks

    return outcome_tasks([outcome.pk])[outcome.pk]


PLANS = [("示范区政协", "已印发", "2026年11月20日", 5, 1, 1)]
FORMS = [
    ("全体会议协商", 1, 1, 0, 0, 0),
    ("常委会会议协商", 0, 0, 0, 0, 0),
    ("专题协商会", 1, 0, 1, 0, 0),
    ("协商座谈会", 1, 0, 0, 1, 0),
    ("对口协商", 1, 0, 0, 1, 0),
    ("提案办理协商", 0, 0, 0, 0, 0),
    ("界别协商", 1, 0, 0, 1, 1),
    ("合计", 5, 1, 1, 3, 1),
]
TOPICS = [
    ("社会征题", 0, 0, 0),
    ("群众出题", 0, 0, 0),
    ("部门点题", 1, 1, 0),
    ("政协集题", 1, 1, 1),
    ("党委定题", 0, 0, 0),
    ("合计", 2, 2, 1),
]
OUTCOMES = [
    ("协商纪要", 1, 1, 1, 0, 0),
    ("建议案", 0, 0, 0, 0, 0),
    ("协商专报", 1, 1, 0, 0, 1),
    ("合计", 2, 2, 1, 0, 1),
]
# (item, due, on time, late, missing, not yet due, on-time rate)
FEEDBACK = [
    ("协商纪要报送", 2, 1, 0, 1, 0, 50),
    ("协商成果书面反馈", 2, 1, 0, 1, 0, 50),
    ("成果批示落实", 1, 0, 1, 0, 0, 0),
    ("重点协商活动落实", 1, 0, 0, 1, 0, 0),
    ("合计", 6, 2, 1, 3, 0, 33),
]


def report_of(org):
    with time_machine.travel(AS_OF, tick=False):
        return summary.work_report(org, YEAR)


def test_the_summary_tables_are_reproduced_exactly_from_the_records(world, known):
    # The city above sees the district's work too (the roll-up); the other district nothing.
    for org in (world.district, world.city):
        r = report_of(org)
        assert r.plans_table() == PLANS
        assert r.forms_table() == FORMS
        assert r.topics_table() == TOPICS
        assert r.outcomes_table() == OUTCOMES
        assert r.feedback_table() == FEEDBACK
        assert (r.held, r.held_adhoc, r.planned, r.planned_held) == (2, 1, 5, 1)
        assert r.participation == {
            "member_times": 3,
            "members": 2,
            "leaders": 1,
            "department_heads": 0,
            "speeches": 2,
            "member_speeches": 1,
        }
        assert (r.instructions, r.instructed_outcomes) == (1, 1)
        assert [i.title for i in r.key_items] == ["老旧小区改造提升专题协商"]
    other = report_of(world.other)
    assert other.plans_table() == [] and other.forms_table()[-1] == ("合计", 0, 0, 0, 0, 0)
    assert other.feedback_table()[-1] == ("合计", 0, 0, 0, 0, 0, None)


def test_the_summary_takes_a_fixed_number_of_queries(world, known, django_assert_max_num_queries):
    with django_assert_max_num_queries(summary.QUERIES):
        r = report_of(world.city)
        r.plans_table(), r.forms_table(), r.topics_table(), r.outcomes_table()
        r.feedback_table(), r.participation, r.instructions, r.progress()
        [list(i.activities.all()) for i in r.key_items]


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))


def cells(html: str, table_id: str) -> list[tuple]:
    body = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    result = []
    for row in rows:
        values = [
            re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        result.append(tuple(int(v) if v.isdigit() else v for v in values))
    return result


def as_cells(rows):
    return [tuple("—" if v is None else v for v in row) for row in rows]


def test_the_page_and_the_pdf_say_the_same_numbers(world, known, client):
    with time_machine.travel(AS_OF, tick=False):
        client.force_login(world.office)
        page = client.get(reverse("consultation:summary"), {"year": YEAR})
        pdf = client.get(reverse("consultation:summary_pdf"), {"year": YEAR})
    assert page.status_code == 200
    html = page.content.decode()
    assert cells(html, "summary-plans") == PLANS
    assert cells(html, "summary-forms") == FORMS
    assert cells(html, "summary-topics") == TOPICS
    assert cells(html, "summary-outcomes") == OUTCOMES
    assert cells(html, "summary-feedback") == as_cells(FEEDBACK)
    assert (
        "《示范区政协2026年度协商工作计划》于2026年11月20日经党委常委会审定印发，"
        "列入协商事项5项，其中重点协商活动1项。"
    ) in html
    assert "全年共开展协商活动2次，其中计划外协商活动1次。" in html
    assert "委员参加协商活动3人次（2人），作协商发言2篇，其中委员发言1篇" in html
    assert "获领导批示1件次，涉及协商成果1项。" in html
    assert "3月：老旧小区改造提升专题协商——2026年12月10日筹备中。" in html
    assert f'href="{reverse("consultation:summary_pdf")}?year={YEAR}"' in html

    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = text_of(pdf.content)

    assert f"{YEAR}年度协商工作情况总结" in text
    assert "示范区政协" in text and "2026年12月15日" in text
    for rows in (PLANS, FORMS, TOPICS, OUTCOMES, as_cells(FEEDBACK)):
        for row in rows:
            assert "".join(str(v) for v in row) in text, row
    assert "全年共开展协商活动2次" in text
    assert (
        "截至2026年12月15日，本年度期限内的跟踪督办事项6件，按时反馈2件，逾期反馈1件，逾期未反馈3件"
        in text
    )


def test_the_english_summary_names_the_month_and_separates_the_date_from_the_state(
    world, known, client
):
    """A tester read "Month 3: … — March 18, 2026Held." on the English page."""
    with time_machine.travel(AS_OF, tick=False):
        client.force_login(world.office)
        client.cookies["django_language"] = "en"
        html = client.get(reverse("consultation:summary"), {"year": YEAR}).content.decode()
    key = html.split('id="summary-key"', 1)[1].split("</ol>", 1)[0]
    assert "March: 老旧小区改造提升专题协商" in key
    assert re.search(r"10, 2026: \w", key)
    assert "Month 3" not in key


def test_the_dashboard_the_screen_and_the_roll_up_read_the_summarys_numbers(world, known, client):
    r = report_of(world.district)
    with time_machine.travel(AS_OF, tick=False):
        client.force_login(world.office)
        response = client.get(reverse("consultation:dashboard"), {"year": YEAR})
        panel = screen_panel(world.office, world.district, YEAR)
    plan = r.own_plan
    assert response.context["progress"] == r.progress(plan.pk)
    assert sum(m["planned"] for m in response.context["progress"]) == r.planned == 5
    assert f'href="{reverse("consultation:summary")}?year={YEAR}"' in response.text
    assert dict(panel.figures) == {"计划协商活动": 5, "已开展": 1, "重点协商": 1}
    from xieshang.consultation.tree import tree_columns

    group = tree_columns(world.office, world.district, [world.district], YEAR)
    assert group is not None
    assert group.row(world.district.pk)[0] == report_of(world.district).held


def test_only_those_who_read_the_dashboard_read_the_summary(world, client):
    for user in (world.office, world.chair, world.party_office, world.supervisor):
        client.force_login(user)
        assert client.get(reverse("consultation:summary")).status_code == 200
    for user in (world.liaison, world.members[0].user, world.housing_clerk):
        client.force_login(user)
        assert client.get(reverse("consultation:summary")).status_code == 403
        assert client.get(reverse("consultation:summary_pdf")).status_code == 403
    client.logout()
    assert client.get(reverse("consultation:summary")).status_code == 302
    # Another district's office cannot ask for this district's summary.
    client.force_login(world.other_office)
    response = client.get(reverse("consultation:summary"), {"organisation": world.district.pk})
    assert response.status_code == 404


def test_a_value_outside_the_choices_gets_its_own_row_and_the_totals_stay_exact(world):
    # Older data (or an import) may carry a source no longer among the choices.
    Topic.objects.create(
        organisation=world.district, title="旧数据议题", source="office", proposer_name="办公室"
    )
    world.topic("关于老旧小区加装电梯的协商")
    rows = summary.work_report(world.district, timezone.localdate().year).topics_table()
    assert rows[-2:] == [("office", 1, 1, 0), ("合计", 2, 2, 0)]


@pytest.mark.parametrize("year", ["abc", "1900", "20266", "2026.5"])
def test_a_bad_year_is_a_400_that_says_why(world, client, year):
    client.force_login(world.office)
    for name in ("consultation:summary", "consultation:summary_pdf"):
        response = client.get(reverse(name), {"year": year})
        assert response.status_code == 400
        assert "年份（year）应为 1949 至 2100 之间的整数。" in response.content.decode()
