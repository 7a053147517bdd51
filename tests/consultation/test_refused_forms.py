"""A refused form is shown again with its reason and what was typed, even when the object
has moved on meanwhile (a colleague acted first) and its new state no longer offers that
form: the page answers 400, says why, keeps the text, and the stale action is not done twice.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from xieshang.consultation import services
from xieshang.consultation.models import ActivityForm, Outcome, PlanComment, Topic, TopicType
from xieshang.consultation.selectors import outcome_tasks
from xieshang.core.models import Event
from xieshang.followups import services as followups
from xieshang.orgs.models import Role, RoleAssignment

REFUSED = "不能执行此操作"  # core.audit.transition's refusal
NO_RIGHT = "您在当前环节无权进行此操作"


def _post(client, name, args, data):
    response = client.post(reverse(f"consultation:{name}", args=args), data)
    return response, response.content.decode()


def _public_topic(world):
    return services.topic_public_submit(
        organisation=world.district,
        title="公园健身器材老化",
        description="人民公园健身器材多处损坏，存在安全隐患，希望协商解决。",
        name="居民王女士",
        phone="13800001111",
        ip="10.0.0.1",
    )


def _activity(world, *, held=False):
    activity = services.activity_create(
        organisation=world.district,
        actor=world.office,
        title="经济界界别协商：营商环境",
        form=ActivityForm.SECTOR,
        date=dt.date(2026, 9, 28),
        place="区政协",
        sector=world.business_sector,
    )
    services.activity_add_participants(
        activity=activity, actor=world.office, members=world.members[:2]
    )
    if held:
        services.activity_hold(activity=activity, actor=world.office, attendance={})
    return activity


def test_a_refused_moderation_keeps_its_note_when_a_colleague_settled_the_submission(world, client):
    topic = _public_topic(world)
    client.force_login(world.office)
    data = {"decision": "reject", "topic_type": TopicType.POLITICAL, "note": "内容重复"}
    assert _post(client, "topic_moderate", [topic.pk], data)[0].status_code == 302
    data["note"] = "与已有议题重复，建议并入"
    response, body = _post(client, "topic_moderate", [topic.pk], data)
    assert response.status_code == 400
    assert REFUSED in body and "与已有议题重复，建议并入" in body
    assert Topic.objects.get(pk=topic.pk).moderation_note == "内容重复"
    assert Event.objects.filter(verb="topic.moderate_reject").count() == 1


def test_a_refused_merge_keeps_its_note_when_the_topic_was_merged_meanwhile(world, client):
    lift = world.topic("关于老旧小区加装电梯的协商")
    dup = world.topic("老旧小区电梯加装问题")
    client.force_login(world.office)
    data = {"into": lift.pk, "note": "同一事项"}
    assert _post(client, "topic_merge", [dup.pk], data)[0].status_code == 302
    data["note"] = "两题均涉及加装电梯，合并办理"
    response, body = _post(client, "topic_merge", [dup.pk], data)
    assert response.status_code == 400
    assert REFUSED in body and "两题均涉及加装电梯，合并办理" in body
    assert Event.objects.filter(verb="topic.merge", object_id=str(dup.pk)).count() == 1


def test_a_refused_plan_edit_keeps_the_text_when_the_plan_was_sent_on(world, client):
    plan = world.passing_plan()
    version = plan.version
    services.plan_forward(plan=plan, actor=world.office)  # to the Party and government offices
    client.force_login(world.office)
    data = {
        "title": "2027年度协商计划（修改稿）",
        "preface": "围绕中心、服务大局",
        "version": version,
    }
    response, body = _post(client, "plan_edit", [plan.pk], data)
    assert response.status_code == 400
    assert NO_RIGHT in body
    assert "2027年度协商计划（修改稿）" in body and "围绕中心、服务大局" in body
    plan.refresh_from_db()
    assert plan.title != "2027年度协商计划（修改稿）"


def test_a_refused_plan_comment_keeps_the_text_when_the_plan_was_published(world, client):
    plan = world.publish(world.passing_plan())
    client.force_login(world.office)
    data = {"text": "建议增加一项民生实事协商"}
    response, body = _post(client, "plan_comment", [plan.pk], data)
    assert response.status_code == 400
    assert NO_RIGHT in body and "建议增加一项民生实事协商" in body
    assert not PlanComment.objects.filter(plan=plan, is_send_back=False).exists()


def test_a_refused_attendance_keeps_the_minutes_when_a_colleague_recorded_it_first(world, client):
    activity = _activity(world)
    client.force_login(world.office)
    p1, p2 = activity.participants.order_by("pk")
    data = {f"p{p1.pk}": "attended", f"p{p2.pk}": "attended", "minutes": "第一份记录"}
    assert _post(client, "activity_hold", [activity.pk], data)[0].status_code == 302
    data["minutes"] = "与会委员围绕营商环境提出五条建议"
    response, body = _post(client, "activity_hold", [activity.pk], data)
    assert response.status_code == 400
    assert REFUSED in body and "与会委员围绕营商环境提出五条建议" in body
    assert Event.objects.filter(verb="activity.hold").count() == 1


def test_attendance_is_chosen_for_each_participant_not_assumed(world, client):
    """Attendance earns duty points: a participant left unchosen is not marked present."""
    activity = _activity(world)
    client.force_login(world.office)
    page = client.get(reverse("consultation:activity", args=[activity.pk])).content.decode()
    assert "selected>出席" not in page and "未选的设为出席" in page
    p1, p2 = activity.participants.order_by("pk")
    data = {f"p{p1.pk}": "attended", f"p{p2.pk}": "", "minutes": "与会委员提出三条建议"}
    response, body = _post(client, "activity_hold", [activity.pk], data)
    assert response.status_code == 400
    assert f"请选择{p2.name}的出席情况" in body and "与会委员提出三条建议" in body
    activity.refresh_from_db()
    assert activity.status == "planned"


def test_a_refused_invitation_keeps_what_was_typed_when_the_activity_was_held(world, client):
    activity = _activity(world, held=True)
    client.force_login(world.office)
    data = {"leaders": "张三，区委副书记"}
    response, body = _post(client, "activity_participants", [activity.pk], data)
    assert response.status_code == 400
    assert "活动已召开，不能再调整参加人员。" in body and "张三，区委副书记" in body
    assert not activity.participants.filter(name="张三").exists()


def _submitted_bulletin(world) -> Outcome:
    """A 协商专报 outside the plan, sent to the government for written feedback."""
    bulletin = services.outcome_create(
        activity=_activity(world, held=True),
        actor=world.office,
        kind=Outcome.Kind.BULLETIN,
        title="关于优化营商环境的协商专报",
        body="……",
        to_party_office=False,
    )
    services.outcome_submit(outcome=bulletin, actor=world.office)
    return bulletin


def test_a_refused_outcome_action_keeps_what_was_typed_when_a_colleague_acted_first(world, client):
    outcome = world.plan_outcome(until="draft")
    client.force_login(world.office)
    assert _post(client, "outcome_submit", [outcome.pk], {})[0].status_code == 302
    response, body = _post(client, "outcome_submit", [outcome.pk], {})
    assert response.status_code == 400 and REFUSED in body  # nothing typed, but the reason

    client.force_login(world.party_office)
    assert (
        _post(client, "outcome_in_decision", [outcome.pk], {"note": "提交常委会"})[0].status_code
        == 302
    )
    response, body = _post(client, "outcome_in_decision", [outcome.pk], {"note": "请常委会研究"})
    assert response.status_code == 400
    assert REFUSED in body and "请常委会研究" in body
    assert Event.objects.filter(verb="outcome.in_decision").count() == 1

    client.force_login(world.standing)
    data = {"decision": "纳入民生实事项目", "decided_on": "2026-11-25"}
    assert _post(client, "outcome_decide", [outcome.pk], data)[0].status_code == 302
    data["decision"] = "纳入2027年民生实事项目并专项督办"
    response, body = _post(client, "outcome_decide", [outcome.pk], data)
    assert response.status_code == 400
    assert REFUSED in body and "纳入2027年民生实事项目并专项督办" in body
    assert Outcome.objects.get(pk=outcome.pk).decision == "纳入民生实事项目"

    # An outcome outside the plan, closed by a colleague once its feedback was in.
    bulletin = _submitted_bulletin(world)
    (task,) = outcome_tasks([bulletin.pk])[bulletin.pk]
    followups.feedback_submit(task=task, text="已采纳。", actor=world.gov_office)
    followups.task_close(task=task, actor=world.office)
    client.force_login(world.office)
    assert _post(client, "outcome_close", [bulletin.pk], {"note": "已落实"})[0].status_code == 302
    response, body = _post(client, "outcome_close", [bulletin.pk], {"note": "反馈均已办结"})
    assert response.status_code == 400
    assert REFUSED in body and "反馈均已办结" in body
    assert Event.objects.filter(verb="outcome.close").count() == 1


def test_a_refused_note_shown_beside_another_note_form_keeps_its_own_label(world, client):
    """A clerk who may both decide and close: a stale "进入决策程序" comes back beside the close
    form, each label pointing at its own textarea (one id each on the page)."""
    RoleAssignment.objects.create(
        user=world.office, organisation=world.district, role=Role.PARTY_OFFICE
    )
    bulletin = _submitted_bulletin(world)
    # The government's feedback is in and accepted: the page offers 办结 (not before).
    for task in outcome_tasks([bulletin.pk])[bulletin.pk]:
        followups.feedback_submit(task=task, text="已采纳。", actor=world.gov_office)
        followups.task_close(task=task, actor=world.office)
    client.force_login(world.office)
    response, body = _post(client, "outcome_in_decision", [bulletin.pk], {"note": "请常委会研究"})
    assert response.status_code == 400 and "请常委会研究" in body
    close = reverse("consultation:outcome_close", args=[bulletin.pk])
    assert f'action="{close}"' in body
    ids = re.findall(r'\bid="([^"]+)"', body)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for target in re.findall(r'\bfor="([^"]+)"', body):
        assert target in ids


@pytest.mark.clause("C4.1")
def test_a_refused_party_plan_comment_keeps_the_text_when_the_plan_was_finalised(world, client):
    plan = services.party_plan_create(
        organisation=world.district,
        actor=world.ufwd,
        year=2027,
        title="2027年度政党协商计划（征求意见稿）",
        body="一、协商议题：民营经济高质量发展……",
    )
    services.party_plan_send(plan=plan, actor=world.ufwd)
    services.party_plan_finalise(plan=plan, actor=world.ufwd)
    client.force_login(world.office)
    data = {"text": "建议时间调整到三季度。"}
    response, body = _post(client, "party_plan_action", [plan.pk, "comment"], data)
    assert response.status_code == 400
    assert "该计划当前不在征求意见阶段。" in body and "建议时间调整到三季度。" in body
    assert not plan.comments.exists()


def test_a_refused_forward_or_send_back_keeps_its_note_when_the_plan_moved_on(world, client):
    """Two clerks of one office had the plan open; the second one's forward came after the
    first had sent it on. Before, a 403 page with neither the reason nor the note."""
    plan = world.passing_plan()
    client.force_login(world.office)
    first = {"forward-note": "请审阅"}
    assert _post(client, "plan_forward", [plan.pk], first)[0].status_code == 302
    plan.refresh_from_db()
    step = plan.status
    response, body = _post(client, "plan_forward", [plan.pk], {"forward-note": "请会签，急件"})
    assert response.status_code == 400
    assert NO_RIGHT in body and "请会签，急件" in body
    plan.refresh_from_db()
    assert plan.status == step  # not sent on a second time
    # The Party office sends it on to the chair, then posts a send-back from its old page.
    services.plan_forward(plan=plan, actor=world.party_office)
    client.force_login(world.party_office)
    response, body = _post(client, "plan_send_back", [plan.pk], {"back-note": "请补充民生议题"})
    assert response.status_code == 400
    assert NO_RIGHT in body and "请补充民生议题" in body
    # The standing committee's approval, posted twice.
    services.plan_forward(plan=plan, actor=world.chair)
    client.force_login(world.standing)
    today = timezone.localdate().isoformat()
    approval = {"approve-approved_on": today, "approve-doc_number": "区委〔2026〕12号"}
    assert _post(client, "plan_forward", [plan.pk], approval)[0].status_code == 302
    response, body = _post(client, "plan_forward", [plan.pk], approval)
    assert response.status_code == 400
    assert NO_RIGHT in body and "区委〔2026〕12号" in body
