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


@pytest.mark.clause("C2.9")
def test_a_city_clerk_runs_the_city_and_its_streets_but_only_reads_the_districts(tree):
    """A higher committee receives roll-ups and reports: its office does not edit, decide
    for or read the personal data of a district's members; the district's own office does."""
    city, east, west, street = tree
    city_street = make_org("江城街道", Level.STREET, city)
    clerk = user_with_role(Role.OFFICE, city)
    for perm in ("members.edit", "members.view_pii", "members.export", "meetings.manage"):
        assert access.can(clerk, perm, city) and access.can(clerk, perm, city_street), perm
        for org in (east, west, street):
            assert not access.can(clerk, perm, org), (perm, org)
        assert access.can(user_with_role(Role.OFFICE, east), perm, street), perm
    for org in (east, west, street):
        assert access.can(clerk, "members.view", org)
    # Querysets agree with can(): the city's members to edit, everyone's to read.
    mine = MemberFactory(organisation=city, name="市委员")
    theirs = MemberFactory(organisation=street, name="街道委员")
    assert set(access.scope(Member.objects.all(), clerk, "members.edit")) == {mine}
    assert set(access.scope(Member.objects.all(), clerk, "members.view")) == {mine, theirs}
    assert set(access.organisations(clerk, "members.edit")) == {city, city_street}


def test_a_province_clerk_writes_only_at_the_province_and_its_administrators_everywhere():
    province = make_org("江南省政协", Level.PROVINCE)
    city = make_org("江城市政协", Level.CITY, province)
    east = make_org("东湖区政协", Level.DISTRICT, city)
    street = make_org("东湖街道", Level.STREET, east)
    clerk = user_with_role(Role.OFFICE, province)
    assert access.can(clerk, "members.edit", province)
    assert not any(access.can(clerk, "members.edit", o) for o in (city, east, street))
    assert access.can(clerk, "members.view", street)
    secadmin = user_with_role(Role.SECURITY_ADMIN, province)
    assert access.can(secadmin, "security.manage", street)


def test_roles_at_the_city_and_at_a_district_both_count(tree):
    """A clerk who also serves one district's office edits there, not in the other."""
    city, east, west, street = tree
    clerk = user_with_role(Role.OFFICE, city)
    RoleAssignment.objects.create(user=clerk, organisation=east, role=Role.OFFICE)
    access.forget(clerk)
    assert access.can(clerk, "members.edit", street)
    assert not access.can(clerk, "members.edit", west)
    assert set(access.organisations(clerk, "members.edit")) == {city, east, street}


def test_a_city_clerk_reads_a_district_members_page_masked_and_cannot_edit_it(tree, client):
    city, east, _west, _street = tree
    member = MemberFactory(organisation=east, name="区委员", id_number="110101198001011234")
    client.force_login(user_with_role(Role.OFFICE, city))
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert "区委员" in page and "110101198001011234" not in page
    assert client.get(f"/members/{member.pk}/edit/").status_code in (403, 404)
    client.force_login(user_with_role(Role.OFFICE, east))
    assert "110101198001011234" in client.get(f"/members/{member.pk}/").content.decode()


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
    # Nobody holds the duty above the district (a district deployment under bare city and
    # province nodes): its administrator is the top one and keeps the role-less accounts.
    seen = set(access.scoped_users(admin))
    assert mine in seen and admin in seen and roleless in seen
    assert theirs not in seen
    top = user_with_role(Role.SECURITY_ADMIN, city)
    del admin._xs_top_level  # kept for a request; the city's administrator came since
    seen = set(access.scoped_users(admin))
    assert mine in seen and theirs not in seen
    assert roleless not in seen
    assert {mine, theirs, roleless} <= set(access.scoped_users(top))


def test_role_holders_are_the_active_holders_of_any_of_the_roles_at_the_node_itself(tree):
    """Whom a notice to a node's office (or chair...) reaches: each active account holding
    one of the roles there, once, in account order; not a deactivated account, not the
    holders of another role, not those holding the role above, below or beside the node."""
    city, east, west, street = tree
    office = user_with_role(Role.OFFICE, east)
    chair = user_with_role(Role.CHAIR, east)
    RoleAssignment.objects.create(user=chair, organisation=east, role=Role.OFFICE)
    left = user_with_role(Role.OFFICE, east, is_active=False)
    user_with_role(Role.SUPERVISOR, east)
    user_with_role(Role.OFFICE, city)
    user_with_role(Role.OFFICE, west)
    user_with_role(Role.OFFICE, street)

    assert list(access.role_holders(east, Role.OFFICE)) == [office, chair]
    assert list(access.role_holders(east, Role.OFFICE, Role.CHAIR)) == [office, chair]
    assert list(access.role_holders(east.pk, Role.CHAIR)) == [chair]
    assert left not in access.role_holders(east, Role.OFFICE)
    # Several nodes: a proposal's organisation and the levels above it.
    city_office = access.role_holders(city, Role.OFFICE).get()
    assert list(access.role_holders(east.ancestor_ids(), Role.OFFICE)) == [
        office,
        chair,
        city_office,
    ]
    assert not access.role_holders(east)
