"""A failed login says how many more failures lock the account (django-axes counts them per
username typed), the same for a username nobody has, so the warning does not tell whether an
account exists; the last failure locks it as before."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import make_org, user_with_role
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


def login(client, username, password="wrong-Password1"):
    return client.post(reverse("login"), {"username": username, "password": password})


def warning(response) -> str:
    match = re.search(r'id="lockout-warning">([^<]*)<', response.content.decode())
    return match.group(1) if match else ""


def test_each_failure_says_how_many_remain_known_user_or_not(client):
    user_with_role(Role.OFFICE, make_org(), username="liming")
    limit = settings.AXES_FAILURE_LIMIT  # 5
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    for done in range(1, limit):
        known, unknown = login(client, "liming"), login(client, "nobody-here")
        assert known.status_code == unknown.status_code == 200
        expected = f"再输错{limit - done}次，该账号将被锁定{minutes}分钟。"
        assert warning(known) == expected == warning(unknown)
    locked = login(client, "liming")
    assert locked.status_code == 429 and "账号已锁定" in locked.content.decode()


def test_a_blank_password_is_no_failure_and_warns_of_nothing(client):
    user_with_role(Role.OFFICE, make_org(), username="liming")
    response = client.post(reverse("login"), {"username": "liming", "password": ""})
    assert response.status_code == 200 and warning(response) == ""
    assert warning(login(client, "liming")) == (
        f"再输错{settings.AXES_FAILURE_LIMIT - 1}次，该账号将被锁定"
        f"{round(settings.AXES_COOLOFF_TIME * 60)}分钟。"
    )


def test_a_deactivated_account_with_its_right_password_is_told_so_and_never_locked(client):
    # Tester: told "wrong password, N more tries", the holder typed on towards a lockout.
    user = user_with_role(Role.OFFICE, make_org(), username="liming")
    user.set_password("Right-Password1")
    user.is_active = False
    user.save()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = login(client, "liming", "Right-Password1")
        assert response.status_code == 200
        assert "该账号已停用，请联系本单位安全管理员。" in response.content.decode()
        assert warning(response) == ""
    # A wrong password tells nothing of the account: it reads as any wrong password.
    wrong = login(client, "liming")
    assert "该账号已停用" not in wrong.content.decode()
    assert warning(wrong).startswith(f"再输错{settings.AXES_FAILURE_LIMIT - 1}次")
    user.is_active = True
    user.save()
    assert login(client, "liming", "Right-Password1").status_code == 302
