"""A token refused because its owner may no longer hold one (`core.api_tokens.may_use`) is
refused before it is counted: it is not stamped as used (the security administrator's
account page keeps saying 从未使用, or the last time it really worked) and it spends none of
the token's budget per minute. (SPEC security baseline; docs/decisions.md 2026-12-05.)"""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tests.factories import make_org, user_with_role
from xieshang.core.models import ApiToken
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db

API = "/api/v1/members/"


@pytest.fixture
def district():
    return make_org("示范区政协", Level.DISTRICT)


def test_a_members_refused_token_is_still_shown_as_never_used(client, district):
    admin = user_with_role(Role.SECURITY_ADMIN, district, username="security")
    member = user_with_role(Role.MEMBER, district, username="member")
    token, raw = ApiToken.issue(user=member, name="旧手机")
    for _ in range(3):
        assert client.get(API, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 403
    token.refresh_from_db()
    assert token.last_used_at is None and token.window_hits == 0
    client.force_login(admin)
    page = client.get(f"/admin-duties/users/{member.pk}/").content.decode()
    row = page[page.index("旧手机") :]
    assert "从未使用" in row[: row.index("</tr>")]


def test_refused_requests_spend_none_of_the_budget_of_a_token_given_back(
    client, district, settings
):
    settings.API_RATE_PER_MINUTE = 2
    clerk = user_with_role(Role.MEMBER, district, username="clerk")
    office = clerk.role_assignments.create(organisation=district, role=Role.OFFICE)
    token, raw = ApiToken.issue(user=clerk, name="报表同步")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get(API, **auth).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == start and token.window_hits == 1

    office.delete()  # left the office for a while: the program keeps calling, refused
    with time_machine.travel(start + dt.timedelta(seconds=10), tick=False):
        assert [client.get(API, **auth).status_code for _ in range(3)] == [403] * 3
    token.refresh_from_db()
    assert token.last_used_at == start and token.window_hits == 1  # the last real use

    # Back in the office within the same minute: the one request left in the budget is
    # served, the refused ones did not use it up.
    clerk.role_assignments.create(organisation=district, role=Role.OFFICE)
    with time_machine.travel(start + dt.timedelta(seconds=20), tick=False):
        assert client.get(API, **auth).status_code == 200
        assert client.get(API, **auth).status_code == 429
