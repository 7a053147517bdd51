"""The idle-session timeout (SPEC security baseline) without a session write on every page
view (issue 14): activity renews the session at most once a minute."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from xieshang.core.middleware import SESSION_REFRESH_SECONDS
from xieshang.core.models import AccountSession as Session

pytestmark = pytest.mark.django_db


def _session_writes(ctx) -> list[str]:
    return [
        q["sql"]
        for q in ctx.captured_queries
        if "core_accountsession" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def test_a_page_view_soon_after_the_last_one_does_not_write_the_session(client):
    client.force_login(UserFactory())
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert client.get(reverse("home")).status_code == 200  # renews: first look
        clock.shift(dt.timedelta(seconds=SESSION_REFRESH_SECONDS // 2))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("home")).status_code == 200
    assert _session_writes(ctx) == []


def test_activity_after_a_minute_renews_the_session_expiry(client):
    client.force_login(UserFactory())
    key = client.session.session_key
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get(reverse("home"))
        before = Session.objects.get(session_key=key).expire_date
        clock.shift(dt.timedelta(seconds=SESSION_REFRESH_SECONDS + 1))
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("home"))
        after = Session.objects.get(session_key=key).expire_date
    assert len(_session_writes(ctx)) == 1
    assert after - before == dt.timedelta(seconds=SESSION_REFRESH_SECONDS + 1)


def test_activity_keeps_the_user_logged_in_well_past_the_idle_limit(client):
    client.force_login(UserFactory())
    idle = settings.SESSION_COOKIE_AGE
    with time_machine.travel(timezone.now(), tick=False) as clock:
        # Three rounds of a renewing view, then a view too soon to write anything: the user
        # stays logged in for three idle periods.
        for _ in range(3):
            clock.shift(dt.timedelta(seconds=idle - 60))
            assert client.get(reverse("home")).status_code == 200
            clock.shift(dt.timedelta(seconds=30))
            assert client.get(reverse("home")).status_code == 200


def test_the_session_ends_after_the_idle_limit_even_when_the_last_view_did_not_write(client):
    """The session lapses at most SESSION_COOKIE_AGE after the last view, never later."""
    client.force_login(UserFactory())
    idle = settings.SESSION_COOKIE_AGE
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get(reverse("home"))  # renews
        clock.shift(dt.timedelta(seconds=30))
        client.get(reverse("home"))  # too soon to renew: the row is not written
        clock.shift(dt.timedelta(seconds=idle))
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_anonymous_visit_does_not_create_a_session(client):
    client.get(reverse("login"))
    client.get("/portal/")
    assert Session.objects.count() == 0
