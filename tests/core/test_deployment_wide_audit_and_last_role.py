"""Tester F4 and F7 (security): what belongs to no organisation must reach someone.

F4: failed logins of unknown user names, backups and audit verifications carry no
organisation; in a district deployment (bare city and province nodes above the district, as
in the demo) the district auditor is the highest one and must see them, in the list, its
filters and the export. An auditor with one above them still does not.

F7: revoking an account's last role left it active, able to log in, and out of every
security administrator's reach (and an auditor's duty, given only at creation, gone for
good). The last role is refused with a reason; accounts already without a role are listed
for the highest security administrator.
"""

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import UserFactory, make_org, user_with_role
from xieshang.core import services
from xieshang.core.models import Event
from xieshang.orgs.models import Level, Role, RoleAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_tree():
    """The demo's shape: province → city → district, administrators only at the district."""
    province = make_org("示范省政协", Level.PROVINCE)
    city = make_org("示范市政协", Level.CITY, province)
    district = make_org("示范区政协", Level.DISTRICT, city)
    Event.objects.all()._raw_delete(Event.objects.db)  # drop the org.create rows
    return province, city, district


def _seen(client, **params):
    response = client.get(reverse("audit_log"), params)
    assert response.status_code == 200
    return {e.pk for e in response.context["page"]}


# --- F4 ---------------------------------------------------------------------------------


def test_the_district_auditor_of_a_district_deployment_sees_failed_logins_of_unknown_names(
    client, demo_tree
):
    _province, _city, district = demo_tree
    Client().post(reverse("login"), {"username": "nosuchuser_xyz", "password": "wrong-Pass1"})
    ghost = Event.objects.get(verb="auth.login_failed", note="nosuchuser_xyz")
    assert ghost.organisation is None
    backup = Event.objects.create(verb="backup.create", note="全库备份")
    client.force_login(user_with_role(Role.AUDIT_ADMIN, district))

    assert ghost.pk in _seen(client, q="nosuchuser_xyz")
    assert _seen(client, verb="auth.login_failed") == {ghost.pk}
    assert _seen(client, verb="backup.create") == {backup.pk}
    # The export carries them too.
    response = client.get(reverse("audit_export"), {"verb": "backup.create"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[3] for r in rows[1:]] == ["backup.create"]


def test_an_auditor_with_one_above_does_not_see_what_belongs_to_no_organisation(client, demo_tree):
    _province, city, district = demo_tree
    ghost = Event.objects.create(verb="auth.login_failed", note="ghost")
    client.force_login(user_with_role(Role.AUDIT_ADMIN, district))
    city_auditor = user_with_role(Role.AUDIT_ADMIN, city)  # the one who reviews them
    assert ghost.pk not in _seen(client)
    top = Client()
    top.force_login(city_auditor)
    assert ghost.pk in _seen(top)


def test_the_security_administrator_of_a_district_deployment_sees_the_auditors_own_checks(
    client, demo_tree
):
    """audit.verify run by the auditor belongs to no organisation: the security
    administrator, who reviews the auditor's actions (三员分立), sees it."""
    district = demo_tree[2]
    auditor = user_with_role(Role.AUDIT_ADMIN, district)
    check = Event.objects.create(
        verb="audit.verify",
        actor=auditor,
        actor_name="审计员",
        data={"checked": 1, "unsealed": 0, "broken_at": None, "missing_after": None},
    )
    client.force_login(user_with_role(Role.SECURITY_ADMIN, district))
    assert check.pk in _seen(client, verb="audit.verify")


def test_the_log_still_costs_a_fixed_number_of_queries(client, demo_tree):
    district = demo_tree[2]
    client.force_login(user_with_role(Role.AUDIT_ADMIN, district))
    client.get(reverse("audit_log"))  # renews the session: not written again within a minute

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("audit_log")).status_code == 200
        return len(ctx.captured_queries)

    Event.objects.create(verb="auth.login_failed", note="a")
    Event.objects.create(verb="member.update", organisation=district, note="a")
    few = queries()
    for i in range(20):
        Event.objects.create(verb="auth.login_failed", note=f"b{i}")
        Event.objects.create(verb="member.update", organisation=district, note=f"c{i}")
    assert queries() == few


