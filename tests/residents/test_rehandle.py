"""A resident's 不满意 with a department's answer comes back to the triagers: they send the
issue back to the department once (重新办理, a new deadline through the same follow-up
task) or keep the answer and close it with a written reply. The resident's page says
which, honestly and without their contact details."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.residents.conftest import routed
from xieshang.core.models import Event, Notification
from xieshang.followups import services as followups
from xieshang.followups.models import Task
from xieshang.residents import services
from xieshang.residents.models import ResidentIssue, ResidentSms

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]

S = ResidentIssue.Status
LOOKUP = reverse("residents_public:lookup")


def _answered_and_unsatisfied(world):
    issue, code = routed(world)
    followups.feedback_submit(task=issue.task, text="已更换路灯。", actor=world["clerk"])
    issue.refresh_from_db()
    services.issue_rate(issue=issue, rating="dissatisfied", comment="换了三天又不亮了")
    issue.refresh_from_db()
    return issue, code


def test_an_unsatisfied_resident_gets_the_issue_handled_again_once(client, world):
    issue, code = _answered_and_unsatisfied(world)
    # The liaison who routed it is told what they may do, and finds it in the queue.
    told = Notification.objects.filter(recipient=world["liaison"]).order_by("-pk").first()
    assert "换了三天又不亮了" in told.body and "重新办理（限一次）" in told.body
    client.force_login(world["liaison"])
    queue = client.get(reverse("residents:queue") + "?state=unsatisfied").content.decode()
    assert issue.ticket in queue
    # The row says why it is there, not only 部门已答复 as any answered issue.
    assert 'data-rating="dissatisfied"' in queue
    # The street desk they land on lists it too.
    desk = client.get(reverse("residents:dashboard")).content.decode()
    assert 'id="dash-unsatisfied"' in desk and issue.ticket in desk
    page = client.get(issue.get_absolute_url()).content.decode()
    assert 'id="act-rehandle"' in page and 'id="act-review"' in page

    # The requirement is needed; the typed deadline is kept with the refusal.
    url = reverse("residents:act", args=[issue.pk, "rehandle"])
    refused = client.post(url, {"rehandle-working_days": "7", "rehandle-note": " "})
    assert refused.status_code == 400 and "请写明重新办理的要求" in refused.content.decode()
    ok = client.post(
        url, {"rehandle-working_days": "7", "rehandle-note": "请查明线路故障原因并彻底修复"}
    )
    assert ok.status_code == 302
    issue.refresh_from_db()
    task = Task.objects.get(pk=issue.task_id)
    assert issue.status == S.ROUTED and issue.rehandled and issue.closed_at is None
    assert issue.rating == "" and issue.rating_comment == ""
    assert task.status == Task.Status.OPEN and task.due_date > task.start_date
    assert "彻底修复" in Event.objects.filter(verb="followup.reopen").get().note
    # The department is told through the follow-up engine; the resident by text.
    assert Notification.objects.filter(recipient=world["clerk"], title__contains="退回").exists()
    assert ResidentSms.objects.filter(issue=issue, text__contains="重新办理").exists()
    event = Event.objects.get(verb="resident_issue.rehandle")
    assert event.data["previous_rating"]["rating"] == "dissatisfied"
    # The staff page keeps the rating that sent it back, and names the step in words.
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "首次答复的群众评价" in page and "换了三天又不亮了" in page
    assert "交承办单位重新办理" in page and "resident_issue.rehandle" not in page
    assert "原答复" in page and 'id="act-rehandle"' not in page

    # The resident reads that it went back, the first answer marked as such.
    client.logout()
    client.post(LOOKUP, {"ticket": issue.ticket, "code": code})
    public = client.get(LOOKUP).content.decode()
    assert "根据您的评价，已交区住房和城乡建设局重新办理" in public
    assert "原答复" in public and 'id="public-due"' in public
    assert "rate-form" not in public

    # The new answer is rated again; a second 不满意 cannot send it back a second time.
    followups.feedback_submit(task=task, text="已更换整段电缆。", actor=world["clerk"])
    issue.refresh_from_db()
    assert issue.status == S.ANSWERED and "rate-form" in client.get(LOOKUP).content.decode()
    services.issue_rate(issue=issue, rating="dissatisfied", comment="还是不亮")
    issue.refresh_from_db()
    with pytest.raises(ValidationError):
        services.issue_rehandle(issue=issue, actor=world["liaison"], note="再办一次")
    assert services.awaiting_review(issue)


def test_the_answer_kept_is_closed_with_a_reply_the_resident_reads_without_their_number(
    client, world
):
    issue, code = _answered_and_unsatisfied(world)
    client.post(LOOKUP, {"ticket": issue.ticket, "code": code})
    public = client.get(LOOKUP).content.decode()
    assert 'id="public-review-pending"' in public
    client.force_login(world["liaison"])
    url = reverse("residents:act", args=[issue.pk, "review"])
    refused = client.post(url, {"review-reply": ""})
    assert refused.status_code == 400
    reply = "经现场核查，路灯已正常，如再有问题请拨打13900001111反映。"
    assert client.post(url, {"review-reply": reply}).status_code == 302
    issue.refresh_from_db()
    assert issue.status == S.CLOSED and issue.review_reply == reply
    assert issue.rating == "dissatisfied"  # their rating stands
    assert Event.objects.filter(verb="resident_issue.review_close").exists()
    client.logout()
    client.post(LOOKUP, {"ticket": issue.ticket, "code": code})
    public = client.get(LOOKUP).content.decode()
    assert "经现场核查，路灯已正常" in public and "13900001111" not in public
    assert 'id="public-review-pending"' not in public


def test_only_a_dissatisfied_answer_can_be_sent_back(world):
    issue, _code = routed(world)
    followups.feedback_submit(task=issue.task, text="已更换路灯。", actor=world["clerk"])
    issue.refresh_from_db()
    services.issue_rate(issue=issue, rating="satisfied")
    issue.refresh_from_db()
    with pytest.raises(ValidationError):
        services.issue_rehandle(issue=issue, actor=world["liaison"], note="再办")
    with pytest.raises(ValidationError):
        services.issue_review_close(issue=issue, actor=world["liaison"], reply="说明")
    issue.refresh_from_db()
    assert issue.status == S.ANSWERED
