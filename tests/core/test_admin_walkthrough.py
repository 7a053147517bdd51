"""What the three administrators met playing the account lifecycle (三员分立, SPEC security
baseline): the auditor reads an account's deactivation and an API token's revocation in words
(启用→已停用, 有效→已撤销), can pick them in the action filter, and a refused page names the
security administrator, who assigns roles. A deactivation says why (the audit trail's 说明),
and the account page shows the security administrator when it last logged in, when its
password changed and its phone, masked."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_org, user_with_role
from xieshang.core import api_tokens, services
from xieshang.core.models import Event
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    return make_org("示范区政协", Level.DISTRICT)


def _rows(client, **params) -> list[str]:
    html = client.get(reverse("audit_log"), params).content.decode()
    table = re.search(r'<table[^>]*id="audit-table".*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]


def test_the_auditor_reads_account_and_token_changes_in_words(district):
    secadmin = user_with_role(Role.SECURITY_ADMIN, district, full_name="上官凝雪")
    clerk = user_with_role(Role.OFFICE, district, full_name="张青")
    token, _raw = api_tokens.issue(actor=clerk, name="报表同步", days=90)
    api_tokens.revoke(actor=secadmin, token=token, reason="离岗交接")
    services.user_set_active(actor=secadmin, user=clerk, active=False, reason="调离本单位")
    auditor = Client()
    auditor.force_login(user_with_role(Role.AUDIT_ADMIN, district))

    text = " | ".join(_rows(auditor))
    assert "撤销接口令牌 有效→已撤销" in text
    assert "申请接口令牌 —→有效" in text
    assert "停用账号 启用→已停用" in text and "调离本单位" in text
    assert "api_token" not in text and "inactive" not in text and "revoked" not in text

    # The action filter offers them, under 登录与账号, and filters by them.
    html = auditor.get(reverse("audit_log")).content.decode()
    select = re.search(r'<select[^>]*name="verb".*?</select>', html, re.S).group(0)
    groups = dict(re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S))
    assert 'value="api_token.revoke"' in groups["登录与账号"]
    revoked = _rows(auditor, verb="api_token.revoke")
    assert len(revoked) == 1 and "离岗交接" in revoked[0]
    assert Event.objects.filter(verb="api_token.revoke").count() == 1


def test_the_export_names_the_states_too(district):
    secadmin = user_with_role(Role.SECURITY_ADMIN, district)
    clerk = user_with_role(Role.OFFICE, district)
    services.user_set_active(actor=secadmin, user=clerk, active=False, reason="调离本单位")
    from xieshang.core.audit_export import states

    event = Event.objects.get(verb="user.deactivate")
    assert states(event) == ("启用", "已停用")


def test_a_refused_page_sends_the_user_to_the_security_administrator(client, district):
    """Roles are assigned by the security administrator (security.manage), not the system
    administrator, whom the 403 page used to name."""
    client.force_login(user_with_role(Role.MEMBER, district))
    response = client.get(reverse("users"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "请联系本单位的安全管理员分配相应角色" in body
    assert "系统管理员分配" not in body


def test_a_deactivation_without_a_reason_is_refused_and_changes_nothing(client, district):
    client.force_login(user_with_role(Role.SECURITY_ADMIN, district))
    clerk = user_with_role(Role.OFFICE, district, full_name="张青")
    url = reverse("user_set_active", args=[clerk.pk])
    response = client.post(url, {"active": "0", "reason": "  "}, follow=True)
    assert "请填写停用原因" in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.is_active
    assert not Event.objects.filter(verb="user.deactivate").exists()

    client.post(url, {"active": "0", "reason": "调离本单位"})
    clerk.refresh_from_db()
    assert not clerk.is_active
    assert Event.objects.get(verb="user.deactivate").note == "调离本单位"
    # Reactivating needs no reason.
    client.post(url, {"active": "1"})
    clerk.refresh_from_db()
    assert clerk.is_active


def test_the_account_page_shows_last_login_password_change_and_the_phone_masked(client, district):
    client.force_login(user_with_role(Role.SECURITY_ADMIN, district))
    clerk = user_with_role(Role.OFFICE, district, phone="13912345678")
    body = client.get(reverse("user_detail", args=[clerk.pk])).content.decode()
    facts = re.search(r'<dl[^>]*id="account-facts".*?</dl>', body, re.S).group(0)
    assert "从未登录" in facts and "139****5678" in facts
    assert "13912345678" not in body
    Client().force_login(clerk)  # a login stamps last_login
    clerk.refresh_from_db()
    assert clerk.last_login is not None
    facts = re.search(
        r'<dl[^>]*id="account-facts".*?</dl>',
        client.get(reverse("user_detail", args=[clerk.pk])).content.decode(),
        re.S,
    ).group(0)
    assert "从未登录" not in facts and "年" in facts
