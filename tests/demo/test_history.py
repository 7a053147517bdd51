"""The province's imported history (demo.history) at a small scale: the same bulk path that
writes ~300,000 proposals and ~3,000,000 duty records, checked for the invariants the
product relies on and opened as a user would (issue 14)."""

import random
from collections import Counter

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from tests.demodata import check_foreign_keys_now, demo  # noqa: F401 - a module fixture
from xieshang.core.db import bulk_load
from xieshang.core.models import Event, User
from xieshang.demo.history import HistoryBuilder, bulk_models, nodes_for
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.followups.models import Task
from xieshang.meetings.models import Attendance, Invitation, Meeting, MeetingKind
from xieshang.orgs.models import Organisation
from xieshang.proposals.models import Answer, Assignment, Evaluation, Proposal, Signer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

PROPOSALS = 1200
YEARS = 2


def imported_ids() -> list[int]:
    """The proposals the history wrote: each has its `proposal.import_history` event."""
    events = Event.objects.filter(verb="proposal.import_history")
    return [int(pk) for pk in events.values_list("object_id", flat=True)]


def schema() -> list[tuple]:
    """The constraints and indexes of the tables the history loads (PostgreSQL)."""
    tables = [m._meta.db_table for m in bulk_models()]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
            FROM pg_constraint WHERE conrelid = ANY(%s::regclass[])
            UNION ALL
            SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)
            """,
            [tables, tables],
        )
        return sorted(cursor.fetchall())


@pytest.fixture(scope="module")
def history(demo, django_db_blocker):  # noqa: F811 - the demo fixture first
    """The history, built once for the module inside the demo's transaction (the tests
    only read it; each runs in a savepoint of its own)."""
    with django_db_blocker.unblock():
        org = Organisation.objects.get(name="示范区政协")
        before = Proposal.objects.count()
        migrated = schema() if connection.vendor == "postgresql" else []
        builder = HistoryBuilder(
            nodes=nodes_for([org]), rng=random.Random(5), proposals=PROPOSALS, years=YEARS
        )
        free_years = builder.free_years()[org.pk]
        counts = builder.build()
        after = schema() if connection.vendor == "postgresql" else []
        check_foreign_keys_now()
    return org, before, counts, (migrated, after), free_years


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's bulk load")
def test_the_foreign_keys_and_indexes_set_aside_for_the_load_are_back_as_migrated(history):
    _org, _before, _counts, (migrated, after), _years = history
    assert any("FOREIGN KEY" in row[2] and "DEFERRABLE" in row[2] for row in migrated)
    assert any(row[2].startswith("CREATE INDEX") for row in migrated)
    assert after == migrated
    # And they hold: a duty record of no member is refused.
    member = DutyRecord.objects.values_list("member_id", flat=True).first()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "UPDATE duty_dutyrecord SET member_id = %s WHERE member_id = %s",
            [member + 10**9, member],
        )


def test_a_row_that_breaks_a_foreign_key_fails_the_load():
    """core.db.bulk_load re-adds the foreign keys, which checks the rows written meanwhile."""
    member = DutyRecord.objects.values_list("member_id", flat=True).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        with bulk_load(DutyRecord):
            DutyRecord.objects.filter(member_id=member).update(member_id=member + 10**9)
        if connection.vendor != "postgresql":  # SQLite checks at the end of the transaction
            connection.check_constraints(table_names=["duty_dutyrecord"])


def test_it_writes_the_proposals_asked_for_in_past_years_only(history):
    org, before, counts, _schema, free_years = history
    written = counts["proposals.Proposal"]
    assert abs(written - PROPOSALS) < PROPOSALS * 0.15
    assert Proposal.objects.count() == before + written
    imported = Proposal.objects.filter(pk__in=imported_ids())
    years = set(imported.values_list("year", flat=True))
    # The years asked for, but none the demo's own proposals already hold: from January to
    # about October these reach back into last year (test_history_leaves_…).
    this_year = timezone.localdate().year
    assert free_years and set(free_years) <= set(range(this_year - YEARS, this_year))
    assert years == set(free_years)
    # Most of a past year ended answered or closed, with bodies to read.
    states = Counter(imported.values_list("status", flat=True))
    assert states["closed"] > written * 0.7
    assert {"rejected", "merged", "to_opinion"} <= set(states)
    assert not imported.filter(facts="").exists() and not imported.filter(suggestions="").exists()
    assert len(set(imported.values_list("title", flat=True))) > 200
    # The summary event per organisation adds up.
    summary = Event.objects.get(verb="demo.history_import", organisation=org)
    assert summary.data["proposals"] == written


def test_history_leaves_the_years_the_organisations_own_data_holds(history):
    """Years that already hold the organisation's proposals are not written again: the demo
    district's year of proposals reaches back into last year from January to about October,
    and a history series numbered from 1 in that year broke the unique numbers (the province
    demo could be seeded only in November and December). Here the first import holds the
    last YEARS years; a second asking for one more writes only that one."""
    org, _before, _counts, _schema, free_years = history
    own_first = Proposal.objects.filter(organisation=org).aggregate(y=Min("year"))["y"]
    builder = HistoryBuilder(
        nodes=nodes_for([org]), rng=random.Random(6), proposals=200, years=YEARS + 1
    )
    assert builder.free_years() == {org.pk: [builder.years[0]]}
    assert builder.years[0] < own_first
    before = set(Proposal.objects.values_list("pk", flat=True))
    counts = builder.build()
    new = Proposal.objects.exclude(pk__in=before)
    assert counts["proposals.Proposal"] == new.count() > 150
    assert set(new.values_list("year", flat=True)) == {builder.years[0]}


def test_numbers_are_unique_and_gapless_per_series(history):
    org, _before, _counts, _schema, _years = history
    rows = (
        Proposal.objects.filter(organisation=org, serial__isnull=False)
        .values("year", "kind")
        .annotate(n=Count("id"), top=Max("serial"))
    )
    for row in rows:
        assert row["n"] == row["top"], row
    numbers = Proposal.objects.filter(organisation=org).exclude(number="")
    assert numbers.count() == numbers.values("number").distinct().count()
    # Plenary proposals belong to their year's session, numbered in its format.
    plenary = Proposal.objects.filter(organisation=org, kind="plenary").select_related("session")
    assert all(p.session.start_date.year == p.year for p in plenary)
    assert all(p.number.startswith("第") for p in plenary[:50])


def test_handled_proposals_have_their_whole_trail(history):
    org, _before, _counts, _schema, _years = history
    handled = Proposal.objects.filter(organisation=org, status__in=["answered", "closed"])
    imported = handled.filter(pk__in=imported_ids())
    assert imported.exists()
    for proposal in imported[:40]:
        assignments = list(proposal.assignments.all())
        assert assignments and all(a.task_id for a in assignments)
        assert all(a.status == Assignment.Status.ANSWERED for a in assignments)
        answers = Answer.objects.filter(assignment__proposal=proposal)
        assert answers.count() == sum(a.role != Assignment.Role.CO for a in assignments)
        if proposal.status == "closed":
            signers = Signer.objects.filter(proposal=proposal).count()
            rated = Evaluation.objects.filter(answer__assignment__proposal=proposal).count()
            assert rated == answers.count() * (1 + signers)
    assert not Task.objects.filter(
        object_id__in=[str(p.pk) for p in imported], status=Task.Status.OPEN
    ).exists()
    # The proposers' duty records, one per proposer of every accepted proposal.
    first = DutyRecord.objects.filter(
        kind=DutyKind.PROPOSAL_FIRST, object_id__in=[str(p.pk) for p in imported]
    ).count()
    assert first == imported.count()


def test_meetings_attendance_and_duty_add_up(history):
    org, _before, counts, _schema, free_years = history
    # The history's plenaries (the demo's own, made through the services, are in later years).
    plenaries = Meeting.objects.filter(
        organisation=org,
        kind=MeetingKind.PLENARY,
        status=Meeting.Status.CLOSED,
        title__startswith=f"{org.name}第",
        start__year__in=free_years,
    )
    assert plenaries.count() == len(free_years)
    for meeting in plenaries:
        present = Invitation.objects.filter(meeting=meeting, outcome="present").count()
        half_days = DutyRecord.objects.filter(
            kind=DutyKind.PLENARY_HALF_DAY,
            object_id__in=[
                str(pk)
                for pk in Attendance.objects.filter(sitting__meeting=meeting).values_list(
                    "pk", flat=True
                )
            ],
        ).count()
        assert half_days == present * meeting.sittings.count()
    assert counts["duty.DutyRecord"] > 10 * counts["proposals.Proposal"] / 10
    assert all(
        r.organisation_id == org.pk for r in DutyRecord.objects.filter(organisation=org)[:100]
    )


def test_the_pages_open_on_the_history(history, client):
    org, _before, _counts, _schema, _years = history
    office = User.objects.get(username="office")
    client.force_login(office)
    last_year = timezone.localdate().year - 1
    listing = client.get("/proposals/", {"year": last_year})
    assert listing.status_code == 200
    proposal = (
        Proposal.objects.filter(organisation=org, status="closed", year=last_year)
        .order_by("pk")
        .last()
    )
    page = client.get(proposal.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert proposal.title in text and proposal.number in text


def test_a_proposals_duty_records_score_in_the_proposals_year(history):
    """The proposers' records are dated in the proposal's year (proposals' review.duty_date),
    as acceptance dates them: a plenary proposal handed in during the December before its
    session counts in the session's year's statistics and so scores in that year."""
    years = {
        p.pk: (p.year, timezone.localtime(p.submitted_at).date())
        for p in Proposal.objects.filter(pk__in=imported_ids())
    }
    assert any(submitted.year < year for year, submitted in years.values())  # there are some
    records = DutyRecord.objects.filter(
        kind__in=[DutyKind.PROPOSAL_FIRST, DutyKind.PROPOSAL_COSIGNER],
        object_id__in=[str(pk) for pk in years],
    ).values_list("object_id", "date")
    assert records and all(day.year == years[int(pk)][0] for pk, day in records)
