"""A new password may not repeat any of the user's last PASSWORD_HISTORY_COUNT passwords
(等保 password policy): said in Chinese under 新密码, nothing typed shown back; only the
hashes are kept; a temporary password an administrator issues does not take a place."""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse

from tests.factories import UserFactory, make_org, user_with_role
from xieshang.core import services
from xieshang.core.models import PasswordHistory
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db

FIRST, SECOND, THIRD = "Qingshan#2027a", "Lushui#2028bb", "Huanghe#2029cc"


def _change(client, old, new):
    """Post the change form (the client stays logged in after a change: Django keeps the
    session with the new password's hash)."""
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_a_recent_password_is_refused_under_the_new_password(client):
    user = UserFactory()
    client.force_login(user)
    assert _change(client, settings.DEMO_PASSWORD, FIRST).status_code == 302
    assert _change(client, FIRST, SECOND).status_code == 302
    response = _change(client, SECOND, settings.DEMO_PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"new_password1"}
    page = response.content.decode()
    assert "新密码不能与最近5次使用过的密码相同，请换一个。" in page
    # Nothing typed comes back in the page.
    assert settings.DEMO_PASSWORD not in page and SECOND not in page
    user.refresh_from_db()
    assert user.check_password(SECOND)


def test_only_hashes_of_the_last_n_are_kept_and_older_ones_may_return(client, settings):
    settings.PASSWORD_HISTORY_COUNT = 2
    user = UserFactory()
    client.force_login(user)
    for old, new in ((settings.DEMO_PASSWORD, FIRST), (FIRST, SECOND), (SECOND, THIRD)):
        assert _change(client, old, new).status_code == 302
    rows = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True))
    assert len(rows) == 2
    for encoded in rows:
        identify_hasher(encoded)  # a Django hash, never the password itself
        assert all(p not in encoded for p in (FIRST, SECOND, THIRD))
    assert "最近2次" in _change(client, THIRD, SECOND).content.decode()
    assert _change(client, THIRD, FIRST).status_code == 302


def test_the_forced_change_after_a_reset_refuses_an_old_password(client):
    district = make_org()
    admin = user_with_role(Role.SECURITY_ADMIN, district)
    user = user_with_role(Role.OFFICE, district, username="clerk")
    issued = services.user_password_reset(actor=admin, user=user)
    user.refresh_from_db()
    # The temporary password is not recorded: the user never chose it.
    assert PasswordHistory.objects.filter(user=user).count() == 1
    client.force_login(user)
    response = _change(client, issued.password, settings.DEMO_PASSWORD)
    assert "新密码不能与最近5次使用过的密码相同" in response.content.decode()
    assert _change(client, issued.password, FIRST).status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert PasswordHistory.objects.filter(user=user).count() == 2


def test_zero_turns_the_history_off(client, settings):
    settings.PASSWORD_HISTORY_COUNT = 0
    user = UserFactory()
    client.force_login(user)
    assert _change(client, settings.DEMO_PASSWORD, FIRST).status_code == 302
    assert _change(client, FIRST, settings.DEMO_PASSWORD).status_code == 302