# --- F7 ---------------------------------------------------------------------------------


@pytest.fixture
def secadmin(demo_tree):
    return user_with_role(Role.SECURITY_ADMIN, demo_tree[2])


@pytest.fixture
def sec_client(client, secadmin):
    client.force_login(secadmin)
    return client


def test_revoking_an_accounts_last_role_is_refused_and_it_stays_manageable(sec_client, demo_tree):
    district = demo_tree[2]
    liaison = user_with_role(Role.LIAISON, district, username="sec_test_twotabs")
    [only] = RoleAssignment.objects.filter(user=liaison)
    page = sec_client.get(reverse("user_detail", args=[liaison.pk])).content.decode()
    assert "唯一角色，不能撤销；不再使用请停用账号" in page
    assert reverse("user_role_remove", args=[liaison.pk, only.pk]) not in page

    response = sec_client.post(
        reverse("user_role_remove", args=[liaison.pk, only.pk]),
        {"reason": "测试撤销唯一角色"},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "不能撤销该账号的最后一个角色" in html and "请停用账号" in html
    assert "角色已撤销" not in html
    assert RoleAssignment.objects.filter(pk=only.pk).exists()
    assert not Event.objects.filter(verb="user.role_remove").exists()
    listed = sec_client.get(reverse("users"), {"q": "sec_test_twotabs"})
    assert [u.pk for u in listed.context["page"]] == [liaison.pk]

    # Given a second role first, the first one can go (调岗).
    sec_client.post(
        reverse("user_detail", args=[liaison.pk]),
        {"organisation": district.pk, "role": Role.OFFICE, "department": "", "committee": ""},
    )
    sec_client.post(reverse("user_role_remove", args=[liaison.pk, only.pk]))
    assert set(RoleAssignment.objects.filter(user=liaison).values_list("role", flat=True)) == {
        Role.OFFICE
    }


def test_the_only_auditors_duty_cannot_be_revoked(sec_client, secadmin, demo_tree):
    district = demo_tree[2]
    auditor = user_with_role(Role.AUDIT_ADMIN, district, username="sec_test_auditor2")
    duty = RoleAssignment.objects.get(user=auditor)
    response = sec_client.post(reverse("user_role_remove", args=[auditor.pk, duty.pk]), follow=True)
    assert "不能撤销：这是该账号唯一的管理员职责" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=duty.pk).exists()
    # (Deactivating the district's only auditor is refused too:
    # tests/core/test_last_duty_holder.py.) The service refuses the revocation as the page.
    with pytest.raises(services.Refused, match="唯一的管理员职责"):
        services.role_remove(actor=secadmin, assignment=duty)


def test_an_account_already_without_a_role_is_listed_for_the_district_security_administrator(
    sec_client, demo_tree
):
    orphan = UserFactory(username="orphan_account")  # lost its role before this fix
    listed = sec_client.get(reverse("users"), {"q": "orphan_account"})
    assert [u.pk for u in listed.context["page"]] == [orphan.pk]
    assert sec_client.get(reverse("user_detail", args=[orphan.pk])).status_code == 200
    response = sec_client.post(
        reverse("user_detail", args=[orphan.pk]),
        {"organisation": demo_tree[2].pk, "role": Role.LIAISON, "department": "", "committee": ""},
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=orphan, role=Role.LIAISON).exists()


def test_a_security_administrator_with_one_above_does_not_list_role_less_accounts(demo_tree):
    _province, city, district = demo_tree
    user_with_role(Role.SECURITY_ADMIN, city)
    client = Client()
    client.force_login(user_with_role(Role.SECURITY_ADMIN, district))
    orphan = UserFactory(username="orphan_account")
    assert orphan.pk not in {u.pk for u in client.get(reverse("users")).context["page"]}
    assert client.get(reverse("user_detail", args=[orphan.pk])).status_code == 404
