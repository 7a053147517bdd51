import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from xieshang.consultation import services
from xieshang.consultation.models import ActivityForm, ConsultationPlan, PlanVersion, TopicType
from xieshang.consultation.selectors import plan_checks
from xieshang.core.audit import TransitionError
from xieshang.core.models import Notification
from xieshang.followups.models import Task
from xieshang.orgs import config

PS = ConsultationPlan.Status


def checks_by_key(plan):
    return {c.key: c for c in plan_checks(plan)}


@pytest.mark.clause("C2.2")
def test_it_refuses_to_submit_a_plan_below_the_supervision_share(world):
    plan = services.plan_create(organisation=world.district, year=2027, actor=world.office)
    for i, form in enumerate(
        [
            ActivityForm.SPECIAL,
            ActivityForm.SYMPOSIUM,
            ActivityForm.COUNTERPART,
            ActivityForm.SECTOR,
            ActivityForm.PROPOSAL,
        ]  # fmt: skip
    ):
        world.item(plan, f"议题{i}", form=form, month=i + 2)
    check = checks_by_key(plan)["supervision_share"]
    assert not check.ok
    assert "占0%" in check.detail

    with pytest.raises(ValidationError, match="民主监督议题占比"):
        services.plan_forward(plan=plan, actor=world.office)
    plan.refresh_from_db()
    assert plan.status == PS.DRAFT

    # One of five items made democratic supervision: 20 %, the default minimum.
    item = plan.items.get(title="议题4")
    services.plan_item_save(
        plan=plan,
        actor=world.office,
        data={"topic_type": TopicType.SUPERVISION},
        expected_version=ConsultationPlan.objects.get(pk=plan.pk).version,
        item=item,
    )
    assert checks_by_key(plan)["supervision_share"].ok
    services.plan_forward(plan=plan, actor=world.office)
    plan.refresh_from_db()
    assert plan.status == PS.REVISION


@pytest.mark.clause("C2.2")
def test_it_uses_the_organisations_configured_minimum_share(world):
    plan = world.passing_plan()
    assert checks_by_key(plan)["supervision_share"].ok
    config.set_value(world.district, "consultation.supervision_min_share", 30, actor=world.office)
    check = checks_by_key(plan)["supervision_share"]
    assert not check.ok
    assert "不低于30%" in check.detail


@pytest.mark.clause("C4.9")
def test_it_requires_four_special_activities_besides_plenary_and_standing_committee(world):
    plan = services.plan_create(organisation=world.district, year=2027, actor=world.office)
    world.item(plan, "全会", form=ActivityForm.PLENARY, topic_type=TopicType.SUPERVISION)
    world.item(plan, "常委会", form=ActivityForm.STANDING)
    world.item(plan, "专题一", form=ActivityForm.SPECIAL)
    world.item(plan, "座谈", form=ActivityForm.SYMPOSIUM)
    world.item(plan, "对口", form=ActivityForm.COUNTERPART)
    check = checks_by_key(plan)["special_activities"]
    assert not check.ok
    assert "3次" in check.detail
    with pytest.raises(ValidationError, match="专题协商活动次数"):
        services.plan_forward(plan=plan, actor=world.office)

    world.item(plan, "界别协商", form=ActivityForm.SECTOR)
    assert checks_by_key(plan)["special_activities"].ok


@pytest.mark.clause("C4.9")
def test_it_stops_adding_items_at_the_configured_limit(world):
    config.set_value(world.district, "consultation.plan_max_items", 2, actor=world.office)
    plan = services.plan_create(organisation=world.district, year=2027, actor=world.office)
    world.item(plan, "一")
    world.item(plan, "二")
    with pytest.raises(ValidationError, match="上限"):
        world.item(plan, "三")


