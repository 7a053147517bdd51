"""Odd input is the caller's mistake, never a server error: out-of-range numbers, impossible
years and NUL characters answer 400 with a message on the pages and 422 in the API, on
SQLite and PostgreSQL alike."""

import pytest

from tests.api.conftest import bearer
from xieshang.core.models import User
from xieshang.proposals.models import Proposal

# The member operations are reached with a member's token as a future member app would
# (deployed, a member's token is refused: tests/api/test_token_holder.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("member_tokens_allowed")]

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("url", "message", "username"),
    [
        (f"/meetings/?page={HUGE}", "页码", "office"),
        ("/meetings/?page=abc", "页码", "office"),
        (f"/proposals/?page={HUGE}", "页码", "office"),
        (f"/opinions/?page={HUGE}", "页码", "member"),
        ("/meetings/?year=42103", "年份", "office"),
        ("/meetings/?year=-1", "年份", "office"),
        ("/meetings/attendance/?year=42103", "年份", "office"),
        ("/meetings/committee-reports/?year=-1", "年份", "office"),
        ("/meetings/?year=2026abc", "年份", "office"),
        ("/opinions/stats/?year=42103", "年份", "office"),
        ("/duty/evaluation/?year=42103", "年份", "office"),
        ("/consultation/?year=42103", "年份", "office"),
        (f"/consultation/topics/?area={HUGE}", "area", "office"),
        ("/consultation/topics/?area=-1e30", "area", "office"),
        ("/proposals/?q=%00", "空字符", "office"),
        ("/members/?q=a%00b", "空字符", "office"),
    ],
)
def test_odd_query_parameters_on_pages_answer_400_with_a_message(
    client, demo, url, message, username
):
    client.force_login(User.objects.get(username=username))
    response = client.get(url)
    assert response.status_code == 400, url
    body = response.content.decode()
    assert message in body
    assert "请求有误" in body  # the 400 page, not a bare default


@pytest.mark.parametrize("query", ["group=-1e30", f"group={HUGE}", f"term={HUGE}"])
def test_an_odd_member_filter_answers_400_and_says_which_field(client, demo, query):
    client.force_login(User.objects.get(username="office"))
    response = client.get(f"/members/?{query}")
    assert response.status_code == 400
    body = response.content.decode()
    errors = body.split('id="filter-errors">', 1)[1].split("</div></div>", 1)[0]
    assert errors.strip()  # the field and why, not just an empty list


def test_nul_in_a_posted_form_answers_400(client, demo):
    client.force_login(User.objects.get(username="member"))
    response = client.post("/opinions/new/", {"title": "标题\x00", "suggestions": "建议"})
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"/api/v1/proposals/?page={HUGE}", "page"),
        ("/api/v1/proposals/?page=0", "page"),
        (f"/api/v1/members/?page={HUGE}", "page"),
        (f"/api/v1/followups/?page={HUGE}", "page"),
        (f"/api/v1/opinions/?page={HUGE}", "page"),
        (f"/api/v1/meetings/?page={HUGE}", "page"),
        (f"/api/v1/consultation/topics?page={HUGE}", "page"),
        ("/api/v1/members/?group=-1e30", "group"),
        (f"/api/v1/members/?group={HUGE}", "group"),
        (f"/api/v1/members/?term={HUGE}", "term"),
        ("/api/v1/meetings/?year=42103", "year"),
        ("/api/v1/meetings/?year=-1", "year"),
        ("/api/v1/proposals/?year=42103", "year"),
        ("/api/v1/proposals/?q=%00", "query"),
    ],
)
def test_odd_query_parameters_in_the_api_answer_422(client, demo, url, field):
    response = client.get(url, **bearer("office"))
    assert response.status_code == 422, (url, response.content)
    errors = response.json()["detail"]
    assert any(field in map(str, e["loc"]) for e in errors), errors


@pytest.mark.parametrize("url", ["/api/v1/proposals/", "/api/v1/members/", "/api/v1/meetings/"])
@pytest.mark.parametrize("pk", [HUGE, "-1", "0"])
def test_an_id_in_the_path_that_cannot_exist_is_not_found(client, demo, url, pk):
    response = client.get(f"{url}{pk}", **bearer("office"))
    assert response.status_code == 404, response.content


def test_an_out_of_range_department_id_in_a_body_answers_422(client, demo):
    proposal = Proposal.objects.filter(status=Proposal.Status.ACCEPTED).first() or (
        Proposal.objects.first()
    )
    response = client.post(
        f"/api/v1/proposals/{proposal.pk}/assign",
        {"lead": 2**70, "co": [2**64], "note": ""},
        content_type="application/json",
        **bearer("proposal"),
    )
    assert response.status_code == 422, response.content
    locs = [e["loc"] for e in response.json()["detail"]]
    assert ["body", "payload", "lead"] in locs


