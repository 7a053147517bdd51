"""三员分立: the three administrator duties must each stay held by someone.

Revoking an account's last role, or an administrator's only duty, was refused already
(`services.last_role_refusal`); deactivating the only active holder of a duty was not, so
the only auditor could be switched off and nobody could read the audit log again. Now
deactivating the last active holder of a duty for an organisation (nobody else holding it
there or above) is refused with a message naming the duty, the account page says why
instead of offering the button, and a refusal writes no audit event (as a refused last-role
revocation writes none). A second holder there or above: allowed, audited as before.
"""

import pytest
from django.urls import reverse

from tests.factories import UserFactory, make_org, user_with_role
from xieshang.core import services
from xieshang.core.models import Event
from xieshang.orgs.models import Level, Role, RoleAssignment

pytestmark = pytest.mark.django_db

LABELS = {
    Role.SYSTEM_ADMIN: "系统管理员",
    Role.SECURITY_ADMIN: "安全管理员",
    Role.AUDIT_ADMIN: "审计管理员",
}


@pytest.fixture
def tree():
    """The demo's shape: province → city → district, administrators only at the district."""
    province = make_org("示范省政协", Level.PROVINCE)
    city = make_org("示范市政协", Level.CITY, province)
    district = make_org("示范区政协", Level.DISTRICT, city)
    return province, city, district


def _actor(duty, district):
    """Who deactivates: the district's security administrator; for the only security
    administrator, the installer's superuser (nobody else can reach that account)."""
    if duty == Role.SECURITY_ADMIN:
        return UserFactory(is_superuser=True)
    return user_with_role(Role.SECURITY_ADMIN, district)


def _deactivated():
    return Event.objects.filter(verb="user.deactivate")


@pytest.mark.parametrize("duty", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_the_only_holder_of_a_duty_cannot_be_deactivated(client, tree, duty):
    district = tree[2]
    actor = _actor(duty, district)
    holder = user_with_role(duty, district, username="sole_holder")
    label = LABELS[duty]

    with pytest.raises(services.Refused, match=f"唯一在用的{label}") as refused:
        services.user_set_active(actor=actor, user=holder, active=False, reason="离岗")
    assert "不能停用" in str(refused.value) and "示范区政协" in str(refused.value)
    holder.refresh_from_db()
    assert holder.is_active
    assert not _deactivated().exists()  # a refusal is not audited

    # The page says why and offers no deactivation; a stale page's post is refused, shown.
    client.force_login(actor)
    page = client.get(reverse("user_detail", args=[holder.pk])).content.decode()
    assert 'id="deactivate-refused"' in page and f"唯一在用的{label}" in page
    assert 'id="deactivate-reason"' not in page
    response = client.post(
        reverse("user_set_active", args=[holder.pk]),
        {"active": "0", "reason": "离岗"},
        follow=True,
    )
    html = response.content.decode()
    assert f"不能停用：该账号是示范区政协唯一在用的{label}" in html
    assert "账号已停用" not in html
    holder.refresh_from_db()
    assert holder.is_active
    assert not _deactivated().exists()


@pytest.mark.parametrize("where", ["same", "above"])
def test_with_a_second_holder_there_or_above_it_is_deactivated_and_audited(client, tree, where):
    _province, city, district = tree
    secadmin = user_with_role(Role.SECURITY_ADMIN, district)
    auditor = user_with_role(Role.AUDIT_ADMIN, district)
    user_with_role(Role.AUDIT_ADMIN, district if where == "same" else city)
    client.force_login(secadmin)
    page = client.get(reverse("user_detail", args=[auditor.pk])).content.decode()
    assert 'id="deactivate-refused"' not in page and 'id="deactivate-reason"' in page

    response = client.post(
        reverse("user_set_active", args=[auditor.pk]), {"active": "0", "reason": "调离本单位"}
    )
    assert response.status_code == 302
    auditor.refresh_from_db()
    assert not auditor.is_active
    [event] = _deactivated()
    assert (event.actor_id, event.object_id, event.from_state, event.to_state, event.note) == (
        secadmin.pk,
        str(auditor.pk),
        "active",
        "inactive",
        "调离本单位",
    )
    assert event.organisation_id == district.pk
    # Reactivating is never refused.
    services.user_set_active(actor=secadmin, user=auditor, active=True)
    auditor.refresh_from_db()
    assert auditor.is_active


def test_a_holder_below_or_a_deactivated_one_does_not_count(tree):
    province, city, district = tree
    secadmin = user_with_role(Role.SECURITY_ADMIN, province)
    auditor = user_with_role(Role.AUDIT_ADMIN, city)
    user_with_role(Role.AUDIT_ADMIN, district)  # reads the district only
    user_with_role(Role.AUDIT_ADMIN, city, is_active=False)
    with pytest.raises(services.Refused, match="示范市政协唯一在用的审计管理员"):
        services.user_set_active(actor=secadmin, user=auditor, active=False, reason="离岗")
    assert not _deactivated().exists()


def test_a_duty_held_at_two_organisations_keeps_a_holder_at_each(client, tree):
    """An account may hold its duty elsewhere too: revoking one of the grants passes the
    last-role rule, but must not leave that organisation without a holder either."""
    _province, city, district = tree
    other = make_org("示范二区政协", Level.DISTRICT, city)
    secadmin = user_with_role(Role.SECURITY_ADMIN, city)
    auditor = user_with_role(Role.AUDIT_ADMIN, district)
    there = RoleAssignment.objects.create(user=auditor, organisation=other, role=Role.AUDIT_ADMIN)
    client.force_login(secadmin)
    page = client.get(reverse("user_detail", args=[auditor.pk])).content.decode()
    assert f'id="sole-holder-{there.pk}"' in page
    assert reverse("user_role_remove", args=[auditor.pk, there.pk]) not in page

    response = client.post(reverse("user_role_remove", args=[auditor.pk, there.pk]), follow=True)
    assert "不能撤销：该账号是示范二区政协唯一在用的审计管理员" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=there.pk).exists()
    assert not Event.objects.filter(verb="user.role_remove").exists()

    user_with_role(Role.AUDIT_ADMIN, other)  # a second auditor there: the grant may go
    services.role_remove(actor=secadmin, assignment=there)
    assert not RoleAssignment.objects.filter(pk=there.pk).exists()
    assert Event.objects.filter(verb="user.role_remove", object_id=str(auditor.pk)).count() == 1
