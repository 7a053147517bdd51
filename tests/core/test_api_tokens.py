"""JSON API tokens from the user's side: one is asked for on 接口令牌, shown once, works in
the API until it expires or is revoked, and is held to a budget per minute; a security
administrator of the owner's organisation can revoke it (a lost laptop), nobody else can.
(SPEC security baseline; C2.9 scoping.)"""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from tests.factories import make_org, user_with_role
from xieshang.core import api_tokens
from xieshang.core.models import ApiToken, Event, Notification
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db

API = "/api/v1/proposals/"


def _bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def district():
    return make_org("示范区政协", Level.DISTRICT)


@pytest.fixture
def clerk(district):
    return user_with_role(Role.OFFICE, district, username="clerk")


def _issue_on_page(client, user, name="统计报表同步", days="90"):
    client.force_login(user)
    response = client.post("/accounts/tokens/", {"name": name, "days": days})
    assert response.status_code == 200
    body = response.content.decode()
    raw = re.search(r'id="token-value">(xs_[^<]+)<', body).group(1)
    return raw, response


def test_a_token_asked_for_on_the_page_is_shown_once_and_works_in_the_api(client, clerk):
    raw, response = _issue_on_page(client, clerk)
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=clerk)
    assert token.name == "统计报表同步"
    assert token.token_hash != raw and raw not in str(token.__dict__)
    assert dt.timedelta(days=89) < token.expires_at - timezone.now() <= dt.timedelta(days=90)
    # The next visit lists it by name and prefix only.
    again = client.get("/accounts/tokens/").content.decode()
    assert "统计报表同步" in again and token.prefix in again and raw not in again

    answer = client.get(API, **_bearer(raw))
    assert answer.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert Event.objects.filter(verb="api_token.issue", actor=clerk).count() == 1


def test_a_refused_request_keeps_what_was_typed(client, clerk):
    client.force_login(clerk)
    response = client.post("/accounts/tokens/", {"name": "", "days": "7"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
    body = response.content.decode()
    assert "token-value" not in body
    assert "选择一个有效的选项" in body or "有效" in body  # the days field says what is wrong


def test_an_expired_token_is_refused_with_a_message_that_says_so(client, clerk):
    raw, _ = _issue_on_page(client, clerk, days="30")
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        response = client.get(API, **_bearer(raw))
        client.force_login(clerk)
        page = client.get("/accounts/tokens/").content.decode()
    assert response.status_code == 401
    assert "过期" in response.json()["detail"]
    assert "已过期" in page


def test_the_owner_revokes_a_token_and_the_api_refuses_it_at_once(client, clerk):
    raw, _ = _issue_on_page(client, clerk)
    token = ApiToken.objects.get(user=clerk)
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert client.get(API, **_bearer(raw)).status_code == 401
    event = Event.objects.get(verb="api_token.revoke")
    assert (event.from_state, event.to_state, event.actor_id) == ("active", "revoked", clerk.pk)


def test_the_security_administrator_revokes_a_members_token_and_the_owner_is_told(
    client, district, clerk
):
    raw, _ = _issue_on_page(client, clerk)
    token = ApiToken.objects.get(user=clerk)
    secadmin = user_with_role(Role.SECURITY_ADMIN, district, username="sec")
    client.force_login(secadmin)
    detail = client.get(f"/admin-duties/users/{clerk.pk}/").content.decode()
    assert token.prefix in detail
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/", {"reason": "笔记本丢失"})
    assert response.status_code == 302 and response["Location"].endswith(f"/users/{clerk.pk}/")
    assert client.get(API, **_bearer(raw)).status_code == 401
    note = Notification.objects.get(recipient=clerk)
    assert "撤销" in note.title and note.body == "笔记本丢失"
    assert Event.objects.get(verb="api_token.revoke").note == "笔记本丢失"


def test_nobody_else_can_revoke_a_token(client, district, clerk):
    _issue_on_page(client, clerk)
    token = ApiToken.objects.get(user=clerk)
    colleague = user_with_role(Role.OFFICE, district, username="colleague")
    elsewhere = make_org("另一区政协", Level.DISTRICT)
    foreign_admin = user_with_role(Role.SECURITY_ADMIN, elsewhere, username="foreign_sec")
    for intruder in (colleague, foreign_admin):
        client.force_login(intruder)
        assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_past_its_budget_gets_429_with_retry_after_until_the_minute_is_over(
    client, clerk, settings
):
    settings.API_RATE_PER_MINUTE = 3
    _token, raw = api_tokens.issue(actor=clerk, name="同步", days=30)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        codes = [client.get(API, **_bearer(raw)).status_code for _ in range(4)]
        refused = client.get(API, **_bearer(raw))
    assert codes == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "每分钟最多 3 次" in refused.json()["detail"]
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        assert client.get(API, **_bearer(raw)).status_code == 200


def test_owners_are_reminded_once_a_week_before_a_token_expires(clerk):
    api_tokens.issue(actor=clerk, name="同步", days=30)
    assert api_tokens.remind_expiring() == 0
    later = timezone.now() + dt.timedelta(days=24)
    assert api_tokens.remind_expiring(now=later) == 1
    assert api_tokens.remind_expiring(now=later) == 0
    note = Notification.objects.get(recipient=clerk)
    assert "同步" in note.title and "到期" in note.title


def test_a_person_cannot_pile_up_live_tokens(clerk):
    for n in range(api_tokens.MAX_ACTIVE):
        api_tokens.issue(actor=clerk, name=f"令牌{n}", days=30)
    with pytest.raises(api_tokens.Refused):
        api_tokens.issue(actor=clerk, name="再来一个", days=30)