def test_a_nul_in_an_api_body_answers_422(client, demo):
    response = client.post(
        "/api/v1/opinions/",
        {"title": "关于\x00的建议", "suggestions": "建议"},
        content_type="application/json",
        **bearer("member"),
    )
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert "空字符" in detail[0]["msg"]
    assert detail[0]["loc"] == ["body"]


@pytest.mark.parametrize(
    ("url", "body", "field", "limit"),
    [
        ("/api/v1/proposals/", {"title": "长" * 1000, "suggestions": "建议"}, "title", 120),
        ("/api/v1/opinions/", {"title": "长" * 1000, "suggestions": "建议"}, "title", 120),
        ("/api/v1/meetings/leave/1/decide", {"approve": False, "note": "长" * 300}, "note", 200),
    ],
)
def test_a_title_longer_than_the_form_allows_answers_422_in_chinese(
    client, demo, url, body, field, limit
):
    """The page's form takes 120 characters: the API takes no more, and stores nothing."""
    before = Proposal.objects.count()
    response = client.post(url, body, content_type="application/json", **bearer("member"))
    assert response.status_code == 422, response.content
    error = response.json()["detail"][0]
    assert error["loc"][-1] == field and error["msg"] == f"最多{limit}个字。"
    assert Proposal.objects.count() == before


def test_the_apis_refusals_read_in_chinese(client, demo):
    assert client.get("/api/v1/proposals/").json() == {"detail": "未提供有效的令牌。"}
    missing = client.get("/api/v1/proposals/999999", **bearer("office"))
    assert missing.status_code == 404 and missing.json() == {"detail": "对象不存在或无权查看。"}
    odd = client.get("/api/v1/proposals/?page=abc", **bearer("office"))
    assert odd.status_code == 422 and odd.json()["detail"][0]["msg"] == "须为整数。"


@pytest.mark.parametrize(
    ("url", "username", "allowed"),
    [
        ("/api/v1/proposals/?status=bogus", "office", "submitted"),
        ("/api/v1/opinions/?status=bogus", "office", "submitted"),
        ("/api/v1/consultation/topics?status=closed", "office", "pending"),
        ("/api/v1/consultation/topics?source=mail", "office", "grassroots"),
        ("/api/v1/consultation/activities?status=done", "office", "held"),
        ("/api/v1/consultation/outcomes?status=bogus", "office", "draft"),
        ("/api/v1/members/?status=bogus", "office", "active"),
        ("/api/v1/members/?order=age", "office", "pinyin"),
        ("/api/v1/followups/?state=bogus", "office", "overdue"),
        ("/api/v1/meetings/?kind=bogus", "office", "plenary"),
        ("/api/v1/meetings/leave/?state=bogus", "office", "done"),
    ],
)
def test_an_unknown_filter_value_is_a_422_that_names_the_values_allowed(
    client, demo, url, username, allowed
):
    """Before, one list answered 400, one an empty page, two every row and one ignored
    the filter: a caller could not tell a typo from an empty result."""
    response = client.get(url, **bearer(username))
    assert response.status_code == 422, url
    message = response.json()["detail"][0]["msg"]
    assert message.startswith("可选值为") and allowed in message, message


def test_the_activity_list_filters_by_status(client, demo):
    headers = bearer("office")
    every = client.get("/api/v1/consultation/activities", **headers).json()["items"]
    statuses = {a["status"] for a in every}
    assert statuses, "the demo has activities"
    for status in statuses:
        rows = client.get("/api/v1/consultation/activities", {"status": status}, **headers).json()[
            "items"
        ]
        assert rows and {a["status"] for a in rows} == {status}


def test_a_body_that_is_not_json_is_refused_in_chinese(client, demo):
    response = client.post(
        "/api/v1/opinions/", data="{标题", content_type="application/json", **bearer("member")
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "请求正文不是有效的 JSON。"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"topic_type": "bogus"}, "topic_type", "可选值为"),
        ({"source": "mail"}, "source", "可选值为"),
        ({"proposer_name": "长" * 150}, "proposer_name", "最多100个字。"),
    ],
)
def test_a_topic_body_the_form_would_refuse_is_a_422_and_stores_nothing(
    client, demo, change, field, message
):
    """A topic of type "bogus" or with a 150-character proposer was stored (PostgreSQL
    refused the long name with a 500)."""
    from xieshang.consultation.models import FocusArea, Topic

    office = User.objects.get(username="office")
    before = Topic.objects.count()
    body = {
        "organisation_id": office.role_assignments.first().organisation_id,
        "title": "关于口袋公园建设的议题",
        "source": "cppcc",
        "focus_area_id": FocusArea.objects.first().pk,
        "proposer_name": "区政协办公室",
        **change,
    }
    response = client.post(
        "/api/v1/consultation/topics", body, content_type="application/json", **bearer("office")
    )
    assert response.status_code == 422, response.content
    error = response.json()["detail"][0]
    assert error["loc"][-1] == field and message in error["msg"], error
    assert Topic.objects.count() == before