@pytest.mark.clause("C2.4")
def test_it_lets_each_step_be_taken_by_its_own_body_only(world):
    plan = world.passing_plan()
    steps = [
        (PS.DRAFT, world.office, [world.party_office, world.chair, world.standing]),
        (PS.REVISION, world.party_office, [world.office, world.gov_office, world.chair]),
        (PS.REVIEW, world.chair, [world.office, world.party_office, world.standing]),
        (PS.APPROVAL, world.standing, [world.office, world.chair, world.party_office]),
    ]
    unread = Notification.objects.filter(url=f"/consultation/plans/{plan.pk}/", read_at=None)
    for state, right, wrong_ones in steps:
        plan.refresh_from_db()
        assert plan.status == state
        if state != PS.DRAFT:  # each body is told of its step, and only of the current one
            titles = set(unread.values_list("title", flat=True))
            assert titles == {f"年度协商计划：{plan.title}（{PS(state).label}）"}
            assert unread.filter(recipient=right).exists()
        for wrong in [*wrong_ones, world.other_office, world.supervisor]:
            with pytest.raises(PermissionDenied):
                services.plan_forward(plan=plan, actor=wrong)
        services.plan_forward(plan=plan, actor=right)
    plan.refresh_from_db()
    assert plan.status == PS.PUBLISHED
    assert plan.approved_on is not None
    titles = set(unread.values_list("title", flat=True))
    assert titles == {f"年度协商计划：{plan.title}（已印发）"}
    with pytest.raises(TransitionError):
        services.plan_forward(plan=plan, actor=world.standing)


@pytest.mark.clause("C2.4")
def test_it_lets_both_offices_edit_during_joint_revision_and_nobody_after(world):
    plan = world.passing_plan()
    services.plan_forward(plan=plan, actor=world.office)
    world.item(plan, "政府办增加的议题", actor=world.gov_office, topic_type=TopicType.SUPERVISION)
    world.item(plan, "区委办增加的议题", actor=world.party_office)
    with pytest.raises(PermissionDenied):
        world.item(plan, "政协办不能在会签环节改", actor=world.office)
    services.plan_forward(plan=plan, actor=world.party_office)
    with pytest.raises(TransitionError):
        world.item(plan, "审议环节不能改", actor=world.chair)


@pytest.mark.clause("C2.4")
def test_it_sends_the_plan_back_one_step_with_comments(world):
    plan = world.passing_plan()
    services.plan_forward(plan=plan, actor=world.office)
    services.plan_forward(plan=plan, actor=world.party_office)
    with pytest.raises(ValidationError):
        services.plan_send_back(plan=plan, actor=world.chair, note=" ")
    with pytest.raises(PermissionDenied):
        services.plan_send_back(plan=plan, actor=world.standing, note="不同意")
    services.plan_send_back(plan=plan, actor=world.chair, note="请增加一项民生实事协商")
    plan.refresh_from_db()
    assert plan.status == PS.REVISION
    comment = plan.comments.get(is_send_back=True)
    assert comment.body_label == "主席会议成员"
    assert comment.text == "请增加一项民生实事协商"


@pytest.mark.clause("C2.4")
def test_it_keeps_every_version_and_shows_a_readable_diff(world):
    plan = world.passing_plan()
    services.plan_forward(plan=plan, actor=world.office, note="请会签")
    item = plan.items.get(title="民营经济发展协商座谈")
    plan.refresh_from_db()
    services.plan_item_save(
        plan=plan,
        actor=world.gov_office,
        data={"month": 6, "departments": [world.housing, world.education]},
        expected_version=plan.version,
        item=item,
    )
    world.item(
        plan,
        "民生实事办理专题协商",
        actor=world.party_office,
        month=11,
        topic_type=TopicType.SUPERVISION,
    )
    services.plan_forward(plan=plan, actor=world.party_office)

    assert list(plan.versions.values_list("number", "status")) == [
        (1, PS.DRAFT),
        (2, PS.REVISION),
    ]
    rows = services.versions_diff(plan, 1, 2)
    readable = {(r["item"], r["change"], r["field"], r["old"], r["new"]) for r in rows}
    assert ("民营经济发展协商座谈", "修改", "计划月份", "5月", "6月") in readable
    assert (
        "民营经济发展协商座谈",
        "修改",
        "参加部门",
        "区住房和城乡建设局",
        "区住房和城乡建设局、区教育局",
    ) in readable or (
        "民营经济发展协商座谈",
        "修改",
        "参加部门",
        "区住房和城乡建设局",
        "区教育局、区住房和城乡建设局",
    ) in readable
    assert (
        "民生实事办理专题协商",
        "新增",
        "",
        "",
        "11月 · 专题协商会 · 民主监督 · 刘副主席 · 经济委员会 · 区住房和城乡建设局",
    ) in readable
    assert len(rows) == 3
    # A stored version does not change when the plan does later.
    first = PlanVersion.objects.get(plan=plan, number=1)
    assert [i["title"] for i in first.snapshot["items"]].count("民生实事办理专题协商") == 0


