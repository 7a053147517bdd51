"""The audit log reads a paused address (password spraying, core.login_guard) in words, in
the reader's language, not as the verb `auth.address_blocked`."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory, make_org, user_with_role
from xieshang.core.models import Event
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


def test_a_paused_address_reads_in_words_in_the_audit_log(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    for name in ("staff1", "staff2"):
        UserFactory(username=name)
        for _ in range(2):
            client.post(reverse("login"), {"username": name, "password": "wrong-Password1"})
    assert client.post(reverse("login"), {"username": "staff1"}).status_code == 429
    assert Event.objects.filter(verb="auth.address_blocked", note="127.0.0.1").exists()

    auditor = Client()
    auditor.force_login(user_with_role(Role.AUDIT_ADMIN, make_org("江城市政协")))
    table = _table(auditor)
    assert "网络地址登录失败过多，暂停登录" in table
    assert "auth.address_blocked" not in table

    auditor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    table = _table(auditor)
    assert "Logins paused: too many failed logins from one address" in table
    assert "auth.address_blocked" not in table


def _table(client) -> str:
    page = client.get(reverse("audit_log")).content.decode()
    return re.search(r'<table[^>]*id="audit-table".*?</table>', page, re.S).group(0)
