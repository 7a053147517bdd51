"""Found by a tester playing the three administrators (三员分立): the audit trail of a locked
account, editing an account's name and phone, ending an account's open sessions, and the
reasons of unlocks, resets and role removals."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import make_org, user_with_role
from xieshang.core import services
from xieshang.core.models import Event
from xieshang.orgs.models import Role, RoleAssignment

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


# --- Name and mobile number of an account --------------------------------------------------


@pytest.fixture
def district():
    return make_org("东湖区政协")


@pytest.fixture
def admin_client(client, district):
    client.secadmin = user_with_role(Role.SECURITY_ADMIN, district, full_name="安全员")
    client.force_login(client.secadmin)
    return client


def _contact(client, user, full_name, phone=""):
    return client.post(
        reverse("user_contact", args=[user.pk]),
        {"contact-full_name": full_name, "contact-phone": phone},
    )


def test_the_security_admin_corrects_a_name_and_registers_a_phone_audited_masked(
    admin_client, district
):
    clerk = user_with_role(Role.OFFICE, district, username="clerk", full_name="张三", phone="")
    page = admin_client.get(reverse("user_detail", args=[clerk.pk])).content.decode()
    assert "姓名与手机号码" in page and 'value="张三"' in page
    response = _contact(admin_client, clerk, "张珊", "13900003333")
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert (clerk.full_name, clerk.phone) == ("张珊", "13900003333")
    event = Event.objects.get(verb="user.update", object_id=str(clerk.pk))
    assert event.note == "姓名：张三 → 张珊；手机号码：— → 139****3333"
    assert "13900003333" not in str(event.data)
    # The account page shows the number masked, and an empty phone field keeps it.
    page = admin_client.get(reverse("user_detail", args=[clerk.pk])).content.decode()
    assert "139****3333" in page and "13900003333" not in page
    assert _contact(admin_client, clerk, "张珊").status_code == 302
    clerk.refresh_from_db()
    assert clerk.phone == "13900003333"
    assert Event.objects.filter(verb="user.update").count() == 1  # nothing changed: no row


def test_a_refused_name_or_phone_shows_the_page_again_with_what_was_typed(admin_client, district):
    clerk = user_with_role(Role.OFFICE, district, username="clerk", full_name="张三", phone="")
    response = _contact(admin_client, clerk, "张珊", "1390000")
    assert response.status_code == 400
    body = response.content.decode()
    assert "请输入11位手机号码。" in body
    assert 'value="张珊"' in body and 'value="1390000"' in body
    assert _contact(admin_client, clerk, "", "13900003333").status_code == 400
    clerk.refresh_from_db()
    assert (clerk.full_name, clerk.phone) == ("张三", "")
    assert not Event.objects.filter(verb="user.update").exists()


def test_the_security_admin_registers_no_phone_on_an_administrator_account(admin_client, district):
    """三员分立: the auditor's temporary password goes to the phone on the account. A number
    the security administrator registered could be their own: register it on the auditor
    without one, reset the password, and the text brings them the auditor's password. So
    they neither register nor replace it (tester t-admin)."""
    from xieshang.core.sms import MemorySmsBackend

    MemorySmsBackend.outbox.clear()
    auditor = user_with_role(Role.AUDIT_ADMIN, district, username="auditor1", phone="")
    page = admin_client.get(reverse("user_detail", args=[auditor.pk])).content.decode()
    assert "由部署人员在服务器上登记" in page
    refused = _contact(admin_client, auditor, auditor.full_name, "13900004444")
    assert refused.status_code == 302  # the disabled field keeps the account's (empty) number
    auditor.refresh_from_db()
    assert auditor.phone == ""
    with pytest.raises(services.Refused, match="不能由安全管理员登记或更改"):
        services.user_update_contact(
            actor=admin_client.secadmin, user=auditor, full_name="审计员", phone="13900004444"
        )
    reset = admin_client.post(reverse("user_password_reset", args=[auditor.pk]), follow=True)
    assert "未登记手机号" in reset.content.decode()
    assert MemorySmsBackend.outbox == []
    auditor.refresh_from_db()
    assert auditor.phone == "" and auditor.check_password(settings.DEMO_PASSWORD)
    # The name is still corrected on the same form.
    assert _contact(admin_client, auditor, "审计员甲").status_code == 302
    auditor.refresh_from_db()
    assert auditor.full_name == "审计员甲"
    # One already registered is not replaced either.
    auditor.phone = "13900004444"
    auditor.save(update_fields=["phone"])
    _contact(admin_client, auditor, auditor.full_name, "13900005555")
    auditor.refresh_from_db()
    assert auditor.phone == "13900004444"


def test_an_account_outside_the_admins_scope_cannot_be_edited(admin_client):
    outsider = user_with_role(Role.OFFICE, make_org("西山区政协"), full_name="李四")
    assert _contact(admin_client, outsider, "王五", "13900006666").status_code == 404
    outsider.refresh_from_db()
    assert outsider.full_name == "李四"


# --- Open sessions: counted on the account page, ended by 强制下线 ----------------------------


def test_the_security_admin_sees_an_accounts_logins_and_ends_them_with_a_reason(
    admin_client, district
):
    clerk = user_with_role(Role.OFFICE, district, username="clerk")
    office, laptop = Client(), Client()
    for browser in (office, laptop):
        assert _login(browser, "clerk").status_code == 302
        assert browser.get(reverse("home")).status_code == 200
    page = admin_client.get(reverse("user_detail", args=[clerk.pk])).content.decode()
    assert "2 处登录中" in page and "强制下线" in page

    refused = admin_client.post(reverse("user_end_sessions", args=[clerk.pk]), {"reason": " "})
    assert refused.status_code == 302
    assert office.get(reverse("home")).status_code == 200  # nothing ended without a reason
    assert not Event.objects.filter(verb="user.sessions_end").exists()

    ended = admin_client.post(
        reverse("user_end_sessions", args=[clerk.pk]), {"reason": "笔记本电脑遗失"}, follow=True
    )
    assert "结束了 2 个登录" in ended.content.decode()
    for browser in (office, laptop):
        assert browser.get(reverse("home"))["Location"].startswith(reverse("login"))
    event = Event.objects.get(verb="user.sessions_end", object_id=str(clerk.pk))
    assert event.note == "笔记本电脑遗失" and event.data["sessions"] == 2
    # The administrator's own login is untouched; the account's page now says 未登录.
    page = admin_client.get(reverse("user_detail", args=[clerk.pk])).content.decode()
    assert "未登录" in page
    # The person logs in again as usual.
    assert _login(office, "clerk").status_code == 302


def test_sessions_of_an_account_outside_the_admins_scope_cannot_be_ended(admin_client):
    outsider = user_with_role(Role.OFFICE, make_org("西山区政协"), username="outsider")
    browser = Client()
    browser.force_login(outsider)
    response = admin_client.post(
        reverse("user_end_sessions", args=[outsider.pk]), {"reason": "试一下"}
    )
    assert response.status_code == 404
    assert browser.get(reverse("home")).status_code == 200


# --- Reasons of unlocks, resets and role removals -------------------------------------------


def test_an_unlock_a_reset_and_a_role_removal_keep_the_reason_given(admin_client, district):
    clerk = user_with_role(Role.OFFICE, district, username="clerk")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), "clerk", "wrong-Password1")
    admin_client.post(reverse("user_unlock", args=[clerk.pk]), {"reason": "本人电话确认"})
    admin_client.post(reverse("user_password_reset", args=[clerk.pk]), {"reason": "忘记密码"})
    ra = clerk.role_assignments.get()
    # Not the account's last role (that one is refused: it would leave the account unmanaged).
    RoleAssignment.objects.create(user=clerk, organisation=district, role=Role.CHAIR)
    admin_client.post(reverse("user_role_remove", args=[clerk.pk, ra.pk]), {"reason": "调岗"})
    assert Event.objects.get(verb="user.unlock").note == "本人电话确认"
    assert Event.objects.get(verb="user.password_reset").note == "忘记密码"
    assert Event.objects.get(verb="user.role_remove").note == "东湖区政协 · 政协办公室；原因：调岗"
    # The reason is optional: without one the note is as before.
    admin_client.post(reverse("user_password_reset", args=[clerk.pk]))
    assert Event.objects.filter(verb="user.password_reset", note="").count() == 1


def test_the_second_of_two_security_admins_correcting_a_name_is_refused_keeping_the_typing(
    admin_client, district
):
    import re

    from django.test import Client

    clerk = user_with_role(Role.OFFICE, district, username="clerk", full_name="张三", phone="")
    page = admin_client.get(reverse("user_detail", args=[clerk.pk])).content.decode()
    assert re.search(r'name="contact-was_name" value="张三"', page)
    assert 'name="contact-was_phone"' in page
    other = Client()
    other.force_login(user_with_role(Role.SECURITY_ADMIN, district, username="sec2"))
    data = {"contact-full_name": "张珊", "contact-phone": "", "contact-was_name": "张三"}
    assert other.post(reverse("user_contact", args=[clerk.pk]), data).status_code == 302

    data = {"contact-full_name": "张叁", "contact-phone": "13900003333"}
    data |= {"contact-was_name": "张三", "contact-was_phone": ""}
    refused = admin_client.post(reverse("user_contact", args=[clerk.pk]), data)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "该记录在您打开此页后已在其他窗口或由他人修改并保存" in page
    assert 'value="张叁"' in page and 'value="13900003333"' in page
    clerk.refresh_from_db()
    assert (clerk.full_name, clerk.phone) == ("张珊", "")
    # Having seen the other change, saving again replaces it on purpose.
    data["contact-was_name"] = re.search(r'name="contact-was_name" value="([^"]*)"', page).group(1)
    assert data["contact-was_name"] == "张珊"
    assert admin_client.post(reverse("user_contact", args=[clerk.pk]), data).status_code == 302
    clerk.refresh_from_db()
    assert (clerk.full_name, clerk.phone) == ("张叁", "13900003333")
