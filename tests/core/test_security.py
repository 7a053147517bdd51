"""The security baseline (等保): password rules, lockout, idle timeout, staff second factor."""

import datetime as dt
import importlib

import pyotp
import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, clear_url_caches, resolve, reverse
from django.utils import timezone

from tests.factories import UserFactory, make_org, user_with_role
from xieshang.core.models import Event, TotpDevice
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db

STRONG = "Qingshan#2027x"


def _login(client, username, password=None):
    return client.post(
        reverse("login"),
        {"username": username, "password": password or settings.DEMO_PASSWORD},
    )


def _change(client, old, new):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


# --- Password rules ----------------------------------------------------------------------


def test_it_rejects_a_too_simple_password_with_a_chinese_message(client):
    user = UserFactory()
    client.force_login(user)
    response = _change(client, settings.DEMO_PASSWORD, "qingshanlushui")
    assert response.status_code == 200
    assert "密码须包含大写字母、小写字母、数字、特殊字符中的至少三类" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(settings.DEMO_PASSWORD)


def test_it_rejects_a_short_password_with_a_chinese_message(client):
    client.force_login(UserFactory())
    response = _change(client, settings.DEMO_PASSWORD, "Ab1!xy")
    page = response.content.decode()
    assert "密码太短，至少需要 10 个字符" in page
    # Said under 新密码, where it was typed, not under 新密码确认.
    assert response.context["form"].errors.keys() == {"new_password1"}
    assert page.index("密码太短") < page.index('id="id_new_password2"')


def test_it_rejects_keeping_the_current_password(client):
    user = UserFactory()
    client.force_login(user)
    before = user.password_changed_at
    response = _change(client, settings.DEMO_PASSWORD, settings.DEMO_PASSWORD)
    assert "新密码不能与当前密码相同" in response.content.decode()
    user.refresh_from_db()
    assert user.password_changed_at == before


def test_it_accepts_a_strong_password_and_audits_the_change(client):
    user = UserFactory()
    client.force_login(user)
    response = _change(client, settings.DEMO_PASSWORD, STRONG)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert Event.objects.filter(verb="auth.password_changed", actor=user).exists()


def test_it_sends_a_user_with_an_expired_password_to_the_change_page(client):
    user = UserFactory()
    user.password_changed_at = timezone.now() - dt.timedelta(
        days=settings.PASSWORD_MAX_AGE_DAYS + 1
    )
    user.save()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change")
    page = client.get(reverse("password_change")).content.decode()
    assert "密码已超过 90 天未修改" in page
    _change(client, settings.DEMO_PASSWORD, STRONG)
    assert client.get(reverse("home")).status_code == 200


def test_it_lets_a_password_younger_than_the_limit_through(client):
    user = UserFactory()
    user.password_changed_at = timezone.now() - dt.timedelta(
        days=settings.PASSWORD_MAX_AGE_DAYS - 1
    )
    user.save()
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200


def test_it_forces_a_new_account_to_change_its_password_first(client):
    user = UserFactory(must_change_password=True)
    client.force_login(user)
    assert client.get(reverse("home"))["Location"] == reverse("password_change")
    assert "请先修改密码后再继续使用" in client.get(reverse("password_change")).content.decode()
    _change(client, settings.DEMO_PASSWORD, STRONG)
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(reverse("home")).status_code == 200


# --- Lockout -----------------------------------------------------------------------------


def test_it_locks_an_account_after_five_failures_even_against_the_right_password(client):
    district = make_org()
    user = user_with_role(Role.OFFICE, district, username="liming")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "liming", "wrong-Password1")
    response = _login(client, "liming")
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    assert "30 分钟" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302  # not logged in
    assert Event.objects.filter(verb="auth.locked_out", note="liming").exists()
    assert Event.objects.filter(verb="auth.login_failed", organisation=district).count() >= 5
    assert not Event.objects.filter(verb="auth.login", actor=user).exists()


def test_it_lets_the_security_admin_unlock_a_locked_account(client):
    district = make_org()
    admin = user_with_role(Role.SECURITY_ADMIN, district)
    user = user_with_role(Role.OFFICE, district, username="liming")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "liming", "wrong-Password1")

    admin_client = Client()
    admin_client.force_login(admin)
    listing = admin_client.get(reverse("users")).content.decode()
    assert "已锁定" in listing
    response = admin_client.post(reverse("user_unlock", args=[user.pk]))
    assert response.status_code == 302
    assert Event.objects.filter(verb="user.unlock", actor=admin, object_id=str(user.pk)).exists()

    assert _login(client, "liming").status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_it_does_not_lock_other_accounts_behind_the_same_address(client):
    UserFactory(username="liming")
    UserFactory(username="wangfang")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "liming", "wrong-Password1")
    assert _login(client, "wangfang").status_code == 302