@pytest.mark.clause("C2.6")
def test_it_puts_key_activities_on_the_supervision_list_when_published(world):
    plan = world.publish(world.passing_plan())
    tasks = Task.objects.filter(kind=Task.Kind.IMPLEMENTATION)
    assert [t.title for t in tasks] == ["重点协商活动落实：老旧小区改造提升专题协商"]
    from xieshang.followups.selectors import task_queue

    assert [t.title for t in task_queue(world.supervisor)] == [tasks[0].title]
    assert plan.status == PS.PUBLISHED


@pytest.mark.clause("C4.3")
def test_it_records_parties_as_co_organisers_of_plan_items(world):
    from xieshang.orgs.models import Party

    plan = world.passing_plan()
    minmeng = Party.objects.get(name="中国民主同盟")
    item = world.item(plan, "联合调研", co_organisers=[minmeng])
    assert list(item.co_organisers.all()) == [minmeng]


@pytest.mark.clause("C2.4")
def test_it_renders_the_published_plan_as_an_official_pdf(world):
    from xieshang.consultation.pdf import plan_pdf

    plan = world.publish(world.passing_plan())
    reader = PdfReader(io.BytesIO(plan_pdf(plan)))
    text = "".join(page.extract_text() for page in reader.pages)
    flat = text.replace("\n", "").replace(" ", "")
    assert "示范区政协2027年度协商工作计划" in flat
    assert "老旧小区改造提升专题协商" in flat
    assert "2026年11月20日" in flat
    # Issued as a notice of the party committee's office with the plan as its attachment,
    # the 版记 (抄送, 印发) at the foot of the last page.
    first = "".join(reader.pages[0].extract_text().split())
    assert "关于印发《示范区政协2027年度协商工作计划》的通知" in first
    assert "附件：示范区政协2027年度协商工作计划" in first
    assert "".join(reader.pages[1].extract_text().split()).startswith("附件示范区政协2027年度")
    last = "".join(reader.pages[-1].extract_text().split())
    assert "抄送：中国人民政治协商会议示范区委员会" in last
    assert "中共示范区委员会办公室2026年11月20日印发" in last
    assert dt.date(2026, 11, 20) == plan.approved_on


@pytest.mark.clause("C2.4")
def test_the_plan_pdf_lines_up_every_months_columns_and_keeps_the_headers_whole(world):
    from xieshang.consultation.pdf import plan_pdf

    plan = world.publish(world.passing_plan())  # items in five months: five tables
    reader = PdfReader(io.BytesIO(plan_pdf(plan)))
    headers = ["协商议题", "协商形式", "牵头政协领导", "承办专委会", "参加部门"]
    rows = []  # (x of the header row's first cell, the header row's text) per table

    def visit(text, cm, tm, font_dict, font_size):
        if text.startswith(headers[0]):
            rows.append((round(tm[4] * cm[0] + tm[5] * cm[2] + cm[4], 1), text))

    pages_with_header = 0
    for page in reader.pages[1:]:
        before = len(rows)
        page.extract_text(visitor_text=visit)
        pages_with_header += len(rows) > before
    # One header row per month's table, and again at the top of a page a table runs on to
    # (the header repeats, as on every printed list).
    assert 5 <= len(rows) <= 5 + pages_with_header
    # Each header on one line, none broken as 牵头政协领/导 or 承办专委/会.
    for _x, text in rows:
        assert text.split() == headers
    # The same column widths in every month's table: the header row starts at one place.
    assert len({x for x, _text in rows}) == 1


@pytest.mark.clause("C2.6")
def test_a_key_activity_of_a_month_ending_on_a_weekend_is_due_the_next_working_day(world):
    """July 2027 ends on a Saturday: the supervision item is due Monday 2 August."""
    plan = world.passing_plan()
    world.item(plan, "数字经济发展专题协商", month=7, is_key=True, topic_type=TopicType.SUPERVISION)
    world.publish(plan)
    task = Task.objects.get(kind=Task.Kind.IMPLEMENTATION, title__contains="数字经济")
    assert task.due_date == dt.date(2027, 8, 2)
