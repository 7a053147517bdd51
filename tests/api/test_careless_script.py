"""What a careless script sends to the API is refused with a message that says what is
wrong, never half-done: a field name the operation does not know (a typo, an action's
field sent to another) is a 422 naming it instead of a silent 200 with nothing changed;
free text longer than the page's form takes is a 422 with the limit; a draft edited from
an old `version` is a 409 and the newer text stays."""

import pytest

from tests.api.conftest import bearer
from xieshang.core.models import Event
from xieshang.followups.models import Task
from xieshang.proposals.models import Proposal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("member_tokens_allowed")]

API = "/api/v1"


def _open_task_of(username):
    from xieshang.core.models import User
    from xieshang.followups import policies

    user = User.objects.get(username=username)
    return next(
        t for t in Task.objects.filter(status="open").order_by("pk") if policies.can_answer(user, t)
    )


def test_an_unknown_field_is_refused_by_name_in_chinese_and_english(client, demo):
    task = _open_task_of("dept")
    auth = bearer("dept")
    response = client.post(
        f"{API}/followups/{task.pk}/feedback",
        {"text": "已完成整改。", "attachment": "report.pdf"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"][-1] == "attachment"
    assert error["msg"] == "此接口不接受该字段，请检查字段名的拼写。"
    task.refresh_from_db()
    assert task.status == "open"  # nothing was submitted
    english = client.post(
        f"{API}/followups/{task.pk}/feedback",
        {"text": "Done.", "attachment": "report.pdf"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **auth,
    )
    assert "spelling" in english.json()["detail"][0]["msg"]


def test_a_feedback_longer_than_the_page_takes_is_refused_with_the_limit(client, demo):
    task = _open_task_of("dept")
    response = client.post(
        f"{API}/followups/{task.pk}/feedback",
        {"text": "办" * 20001},
        content_type="application/json",
        **bearer("dept"),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "最多20000个字。"
    task.refresh_from_db()
    assert task.status == "open"


def test_a_misspelt_field_in_a_draft_edit_changes_nothing(client, demo):
    draft = Proposal.objects.filter(status="draft", first_proposer__user__username="member").first()
    assert draft is not None
    before = (draft.version, draft.title)
    response = client.patch(
        f"{API}/proposals/{draft.pk}",
        {"version": draft.version, "titel": "关于加快老旧小区加装电梯的建议"},
        content_type="application/json",
        **bearer("member"),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "titel"
    draft.refresh_from_db()
    assert (draft.version, draft.title) == before


def test_a_stale_draft_edit_is_refused_and_the_newer_text_stays(client, demo):
    draft = Proposal.objects.filter(status="draft", first_proposer__user__username="member").first()
    auth = bearer("member")
    first = client.patch(
        f"{API}/proposals/{draft.pk}",
        {"version": draft.version, "title": "<b>关于</b>社区食堂的建议"},
        content_type="application/json",
        **auth,
    )
    assert first.status_code == 200, first.content
    # JSON carries the text as written, not HTML-escaped.
    assert first.json()["title"] == "<b>关于</b>社区食堂的建议"
    event = Event.objects.filter(verb="proposal.edit").order_by("-pk").first()
    assert event.actor.username == "member"
    stale = client.patch(
        f"{API}/proposals/{draft.pk}",
        {"version": draft.version, "title": "旧标签页里的标题"},
        content_type="application/json",
        **auth,
    )
    assert stale.status_code == 409
    assert stale.json()["detail"]
    draft.refresh_from_db()
    assert draft.title == "<b>关于</b>社区食堂的建议"


def test_a_body_that_is_not_an_object_is_told_so(client, demo):
    task = _open_task_of("dept")
    auth = bearer("dept")
    for body in ([], '"已完成整改。"'):
        response = client.post(
            f"{API}/followups/{task.pk}/feedback", body, content_type="application/json", **auth
        )
        assert response.status_code == 422
        assert response.json()["detail"][0]["msg"] == "须为 JSON 对象（{…}），不能是列表或单个值。"
    english = client.post(
        f"{API}/followups/{task.pk}/feedback",
        [],
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **auth,
    )
    assert "JSON object" in english.json()["detail"][0]["msg"]
