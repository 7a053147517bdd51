"""The OpenAPI document tells the truth about errors, and the docs page works offline."""

import json
import re

import pytest

from tests.conftest import login
from tests.factories import UserFactory

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def schema(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def resolve(schema, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_every_operation_documents_its_error_answers(schema):
    seen = 0
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        codes = set(responses)
        expected = {"401", "403", "422", "429"} | ({"404"} if "{" in path else set())
        assert expected <= codes, (method, path, sorted(codes))
        for code in expected:
            body = responses[code]["content"]["application/json"]["schema"]
            assert "detail" in resolve(schema, body["$ref"])["properties"], (method, path, code)
        seen += 1
    assert seen > 20


def test_the_document_has_no_duplicate_keys(client):
    """Swagger UI parses the document as YAML and refuses a key given twice ("422" and 422)."""

    def no_duplicates(pairs):
        keys = [k for k, _v in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=no_duplicates)


def test_the_error_bodies_match_what_the_api_answers(client, schema):
    error = resolve(schema, "#/components/schemas/ErrorOut")
    assert error["properties"]["detail"]["type"] == "string"
    invalid = resolve(schema, "#/components/schemas/ValidationErrorOut")
    assert invalid["properties"]["detail"]["type"] == "array"
    assert client.get("/api/v1/proposals/").json() == {"detail": "未提供有效的令牌。"}


def test_ids_pages_and_years_are_bounded_in_the_schema(schema):
    params = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/meetings/"]["get"]["parameters"]
    }
    assert params["page"]["minimum"] == 1 and params["page"]["maximum"] <= 10**6
    year = next(s for s in params["year"]["anyOf"] if s.get("type") == "integer")
    assert (year["minimum"], year["maximum"]) == (1949, 2100)


@pytest.mark.django_db
def test_the_docs_page_loads_nothing_from_another_host(client):
    client.force_login(UserFactory())
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), html
    assert "cdn" not in html.lower()
    assert '<html lang="zh-hans">' in html  # the page says its language (screen readers)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_renders_the_operations_under_the_csp(page):
    UserFactory(username="kaifa")
    login(page, "kaifa")
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type in ("error", "warning") else None,
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    external: list[str] = []
    page.on(
        "request",
        lambda r: external.append(r.url) if not r.url.startswith(page.base_url) else None,
    )
    page.goto(page.base_url + "/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".errors-wrapper").count() == 0, page.locator(
        ".errors-wrapper"
    ).inner_text()
    assert page.locator(".opblock").count() > 20
    assert page.get_by_text("/api/v1/proposals/{pk}/assign").first.is_visible()
    csp = [p for p in problems if "Content Security Policy" in p or "Refused" in p]
    assert csp == [], csp
    assert problems == [], problems
    assert [u for u in external if not u.startswith("data:")] == []
