"""A refused action on a resident's issue shows why and keeps what was typed, even when the
issue's new state (a colleague acted first) no longer offers that action: the page answers
400 and the issue is not moved twice."""

import pytest
from django.urls import reverse

from tests.residents.conftest import raise_issue, routed
from xieshang.core.models import Event
from xieshang.followups import services as followups
from xieshang.residents import services
from xieshang.residents.models import ResidentIssue

pytestmark = pytest.mark.django_db

REFUSED = "不能执行此操作"  # core.audit.transition's refusal


def test_a_refused_triage_action_keeps_what_was_typed_when_a_colleague_acted_first(client, world):
    """The street liaison had the issue open while the district office accepted it: their
    refusal reason, then (after the office routed it) their reply to the resident, came too
    late. Before, the reason showed above the actions but the form, hidden by the issue's
    new state, took the text with it."""
    issue, _code = raise_issue(world)
    services.issue_accept(issue=issue, actor=world["office"])
    client.force_login(world["liaison"])
    url = reverse("residents:act", args=[issue.pk, "reject"])
    response = client.post(url, {"reason": "与上周反映的路灯问题重复"})
    body = response.content.decode()
    assert response.status_code == 400
    assert REFUSED in body and "与上周反映的路灯问题重复" in body
    assert ResidentIssue.objects.get(pk=issue.pk).status == "accepted"
    services.issue_route(issue=issue, actor=world["office"], department=world["dept"])
    url = reverse("residents:act", args=[issue.pk, "close"])
    response = client.post(url, {"reply": "已联系供电所，三日内修复"})
    body = response.content.decode()
    assert response.status_code == 400
    assert REFUSED in body and "已联系供电所，三日内修复" in body
    assert ResidentIssue.objects.get(pk=issue.pk).status == "routed"
    assert not Event.objects.filter(
        verb__in=["resident_issue.reject", "resident_issue.close"]
    ).exists()


def test_a_refused_rating_keeps_the_comment_when_the_issue_was_rated_in_another_tab(client, world):
    """A resident had the answer open in two tabs and rated it in the first; the second
    rating came too late. Before, the page showed the first rating and nothing else: the
    comment and the reason were gone."""
    issue, code = routed(world)
    followups.feedback_submit(task=issue.task, text="已更换路灯。", actor=world["clerk"])
    client.post(reverse("residents_public:lookup"), {"ticket": issue.ticket, "code": code})
    rate = reverse("residents_public:rate")
    assert client.post(rate, {"rating": "satisfied", "comment": ""}).status_code == 302
    response = client.post(rate, {"rating": "basic", "comment": "修得慢了些，希望下次更快"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "您已评价过本事项" in body and "修得慢了些，希望下次更快" in body
    issue.refresh_from_db()
    assert issue.rating == "satisfied" and issue.rating_comment == ""
    assert Event.objects.filter(verb="resident_issue.rate").count() == 1
