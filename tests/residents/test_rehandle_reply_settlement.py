"""A resident's 不满意 with a direct reply or with a session's settlement reaches the same
群众不满意 tab and the same two choices as one with a department's answer: handle it again,
once (a direct reply: a new reply; a settlement: open again for another session), or keep
the answer and close it with a written reply the resident reads."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.residents.conftest import accepted
from xieshang.core.models import Event, Notification
from xieshang.platforms.models import PlatformSession
from xieshang.residents import selectors, services
from xieshang.residents.models import ResidentIssue, ResidentSms

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]

S = ResidentIssue.Status
LOOKUP = reverse("residents_public:lookup")


def _replied_and_unsatisfied(world):
    issue, code = accepted(world)
    services.issue_close(issue=issue, actor=world["liaison"], reply="路灯属物业管理，已告知物业。")
    issue.refresh_from_db()
    services.issue_rate(issue=issue, rating="dissatisfied", comment="物业说不归他们管")
    issue.refresh_from_db()
    return issue, code


def _settled_and_unsatisfied(world):
    issue, code = accepted(world)
    # Received before the session was held.
    ResidentIssue.objects.filter(pk=issue.pk).update(
        created_at=timezone.now() - dt.timedelta(days=5)
    )
    issue.refresh_from_db()
    services.issue_settle(
        issue=issue, actor=world["liaison"], session=world["held"], result="议定由社区出资维修。"
    )
    issue.refresh_from_db()
    services.issue_rate(issue=issue, rating="dissatisfied", comment="一个月了还没修")
    issue.refresh_from_db()
    return issue, code


def _in_unsatisfied_tab(client, user, issue) -> bool:
    client.force_login(user)
    page = client.get(reverse("residents:queue") + "?state=unsatisfied").content.decode()
    return issue.ticket in page


def test_a_direct_reply_rated_unsatisfied_gets_a_new_reply_once(client, world):
    issue, code = _replied_and_unsatisfied(world)
    told = Notification.objects.filter(recipient=world["liaison"]).order_by("-pk").first()
    assert "物业说不归他们管" in told.body and "重新答复（限一次）" in told.body
    assert _in_unsatisfied_tab(client, world["liaison"], issue)
    # The street desk names what answered (no department here), not an empty " ·  · ".
    desk = client.get(reverse("residents:dashboard")).content.decode()
    assert f"{issue.ticket} · 已答复办结 · " in desk and " ·  · " not in desk
    page = client.get(issue.get_absolute_url()).content.decode()
    assert 'id="act-rehandle"' in page and 'id="act-review"' in page
    assert 'name="rehandle-reply"' in page and "rehandle-working_days" not in page

    url = reverse("residents:act", args=[issue.pk, "rehandle"])
    assert client.post(url, {"rehandle-reply": " "}).status_code == 400
    new = "已请街道城管科核实，路灯由街道负责，本周内修复。"
    assert client.post(url, {"rehandle-reply": new}).status_code == 302
    issue.refresh_from_db()
    assert issue.status == S.CLOSED and issue.rehandled and issue.answer == new
    assert issue.rating == "" and issue.first_rating == "dissatisfied"
    event = Event.objects.get(verb="resident_issue.rereply")
    assert event.actor == world["liaison"]
    assert event.data["previous_answer"] == "路灯属物业管理，已告知物业。"
    assert event.data["previous_rating"]["rating"] == "dissatisfied"
    assert ResidentSms.objects.filter(issue=issue, text__contains="重新答复").exists()
    assert not _in_unsatisfied_tab(client, world["liaison"], issue)
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "首次答复的群众评价" in page and "（已重新答复）" in page

    # The resident reads the new reply and may rate it.
    client.logout()
    client.post(LOOKUP, {"ticket": issue.ticket, "code": code})
    public = client.get(LOOKUP).content.decode()
    assert new in public and "根据您的评价，重新作出答复" in public and "rate-form" in public

    # A second 不满意 cannot be answered again: only a written reply closes it.
    services.issue_rate(issue=issue, rating="dissatisfied", comment="还是没修")
    issue.refresh_from_db()
    assert services.awaiting_review(issue)
    with pytest.raises(ValidationError):
        services.issue_rereply(issue=issue, actor=world["liaison"], reply="再答复一次")
    services.issue_review_close(issue=issue, actor=world["liaison"], reply="已督促街道。")
    issue.refresh_from_db()
    assert issue.status == S.CLOSED and issue.review_reply == "已督促街道。"
    assert not services.awaiting_review(issue)
    assert ResidentSms.objects.filter(issue=issue, text__contains="对您的评价作出答复").exists()


def test_a_settlement_rated_unsatisfied_is_opened_again_for_another_session(client, world):
    issue, code = _settled_and_unsatisfied(world)
    told = Notification.objects.filter(recipient=world["liaison"]).order_by("-pk").first()
    assert "再次协商办理（限一次）" in told.body
    assert _in_unsatisfied_tab(client, world["liaison"], issue)
    url = reverse("residents:act", args=[issue.pk, "rehandle"])
    refused = client.post(url, {"rehandle-note": ""})
    assert refused.status_code == 400 and "请写明重新办理的要求" in refused.content.decode()
    assert client.post(url, {"rehandle-note": "社区资金未到位，改请街道协调"}).status_code == 302
    issue.refresh_from_db()
    assert issue.status == S.ACCEPTED and issue.rehandled and issue.closed_at is None
    assert issue.rating == "" and issue.answer == "议定由社区出资维修。"
    assert Event.objects.get(verb="resident_issue.reopen").actor == world["liaison"]
    assert ResidentSms.objects.filter(issue=issue, text__contains="重新受理").exists()
    page = client.get(issue.get_absolute_url()).content.decode()
    # Open for triage again: another session, a department, a reply.
    assert "原答复" in page and 'id="act-route"' in page and 'id="act-close"' in page
    assert "（已重新受理，再次协商办理）" in page

    client.logout()
    client.post(LOOKUP, {"ticket": issue.ticket, "code": code})
    public = client.get(LOOKUP).content.decode()
    assert "原答复" in public and "根据您的评价，重新受理" in public
    assert "rate-form" not in public

    # Not at the session that reached the first result: at one held since.
    with pytest.raises(ValidationError):
        services.issue_settle(
            issue=issue, actor=world["liaison"], session=world["held"], result="再议"
        )
    Event.objects.filter(verb="resident_issue.reopen").update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    later = PlatformSession.objects.create(
        platform=world["platform"],
        title="路灯维修再议",
        starts_at=timezone.now() - dt.timedelta(days=1),
        status=PlatformSession.Status.HELD,
    )
    # Settled again at a later session: texted again and rated again.
    services.issue_settle(
        issue=issue, actor=world["liaison"], session=later, result="街道出资，下周修复。"
    )
    issue.refresh_from_db()
    assert ResidentSms.objects.filter(issue=issue, text__contains="重新协商").exists()
    services.issue_rate(issue=issue, rating="satisfied")
    issue.refresh_from_db()
    assert issue.first_rating == "dissatisfied" and issue.rating == "satisfied"


def test_a_settlement_kept_stays_settled_with_the_reply_to_the_resident(client, world):
    issue, code = _settled_and_unsatisfied(world)
    client.force_login(world["liaison"])
    url = reverse("residents:act", args=[issue.pk, "review"])
    assert client.post(url, {"review-reply": "资金已批，施工队排期中。"}).status_code == 302
    issue.refresh_from_db()
    assert issue.status == S.SETTLED and issue.review_reply and issue.rating == "dissatisfied"
    assert not _in_unsatisfied_tab(client, world["liaison"], issue)
    total, _rows = selectors.statistics(world["district"])
    assert total.settled == 1
    client.logout()
    client.post(LOOKUP, {"ticket": issue.ticket, "code": code})
    public = client.get(LOOKUP).content.decode()
    assert "资金已批" in public and 'id="public-review-pending"' not in public


def test_waiting_for_the_decision_the_resident_is_told_so(client, world):
    issue, code = _settled_and_unsatisfied(world)
    client.post(LOOKUP, {"ticket": issue.ticket, "code": code})
    assert 'id="public-review-pending"' in client.get(LOOKUP).content.decode()


def test_a_satisfied_reply_is_not_handled_again(world):
    issue, _code = accepted(world)
    services.issue_close(issue=issue, actor=world["liaison"], reply="已处理。")
    issue.refresh_from_db()
    services.issue_rate(issue=issue, rating="basic")
    issue.refresh_from_db()
    assert not services.awaiting_review(issue)
    with pytest.raises(ValidationError):
        services.issue_rereply(issue=issue, actor=world["liaison"], reply="新答复")
    with pytest.raises(ValidationError):
        services.issue_review_close(issue=issue, actor=world["liaison"], reply="说明")


def test_another_street_cannot_handle_it_again(world):
    from django.core.exceptions import PermissionDenied

    issue, _code = _replied_and_unsatisfied(world)
    with pytest.raises(PermissionDenied):
        services.issue_rereply(issue=issue, actor=world["liaison2"], reply="新答复")
