"""core.access: who may do what, where in the organisation tree."""

import pytest

from tests.factories import MemberFactory, UserFactory, make_org, user_with_role
from xieshang.core import access
from xieshang.members.models import Member
from xieshang.orgs.models import Level, Role, RoleAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    city = make_org("江城市政协", Level.CITY)
    east = make_org("东湖区政协", Level.DISTRICT, city)
    west = make_org("西山区政协", Level.DISTRICT, city)
    street = make_org("东湖街道", Level.STREET, east)
    return city, east, west, street


@pytest.mark.clause("C2.9")
def test_it_lets_a_district_clerk_see_members_of_their_district_only(tree):
    city, east, west, street = tree
    clerk = user_with_role(Role.OFFICE, east)
    assert access.can(clerk, "members.view", east)
    assert access.can(clerk, "members.view", street)
    assert not access.can(clerk, "members.view", west)
    assert not access.can(clerk, "members.view", city)


@pytest.mark.clause("C2.9")
def test_it_lets_a_city_clerk_see_members_of_every_child_district(tree):
    city, east, west, street = tree
    clerk = user_with_role(Role.OFFICE, city)
    for org in (city, east, west, street):
        assert access.can(clerk, "members.view", org)


def test_it_grants_nothing_through_a_role_of_another_kind(tree):
    city, east, west, street = tree
    member = user_with_role(Role.MEMBER, east)
    department = user_with_role(Role.DEPARTMENT_LEADER, east)
    auditor = user_with_role(Role.AUDIT_ADMIN, city)
    for user in (member, department, auditor):
        assert not access.can(user, "members.view", east)
        assert not access.can(user, "members.view")
    with pytest.raises(access.PermissionDenied):
        access.require(member, "members.view", east)


def test_it_grants_nothing_to_an_account_without_roles(tree):
    nobody = UserFactory()
    assert not access.can(nobody, "members.view")
    assert access.roles(nobody) == set()
    assert list(access.scope(Member.objects.all(), nobody, "members.view")) == []


@pytest.mark.clause("C2.9")
def test_it_scopes_querysets_to_the_users_subtree(tree):
    city, east, west, street = tree
    in_east = MemberFactory(organisation=east, name="甲")
    in_street = MemberFactory(organisation=street, name="乙")
    in_west = MemberFactory(organisation=west, name="丙")
    in_city = MemberFactory(organisation=city, name="丁")
    east_clerk = user_with_role(Role.OFFICE, east)
    city_clerk = user_with_role(Role.OFFICE, city)

    east_seen = set(access.scope(Member.objects.all(), east_clerk, "members.view"))
    assert east_seen == {in_east, in_street}
    city_seen = set(access.scope(Member.objects.all(), city_clerk, "members.view"))
    assert city_seen == {in_east, in_street, in_west, in_city}


def test_it_unions_the_scope_of_roles_held_in_two_districts(tree):
    city, east, west, street = tree
    MemberFactory(organisation=east)
    MemberFactory(organisation=west)
    MemberFactory(organisation=city)
    clerk = user_with_role(Role.OFFICE, east)
    RoleAssignment.objects.create(user=clerk, organisation=west, role=Role.OFFICE)
    clerk = type(clerk).objects.get(pk=clerk.pk)  # drop the per-request role cache
    seen = access.scope(Member.objects.all(), clerk, "members.view")
    assert {m.organisation for m in seen} == {east, west}


def test_it_does_not_confuse_sibling_paths_that_share_a_prefix(tree):
    """Paths are fixed-width with a trailing dot, so node 1 never matches node 12."""
    city, *_ = tree
    orgs = [make_org(f"区{i}", Level.DISTRICT, city) for i in range(12)]
    clerk = user_with_role(Role.OFFICE, orgs[0])
    for other in orgs[1:]:
        assert not access.can(clerk, "members.view", other)


def test_it_does_not_make_the_superuser_an_auditor(tree):
    root = UserFactory(is_superuser=True)
    assert access.can(root, "members.view", tree[1])
    assert access.can(root, "security.manage")
    assert not access.can(root, "audit.view")
    assert not access.can(root, "audit.export")


def test_it_refuses_a_second_administrator_duty(tree):
    city, *_ = tree
    admin = user_with_role(Role.SECURITY_ADMIN, city)
    assert access.admin_duty_conflict(admin, Role.AUDIT_ADMIN) == Role.SECURITY_ADMIN
    assert access.admin_duty_conflict(admin, Role.SYSTEM_ADMIN) == Role.SECURITY_ADMIN
    assert access.admin_duty_conflict(admin, Role.SECURITY_ADMIN) is None


def test_an_administrator_duty_is_held_with_no_business_role(tree):
    """三员分立: an auditor who is also an office clerk reads the records they audit."""
    city, east, *_ = tree
    auditor = user_with_role(Role.AUDIT_ADMIN, city)
    assert access.admin_duty_conflict(auditor, Role.OFFICE) == Role.AUDIT_ADMIN
    clerk = user_with_role(Role.OFFICE, east)
    assert access.admin_duty_conflict(clerk, Role.AUDIT_ADMIN) == Role.OFFICE
    assert access.admin_duty_conflict(clerk, Role.MEMBER) is None


def test_it_treats_everyone_but_members_as_staff(tree):
    city, east, *_ = tree
    assert access.is_staff_user(user_with_role(Role.OFFICE, east))
    assert access.is_staff_user(user_with_role(Role.DEPARTMENT, east))
    assert not access.is_staff_user(user_with_role(Role.MEMBER, east))
    assert not access.is_staff_user(UserFactory())


def test_it_lists_only_accounts_in_the_security_admins_scope(tree):
    city, east, west, street = tree
    admin = user_with_role(Role.SECURITY_ADMIN, east)
    mine = user_with_role(Role.OFFICE, street)
    theirs = user_with_role(Role.OFFICE, west)
    roleless = UserFactory()
    seen = set(access.scoped_users(admin))
    assert mine in seen and admin in seen
    assert theirs not in seen
    assert roleless not in seen
    top = user_with_role(Role.SECURITY_ADMIN, city)
    assert {mine, theirs, roleless} <= set(access.scoped_users(top))