def test_it_refuses_an_address_that_tries_a_few_passwords_at_many_accounts(client, settings):
    """Password spraying stays under every account's limit; the address's total does not."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    names = [f"staff{n}" for n in range(6)]
    for name in names:
        UserFactory(username=name)
    for name in names:
        for _ in range(2):  # under the per-account limit of five
            assert _login(client, name, "wrong-Password1").status_code == 200
    response = _login(client, names[0])  # even the right password
    assert response.status_code == 429
    assert "登录已暂停" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302
    _login(client, names[1])
    assert Event.objects.filter(verb="auth.address_blocked", note="127.0.0.1").count() == 1
    # Another address (a colleague's machine) logs in as usual.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert _login(other, names[2]).status_code == 302
    # The block ends with the cool-off.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        assert _login(client, names[0]).status_code == 302


# --- Idle session -----------------------------------------------------------------------


def test_it_ends_a_session_left_idle_past_the_limit(client):
    user = UserFactory()
    idle = settings.SESSION_COOKIE_AGE
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(user)
        assert client.get(reverse("home")).status_code == 200
        clock.shift(dt.timedelta(seconds=idle - 60))
        assert client.get(reverse("home")).status_code == 200  # activity renews the session
        clock.shift(dt.timedelta(seconds=idle - 60))
        assert client.get(reverse("home")).status_code == 200
        clock.shift(dt.timedelta(seconds=idle + 60))
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Django admin -----------------------------------------------------------------------


def test_it_does_not_mount_the_django_admin_when_debug_is_off(settings):
    import xieshang.urls

    settings.DEBUG = False
    clear_url_caches()
    importlib.reload(xieshang.urls)
    try:
        with pytest.raises(Resolver404):
            resolve("/admin/")
    finally:
        clear_url_caches()
        importlib.reload(xieshang.urls)


# --- Staff second factor -----------------------------------------------------------------


@pytest.fixture
def two_factor(settings):
    settings.STAFF_2FA_REQUIRED = True


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.now(), tick=False) as clock:
        yield clock


def test_it_sends_a_staff_user_without_a_device_to_setup(client, two_factor, frozen):
    clerk = user_with_role(Role.OFFICE, make_org(), username="clerk")
    assert _login(client, "clerk").status_code == 302
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_setup"))
    # The password alone opens nothing else, not even the password page.
    assert client.get(reverse("password_change"))["Location"].startswith(reverse("otp_setup"))

    page = client.get(response["Location"]).content.decode()
    device = TotpDevice.objects.get(user=clerk)
    assert device.confirmed_at is None
    assert device.secret[:4] in page and "otpauth://totp/" in page

    wrong = client.post(reverse("otp_setup"), {"code": "000000", "next": "/"})
    assert "动态口令不正确" in wrong.content.decode()
    response = client.post(
        reverse("otp_setup"), {"code": pyotp.TOTP(device.secret).now(), "next": "/"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed_at is not None
    assert Event.objects.filter(verb="auth.otp_enrolled", actor=clerk).exists()


def test_it_asks_a_staff_user_with_a_device_for_a_valid_code(client, two_factor, frozen):
    clerk = user_with_role(Role.OFFICE, make_org(), username="clerk")
    device = TotpDevice.objects.create(
        user=clerk, secret=pyotp.random_base32(32), confirmed_at=timezone.now()
    )
    _login(client, "clerk")
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("otp_verify"))

    bad = client.post(reverse("otp_verify"), {"code": "12345"})
    assert "动态口令为6位数字" in bad.content.decode()
    code = pyotp.TOTP(device.secret).now()
    assert client.post(reverse("otp_verify"), {"code": code}).status_code == 302
    assert client.get(reverse("home")).status_code == 200

    # The same code cannot be used again, in another session.
    other = Client()
    _login(other, "clerk")
    replay = other.post(reverse("otp_verify"), {"code": code})
    assert replay.status_code == 200
    assert "动态口令不正确或已使用" in replay.content.decode()
    assert other.get(reverse("home")).status_code == 302


def test_it_logs_out_after_too_many_wrong_codes(client, two_factor, frozen):
    clerk = user_with_role(Role.OFFICE, make_org(), username="clerk")
    TotpDevice.objects.create(
        user=clerk, secret=pyotp.random_base32(32), confirmed_at=timezone.now()
    )
    _login(client, "clerk")
    for _ in range(5):
        response = client.post(reverse("otp_verify"), {"code": "000000"})
    assert response["Location"] == reverse("login")
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert Event.objects.filter(verb="auth.otp_failed", actor=clerk).count() == 5


def test_it_counts_wrong_codes_per_account_and_locks_it_like_the_password(
    client, two_factor, frozen
):
    """Finding 5 of the security probe: the count lived in the session, so logging in
    again with the password gave five more guesses (20 wrong codes in 3 s, no lockout)."""
    district = make_org()
    clerk = user_with_role(Role.OFFICE, district, username="clerk")
    device = TotpDevice.objects.create(
        user=clerk, secret=pyotp.random_base32(32), confirmed_at=timezone.now()
    )
    limit = settings.AXES_FAILURE_LIMIT
    guesses = 0
    for _attempt in range(4):  # a fresh password login each time, as the attacker did
        fresh = Client()
        if _login(fresh, "clerk").status_code != 302:
            break
        for _ in range(2):
            response = fresh.post(reverse("otp_verify"), {"code": "000000"})
            guesses += 1
            if response.status_code == 302:
                break
    assert guesses == limit
    assert Event.objects.filter(verb="auth.otp_failed", actor=clerk).count() == limit
    assert Event.objects.filter(verb="auth.locked_out", object_id=str(clerk.pk)).exists()
    # Locked like a password lockout: even the right password and the right code fail.
    locked = _login(client, "clerk")
    assert locked.status_code == 429
    assert "账号已锁定" in locked.content.decode()
    # The security administrator's unlock opens it again, with a fresh count.
    admin = Client()
    admin.force_login(user_with_role(Role.SECURITY_ADMIN, district))
    session = admin.session
    session["xs_otp_ok"] = True
    session.save()
    assert admin.post(reverse("user_unlock", args=[clerk.pk])).status_code == 302
    assert _login(client, "clerk").status_code == 302
    code = pyotp.TOTP(device.secret).now()
    assert client.post(reverse("otp_verify"), {"code": code}).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_it_does_not_ask_members_for_a_second_factor(client, two_factor):
    user_with_role(Role.MEMBER, make_org(), username="weiyuan")
    _login(client, "weiyuan")
    assert client.get(reverse("home")).status_code == 200


def test_it_does_not_ask_anyone_for_a_code_when_the_setting_is_off(client):
    assert settings.STAFF_2FA_REQUIRED is False
    user_with_role(Role.OFFICE, make_org(), username="clerk")
    _login(client, "clerk")
    assert client.get(reverse("home")).status_code == 200


def test_it_lets_the_security_admin_reset_a_lost_device(client, two_factor, frozen):
    district = make_org()
    admin = user_with_role(Role.SECURITY_ADMIN, district)
    clerk = user_with_role(Role.OFFICE, district, username="clerk")
    TotpDevice.objects.create(user=clerk, secret="A" * 32, confirmed_at=timezone.now())
    client.force_login(admin)
    session = client.session  # the admin has given their own second factor
    session["xs_otp_ok"] = True
    session.save()
    client.post(reverse("user_otp_reset", args=[clerk.pk]))
    assert not TotpDevice.objects.filter(user=clerk).exists()
    assert Event.objects.filter(verb="user.otp_reset", actor=admin).exists()


# --- Pages in Chinese, on a phone ---------------------------------------------------------


def test_it_shows_the_login_page_in_chinese_with_labelled_fields(client):
    page = client.get(reverse("login")).content.decode()
    assert '<label class="form-label" for="id_username">用户名</label>' in page
    assert '<label class="form-label" for="id_password">密码</label>' in page
    assert 'name="viewport"' in page


def test_it_says_in_chinese_when_the_password_is_wrong(client):
    UserFactory(username="liming")
    page = _login(client, "liming", "wrong-Password1").content.decode()
    assert "请输入一个正确的用户名和密码" in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_takes_a_new_user_through_the_forced_password_change_on_a_phone(phone_page):
    from tests.conftest import login

    UserFactory(username="xinren", must_change_password=True)
    login(phone_page, "xinren")
    assert phone_page.get_by_role("heading", name="修改密码").is_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.screen.width")
    phone_page.get_by_label("旧密码").fill(settings.DEMO_PASSWORD)
    phone_page.get_by_label("新密码", exact=True).fill("abcdefghijkl")
    phone_page.get_by_label("新密码确认").fill("abcdefghijkl")
    phone_page.get_by_role("button", name="确认修改").click()
    phone_page.wait_for_load_state()
    assert phone_page.get_by_text(
        "密码须包含大写字母、小写字母、数字、特殊字符中的至少三类"
    ).first.is_visible()
    phone_page.get_by_label("旧密码").fill(settings.DEMO_PASSWORD)
    phone_page.get_by_label("新密码", exact=True).fill(STRONG)
    phone_page.get_by_label("新密码确认").fill(STRONG)
    phone_page.get_by_role("button", name="确认修改").click()
    phone_page.wait_for_load_state()
    assert phone_page.get_by_text("密码已修改").is_visible()
    assert "您好" in phone_page.content()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_shows_the_lockout_page_on_a_phone(phone_page):
    from tests.conftest import login

    UserFactory(username="liming")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(phone_page, "liming", "wrong-Password1")
    login(phone_page, "liming")
    assert phone_page.get_by_role("heading", name="账号已锁定").is_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.screen.width")


def test_the_favicon_is_served_and_linked(client):
    """Issue 10: every new session logged a favicon 404."""
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content if icon.streaming else [icon.content])
    assert 'rel="icon"' in client.get(reverse("login")).content.decode()
