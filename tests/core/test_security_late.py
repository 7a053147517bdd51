"""Found by a tester playing the three administrators (三员分立): the audit trail of a locked
account, editing an account's name and phone, ending an account's open sessions, and the
reasons of unlocks, resets and role removals."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import make_org, user_with_role
from xieshang.core.models import Event
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


def _login(client, username, password=None):
    return client.post(
        reverse("login"),
        {"username": username, "password": password or settings.DEMO_PASSWORD},
    )


# --- Attempts at a locked account --------------------------------------------------------


def test_an_attempt_at_a_locked_account_is_one_refusal_in_the_log_whatever_the_password(client):
    district = make_org()
    user_with_role(Role.OFFICE, district, username="liming")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "liming", "wrong-Password1")
    assert Event.objects.filter(verb="auth.login_failed", note="liming").count() == 5
    assert Event.objects.filter(verb="auth.locked_out", note="liming").count() == 1

    right = _login(client, "liming")
    wrong = _login(client, "liming", "wrong-Password1")
    # The person at the form cannot tell which password was right.
    assert right.status_code == wrong.status_code == 429
    assert "账号已锁定" in right.content.decode() and "账号已锁定" in wrong.content.decode()
    # Two more attempts, two rows that say the account was locked; no wrong password, no
    # new lock.
    refusals = Event.objects.filter(verb="auth.login_refused_locked", note="liming")
    assert refusals.count() == 2
    assert all(e.organisation == district for e in refusals)
    assert Event.objects.filter(verb="auth.login_failed", note="liming").count() == 5
    assert Event.objects.filter(verb="auth.locked_out", note="liming").count() == 1
    # Still locked: the lockout itself is unchanged.
    assert _login(client, "liming").status_code == 429
    assert client.get(reverse("home")).status_code == 302
