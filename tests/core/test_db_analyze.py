"""Bulk writers leave fresh planner statistics behind (issue 14): `core.db.analyze`."""

import pytest
from django.db import connection

from tests.factories import MemberFactory, TermFactory, make_org, user_with_role
from xieshang.core.db import analyze
from xieshang.members import services as member_services
from xieshang.members.models import Member, Membership
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


def last_analyze(table: str):
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = %s", [table])
        row = cursor.fetchone()
    return row[0] if row else None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL statistics")
def test_analyze_gives_the_planner_statistics_of_the_rows_just_written():
    org = make_org()
    MemberFactory.create_batch(3, organisation=org)
    tables = analyze(Member, Membership)
    assert tables == [
        Member._meta.db_table,
        Membership._meta.db_table,
        "members_membership_committees",
    ] or (Member._meta.db_table in tables and Membership._meta.db_table in tables)
    assert last_analyze(Member._meta.db_table) is not None
    assert last_analyze(Membership._meta.db_table) is not None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's visibility map")
@pytest.mark.django_db(transaction=True)
def test_analyze_outside_a_transaction_also_vacuums_so_counts_can_read_an_index_alone():
    """After a seed or a restore, nothing has marked the new pages all-visible: a count
    must read the table itself until autovacuum comes by."""
    org = make_org()
    MemberFactory.create_batch(3, organisation=org)

    def all_visible_pages():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relallvisible FROM pg_class WHERE relname = %s", [Member._meta.db_table]
            )
            return cursor.fetchone()[0]

    assert not connection.in_atomic_block
    assert Member._meta.db_table in analyze(Member)
    assert all_visible_pages() > 0
    assert last_analyze(Member._meta.db_table) is not None


def test_analyze_does_nothing_on_sqlite():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    assert analyze(Member) == []
    assert analyze() == []


def test_the_member_import_ends_with_analyze(monkeypatch):
    called = []
    monkeypatch.setattr(member_services, "analyze", lambda *models: called.append(models))
    org = make_org()
    term = TermFactory(organisation=org)
    office = user_with_role(Role.OFFICE, org)
    member_services.members_import(organisation=org, term=term, rows=[], actor=office)
    assert called and Member in called[0] and Membership in called[0]
