"""A token is checked against its owner's roles on every request: API tokens are for staff
and administrators (`core.api_tokens.may_use`), so a token kept from a staff role the owner
no longer has, or one a member held before the rule, is refused at once with a 403 that
says why and nothing else; the security administrator's account page marks such tokens.
(SPEC security baseline; docs/decisions.md 2026-12-05.)"""

import pytest
from django.conf import settings

from tests.factories import make_org, user_with_role
from xieshang.core.models import ApiToken
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db

REFUSAL = "该令牌已不能使用"


def _bearer(user) -> dict:
    _, raw = ApiToken.issue(user=user, name="报表同步")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def district():
    return make_org("示范区政协", Level.DISTRICT)


def test_a_token_stops_working_the_moment_its_owner_is_left_a_member_only(client, district):
    clerk = user_with_role(Role.MEMBER, district, username="clerk")
    office = clerk.role_assignments.create(organisation=district, role=Role.OFFICE)
    auth = _bearer(clerk)
    assert client.get("/api/v1/members/", **auth).status_code == 200

    office.delete()  # the clerk left the office and stays a member
    response = client.get("/api/v1/members/", **auth)
    assert response.status_code == 403
    assert REFUSAL in response.json()["detail"]


def test_a_members_old_token_is_refused_without_telling_what_exists(client, district):
    office = user_with_role(Role.OFFICE, district, username="office")
    member = user_with_role(Role.MEMBER, district, username="member")
    auth = _bearer(member)
    answers = [
        client.get(url, **auth)
        for url in (
            "/api/v1/members/",
            f"/api/v1/members/{member.pk}",
            "/api/v1/members/999999",
            "/api/v1/opinions/",
        )
    ]
    assert {a.status_code for a in answers} == {403}
    assert len({a.content for a in answers}) == 1  # an existing row answers as a missing one
    assert set(answers[0].json()) == {"detail"}
    assert REFUSAL in answers[0].json()["detail"]
    posted = client.post(
        "/api/v1/opinions/",
        {"title": "关于社区养老的建议", "suggestions": "建议"},
        content_type="application/json",
        **auth,
    )
    assert posted.status_code == 403
    # An office account's token is still served.
    assert client.get("/api/v1/members/", **_bearer(office)).status_code == 200


def test_the_english_refusal_reads_in_english(client, district):
    member = user_with_role(Role.MEMBER, district, username="member")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/api/v1/members/", **_bearer(member))
    assert response.status_code == 403
    assert "staff and administrators" in response.json()["detail"]


def test_the_security_administrator_sees_such_tokens_marked(client, district):
    admin = user_with_role(Role.SECURITY_ADMIN, district, username="security")
    member = user_with_role(Role.MEMBER, district, username="member")
    ApiToken.issue(user=member, name="旧手机")
    clerk = user_with_role(Role.OFFICE, district, username="clerk")
    ApiToken.issue(user=clerk, name="报表同步")
    client.force_login(admin)
    marked = client.get(f"/admin-duties/users/{member.pk}/").content.decode()
    assert "旧手机" in marked and "data-tokens-refused" in marked and "已被拒绝" in marked
    plain = client.get(f"/admin-duties/users/{clerk.pk}/").content.decode()
    assert "报表同步" in plain and "data-tokens-refused" not in plain
