"""An account's open sessions are found and ended through the sessions' indexed account
column (SESSION_ENGINE core.sessions), not by decoding every login of the province: the
security administrator's account page costs the same whatever the number of other logins."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory, make_org, user_with_role
from xieshang.core import scheduler, services
from xieshang.core.models import AccountSession
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


def _logins(user, count: int) -> list[Client]:
    browsers = []
    for _ in range(count):
        browser = Client()
        browser.force_login(user)
        browsers.append(browser)
    return browsers


def _page_queries(client, subject) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("user_detail", args=[subject.pk]))
    assert response.status_code == 200
    # Beyond the viewer's own session, no session's data is read (nothing decoded): the
    # account's logins are counted on the indexed column.
    reads = [q["sql"] for q in ctx.captured_queries if "core_accountsession" in q["sql"]]
    assert sum("session_data" in sql for sql in reads) <= 1, reads
    return len(ctx.captured_queries), response.content.decode()


def test_the_account_page_costs_the_same_with_3_or_30_other_logins(client):
    district = make_org("东湖区政协")
    client.force_login(user_with_role(Role.SECURITY_ADMIN, district, full_name="安全员"))
    clerk = user_with_role(Role.OFFICE, district, username="clerk")
    _logins(clerk, 2)
    others = UserFactory.create_batch(3)
    for other in others:
        _logins(other, 1)
    client.get(reverse("user_detail", args=[clerk.pk]))  # warm the per-process caches
    few, page = _page_queries(client, clerk)
    assert "2 处登录中" in page
    for other in UserFactory.create_batch(27):
        _logins(other, 1)
    assert AccountSession.objects.count() == 1 + 2 + 30
    many, page = _page_queries(client, clerk)
    assert "2 处登录中" in page
    assert many == few


def test_an_accounts_sessions_are_found_and_ended_without_touching_others():
    clerk, other = UserFactory(), UserFactory()
    clerk_browsers, other_browsers = _logins(clerk, 2), _logins(other, 3)
    with CaptureQueriesContext(connection) as ctx:
        assert services.open_sessions(clerk) == 2
    assert len(ctx.captured_queries) == 1
    with CaptureQueriesContext(connection) as ctx:
        assert services.end_sessions(clerk) == 2
    assert len(ctx.captured_queries) == 1
    assert services.open_sessions(clerk) == 0 and services.open_sessions(other) == 3
    for browser in clerk_browsers:
        assert browser.get(reverse("home"))["Location"].startswith(reverse("login"))
    for browser in other_browsers:
        assert browser.get(reverse("home")).status_code == 200


def test_a_login_through_the_form_is_indexed_and_a_logout_removes_it():
    user = UserFactory(username="liming")
    browser = Client()
    browser.post(reverse("login"), {"username": "liming", "password": settings.DEMO_PASSWORD})
    row = AccountSession.objects.get()
    assert row.user_id == user.pk and row.get_decoded()[SESSION_KEY] == str(user.pk)
    assert services.open_sessions(user) == 1
    browser.post(reverse("logout"))
    assert services.open_sessions(user) == 0


def test_clearsessions_and_the_nightly_job_remove_expired_logins_only():
    lapsed, active = UserFactory(), UserFactory()
    _logins(lapsed, 2)
    later = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    with time_machine.travel(later, tick=False):
        _logins(active, 1)
        assert services.open_sessions(lapsed) == 0
        call_command("clearsessions")
        assert list(AccountSession.objects.values_list("user_id", flat=True)) == [active.pk]
        _logins(lapsed, 1)
    later += dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    with time_machine.travel(later, tick=False):
        _logins(active, 1)
        assert "core.clear_sessions" in scheduler.registry()
        scheduler.registry()["core.clear_sessions"].func()
        assert services.open_sessions(active) == 1 == AccountSession.objects.count()


def test_the_upgrade_keeps_the_logins_open_before_it_open():
    """The migration copies Django's own unexpired session rows with the account's id."""
    from importlib import import_module

    from django.apps import apps
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore
    from django.contrib.sessions.models import Session

    user = UserFactory()
    before = DjangoStore()
    before[SESSION_KEY] = str(user.pk)
    before.save()
    anonymous = DjangoStore()
    anonymous["django_language"] = "en"
    anonymous.save()
    migration = import_module("xieshang.core.migrations.0012_account_session")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.carry_over_open_sessions(apps, editor)
    assert Session.objects.count() == 2
    assert services.open_sessions(user) == 1
    carried = AccountSession.objects.get(session_key=before.session_key)
    assert carried.get_decoded()[SESSION_KEY] == str(user.pk)
    assert AccountSession.objects.get(session_key=anonymous.session_key).user_id is None
