"""The security administrator sees the addresses the login guard pauses (core.login_guard)
and lifts a pause with a reason, audited; the system administrator and the auditor do not
(三员分立). A lift lets the address try again without unlocking the accounts tried from it."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory, make_org, user_with_role
from xieshang.core import login_guard
from xieshang.core.models import Event
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db

ADDRESS = "127.0.0.1"


@pytest.fixture
def sprayed(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    settings.AXES_FAILURE_LIMIT = 2
    for name in ("staff1", "staff2"):
        UserFactory(username=name)
        for _ in range(2):
            client.post(reverse("login"), {"username": name, "password": "wrong-Password1"})
    assert client.post(reverse("login"), {"username": "staff3"}).status_code == 429
    return make_org("江城市政协")


def _admin(role, org) -> Client:
    c = Client()
    c.account = user_with_role(role, org)
    c.force_login(c.account)
    return c


def test_only_the_security_administrator_sees_the_paused_addresses(sprayed):
    page = _admin(Role.SECURITY_ADMIN, sprayed).get(reverse("paused_addresses"))
    assert page.status_code == 200
    html = page.content.decode()
    assert ADDRESS in html and re.search(r"<td[^>]*>4</td>", html)
    (pause,) = page.context["pauses"]
    assert pause.address == ADDRESS and pause.failures == 4 and pause.until > pause.since
    english = _admin(Role.SECURITY_ADMIN, sprayed)
    english.cookies["django_language"] = "en"
    html = english.get(reverse("paused_addresses")).content.decode()
    assert "Paused addresses" in html and "Reason for lifting (required)" in html
    assert "failed logins within the cool-off time" in html
    for role in (Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN):
        other = _admin(role, sprayed)
        assert other.get(reverse("paused_addresses")).status_code == 403
        other.post(reverse("paused_addresses"), {"address": ADDRESS, "reason": "试"})
    assert login_guard.blocked(ADDRESS)
    assert not Event.objects.filter(verb=login_guard.LIFT_VERB).exists()


def test_a_lift_asks_why_and_is_audited_and_the_address_may_try_again(sprayed, client):
    secadmin = _admin(Role.SECURITY_ADMIN, sprayed)
    refused = secadmin.post(reverse("paused_addresses"), {"address": ADDRESS, "reason": " "})
    assert refused.status_code == 400
    assert "请填写解除原因" in refused.content.decode()
    assert login_guard.blocked(ADDRESS)

    done = secadmin.post(
        reverse("paused_addresses"),
        {"address": ADDRESS, "reason": "办公室共用出口地址"},
        follow=True,
    )
    assert "已解除" in done.content.decode()
    assert list(done.context["pauses"]) == []
    event = Event.objects.get(verb=login_guard.LIFT_VERB)
    assert event.actor == secadmin.account
    assert "办公室共用出口地址" in event.note and ADDRESS in event.note
    with translation.override("en"):  # a note read in the reader's language
        assert event.shown_note.startswith(f"{ADDRESS}; reason: ")
    assert event.data["address"] == ADDRESS and event.data["failures"] == 4
    assert not login_guard.blocked(ADDRESS)
    # The accounts locked from the address stay locked; the address may log in again.
    from xieshang.core.services import locked_usernames

    assert locked_usernames(["staff1", "staff2"]) == {"staff1", "staff2"}
    assert client.post(reverse("login"), {"username": "staff3"}).status_code != 429

    # Four more failures pause it again, and that pause is audited anew.
    for name in ("staff4", "staff5"):
        for _ in range(2):
            client.post(reverse("login"), {"username": name, "password": "wrong-Password1"})
    assert client.post(reverse("login"), {"username": "staff3"}).status_code == 429
    assert Event.objects.filter(verb="auth.address_blocked", note=ADDRESS).count() == 2
    assert [p.failures for p in login_guard.paused()] == [4]


def test_lifting_an_address_that_is_not_paused_is_refused(sprayed):
    secadmin = _admin(Role.SECURITY_ADMIN, sprayed)
    response = secadmin.post(reverse("paused_addresses"), {"address": "10.9.9.9", "reason": "试"})
    assert response.status_code == 400
    assert "当前未被暂停登录" in response.content.decode()
    assert not Event.objects.filter(verb=login_guard.LIFT_VERB).exists()
