"""A role is granted once: granting it again is refused, and revoking it takes it away.

The unique constraint on role assignments counted a NULL department and committee as
distinct (SQL does, on SQLite and PostgreSQL alike), so a security administrator could give a
user the same role twice; revoking one copy said 角色已撤销 while the user kept the role."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from tests.factories import DepartmentFactory, UserFactory, make_org, user_with_role
from xieshang.core import access
from xieshang.core.models import Event, User
from xieshang.orgs.models import Committee, Level, Role, RoleAssignment


@pytest.fixture
def tree(db):
    city = make_org("江城市政协", Level.CITY)
    east = make_org("东湖区政协", Level.DISTRICT, city)
    return city, east


def _assign(client, user, org, role, **extra):
    data = {"organisation": org.pk, "role": role, "department": "", "committee": "", **extra}
    return client.post(reverse("user_detail", args=[user.pk]), data)


def test_a_role_given_twice_is_refused_and_revoking_it_takes_it_away(client, tree):
    _city, east = tree
    client.force_login(user_with_role(Role.SECURITY_ADMIN, east))
    clerk = user_with_role(Role.CHAIR, east, username="clerk")

    first = client.post(
        reverse("user_detail", args=[clerk.pk]),
        {"organisation": east.pk, "role": Role.OFFICE, "department": "", "committee": ""},
        follow=True,
    )
    assert "角色已分配。" in first.content.decode()
    again = _assign(client, clerk, east, Role.OFFICE)
    assert again.status_code == 400
    assert "该用户在此组织已有这一角色。" in again.content.decode()
    assert "角色已分配" not in again.content.decode()
    [granted] = RoleAssignment.objects.filter(user=clerk, role=Role.OFFICE)
    assert Event.objects.filter(verb="user.role_assign").count() == 1

    removed = client.post(reverse("user_role_remove", args=[clerk.pk, granted.pk]), follow=True)
    assert "角色已撤销。" in removed.content.decode()
    # The user no longer holds the role: read afresh, as their next request would.
    assert Role.OFFICE not in access.roles(User.objects.get(pk=clerk.pk))
    assert access.roles(User.objects.get(pk=clerk.pk)) == {Role.CHAIR}
    assert Event.objects.filter(verb="user.role_remove", from_state=Role.OFFICE).count() == 1


def test_the_database_refuses_a_second_copy_of_a_grant_whatever_is_left_empty(tree):
    _city, east = tree
    user = UserFactory()
    department = DepartmentFactory(organisation=east)
    committee = Committee.objects.create(organisation=east, name="提案委员会")
    grants = [
        {"role": Role.OFFICE},
        {"role": Role.DEPARTMENT, "department": department},
        {"role": Role.COMMITTEE_STAFF, "committee": committee},
        {"role": Role.OFFICE, "department": department, "committee": committee},
    ]
    for grant in grants:
        RoleAssignment.objects.create(user=user, organisation=east, **grant)
        with pytest.raises(IntegrityError), transaction.atomic():
            RoleAssignment.objects.create(user=user, organisation=east, **grant)
    # The same role for another department or committee is another grant.
    other = DepartmentFactory(organisation=east)
    RoleAssignment.objects.create(
        user=user, organisation=east, role=Role.DEPARTMENT, department=other
    )
    assert RoleAssignment.objects.filter(user=user).count() == len(grants) + 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_oldest_copy_of_each_grant_then_forbids_copies():
    """A live database may already hold copies: the migration must not fail on them."""
    east = make_org("东湖区政协", Level.DISTRICT)
    user = UserFactory()
    department = DepartmentFactory(organisation=east)
    executor = MigrationExecutor(connection)
    executor.migrate([("orgs", "0006_department_remit")])
    try:
        first = RoleAssignment.objects.create(user=user, organisation=east, role=Role.OFFICE)
        RoleAssignment.objects.create(user=user, organisation=east, role=Role.OFFICE)
        RoleAssignment.objects.create(user=user, organisation=east, role=Role.OFFICE)
        kept_department = RoleAssignment.objects.create(
            user=user, organisation=east, role=Role.DEPARTMENT, department=department
        )
        RoleAssignment.objects.create(
            user=user, organisation=east, role=Role.DEPARTMENT, department=department
        )
        chair = RoleAssignment.objects.create(user=user, organisation=east, role=Role.CHAIR)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert set(RoleAssignment.objects.filter(user=user).values_list("pk", flat=True)) == {
        first.pk,
        kept_department.pk,
        chair.pk,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, organisation=east, role=Role.OFFICE)
