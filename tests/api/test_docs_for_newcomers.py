"""What a newcomer to the API needs without reading the code (tester findings F2, F3, F4, F8):

- /api/ and /api/v1/ send a browser to the interactive docs, which the token page links;
  another method there, or a path that names no operation, is the API's JSON 404;
- every operation is summarised and described in Chinese, like the product;
- the operations that act as the member in person say that no staff token can use them;
- the member rows carry the ids their filters take, and a term id that is no term the
  caller can see (a 届次 typed for an id) is a 422, not an empty page.
"""

import re

import pytest

from tests.members.factories import committee
from tests.members.test_api import bearer
from xieshang.orgs.models import ActivityGroup, Level

API = "/api/v1"
CJK = re.compile(r"[\u4e00-\u9fff]")
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
# The member's own acts (docs/decisions.md: API tokens are for staff and administrators).
MEMBER_ONLY = {
    ("post", f"{API}/proposals/"),
    ("patch", f"{API}/proposals/{{pk}}"),
    ("post", f"{API}/opinions/"),
    ("post", f"{API}/meetings/{{pk}}/leave"),
    ("post", f"{API}/meetings/sittings/{{pk}}/signin"),
}


@pytest.fixture
def schema(client):
    return client.get(f"{API}/openapi.json").json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method, path, operation


# --- F8: the way to the docs ------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/", f"{API}/"])
def test_the_api_root_sends_a_browser_to_the_docs(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{API}/docs"


@pytest.mark.parametrize(
    "method, path",
    [
        ("post", "/api/"),
        ("post", f"{API}/"),
        ("get", f"{API}/nothing-here"),
        ("get", f"{API}/members/1/seats"),
        ("get", "/api/v2/members/"),
        ("post", f"{API}/proposals"),  # a POST is not sent on without its slash
    ],
)
def test_anything_else_there_is_a_json_404(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "/api/v1/docs" in response.json()["detail"]


@pytest.mark.parametrize(
    "asked, sent_to",
    [(f"{API}/members?page=2", f"{API}/members/?page=2"), ("/api/v1", f"{API}/")],
)
def test_a_list_without_its_trailing_slash_is_still_found(client, asked, sent_to):
    response = client.get(asked)
    assert response.status_code == 301
    assert response["Location"] == sent_to


@pytest.mark.django_db
def test_the_token_page_links_the_docs(client):
    client.force_login(committee().clerk)
    html = client.get("/accounts/tokens/").content.decode()
    assert f'<a href="{API}/docs">' in html


# --- F4: one language -------------------------------------------------------------------


def test_every_operation_has_a_chinese_summary_and_description(schema):
    english = []
    for method, path, operation in operations(schema):
        for key in ("summary", "description"):
            if not CJK.search(operation.get(key) or ""):
                english.append((method, path, key, operation.get(key)))
    assert english == []
    assert len(list(operations(schema))) > 30


def test_every_answer_and_every_query_parameter_is_described_in_chinese(schema):
    english = []
    for method, path, operation in operations(schema):
        for code, response in operation["responses"].items():
            if not CJK.search(response["description"]):
                english.append((method, path, code, response["description"]))
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and not CJK.search(parameter.get("description", "")):
                english.append((method, path, parameter["name"]))
    for name, component in schema["components"]["schemas"].items():
        if "description" in component and not CJK.search(component["description"]):
            english.append((name, component["description"]))
    assert english == []


# --- F2: the member's operations say who can call them ------------------------------------


def test_the_members_own_operations_say_no_staff_token_can_use_them(schema):
    marked = {
        (method, path)
        for method, path, operation in operations(schema)
        if "仅限" in operation["summary"]
        and "接口令牌只发给工作人员和管理员" in operation["description"]
    }
    assert marked == MEMBER_ONLY
    overview = schema["info"]["description"]
    assert "仅限委员的接口" in overview
    assert "没有开放委员令牌的设置" in overview


# --- F3: the ids the filters take are in the rows ---------------------------------------


@pytest.mark.django_db
def test_the_rows_carry_the_ids_the_filters_take(client):
    c = committee()
    group = ActivityGroup.objects.create(organisation=c.org, name="第一活动小组")
    c.member("丁一", committees=[c.committee, c.committee2], activity_group=group)
    c.member("张三", sector=c.sector2, committees=[c.committee2])
    auth = bearer(c.clerk)
    rows = {m["name"]: m for m in client.get(f"{API}/members/", **auth).json()["items"]}
    seat = rows["丁一"]["seat"]
    assert seat["term_id"] == c.term.pk and seat["term_number"] == 15
    assert seat["sector_id"] == c.sector.pk
    assert seat["party_id"] is not None
    assert seat["committee_ids"] == [c.committee.pk, c.committee2.pk]
    assert seat["committees"] == ["经济委员会", "教科卫体委员会"]
    assert seat["activity_group_id"] == group.pk
    assert rows["张三"]["seat"]["activity_group_id"] is None

    def names(**filters):
        body = client.get(f"{API}/members/", filters, **auth).json()
        return sorted(m["name"] for m in body["items"])

    # Each id read from a row is a filter that finds that row.
    assert names(term=seat["term_id"]) == ["丁一", "张三"]
    assert names(sector=rows["张三"]["seat"]["sector_id"]) == ["张三"]
    assert names(party=seat["party_id"]) == ["丁一", "张三"]
    assert names(committee=c.committee.pk) == ["丁一"]
    assert names(group=seat["activity_group_id"]) == ["丁一"]
    detail = client.get(f"{API}/members/{rows['丁一']['id']}", **auth).json()
    assert detail["memberships"][0]["committee_ids"] == seat["committee_ids"]


@pytest.mark.django_db
def test_a_term_number_or_another_committees_term_is_a_422_not_an_empty_page(client):
    city = committee("示范市政协", level=Level.CITY)
    district = committee("甲区政协", parent=city.org)
    district.member("王甲")
    auth = bearer(district.clerk)
    assert 15 not in {district.term.pk, district.term.pk - 1}  # the district's two terms
    for wrong in (15, city.term.pk):
        response = client.get(f"{API}/members/", {"term": wrong}, **auth)
        assert response.status_code == 422, wrong
        [error] = response.json()["detail"]
        assert error["loc"] == ["query", "term"]
        assert "term_id" in error["msg"]
    # The office above sees its districts' terms.
    body = client.get(f"{API}/members/", {"term": district.term.pk}, **bearer(city.clerk)).json()
    assert [m["name"] for m in body["items"]] == ["王甲"]
