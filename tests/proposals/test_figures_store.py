"""A closed year's 办理统计 is stored by the nightly job and read back (figures_store.py):
the stored figures are exactly the live ones (a district, a city with districts below, a
province, page and export), any change to what they count drops them so the page counts
live again (never stale), the current year is always live, and the page and the report
say when the stored figures were counted."""

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.proposals.test_figures import (
    SAT,
    UNSAT,
    assignment,
    department_data,
    proposal,
    session_data,
)
from tests.proposals.test_figures_province import province_data
from xieshang.core import scheduler
from xieshang.followups.models import Task
from xieshang.members.models import Membership
from xieshang.orgs.models import Party
from xieshang.proposals import figures, figures_store
from xieshang.proposals.models import (
    Answer,
    Assignment,
    Contact,
    Evaluation,
    FiguresSnapshot,
    Proposal,
)

pytestmark = [pytest.mark.clause("C4.6")]

S = Proposal.Status
BJ = ZoneInfo("Asia/Shanghai")
# The data is of 2026; in March 2027 that year is closed.
NEXT_YEAR = dt.datetime(2027, 3, 1, 9, tzinfo=BJ)


@pytest.fixture
def next_year():
    with time_machine.travel(NEXT_YEAR, tick=False):
        yield


def _row(row) -> dict:
    data = {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}
    data["committee"] = row.committee.pk if row.committee else None
    data["label"] = getattr(row, "label", None)
    return data


def everything(fig) -> dict:
    """All a reader of `fig` can see: rows, totals, labels, shares, charts' counts."""
    return {
        "categories": fig.categories,
        "departments": [_row(r) for r in fig.departments],
        "committees": [_row(r) for r in fig.committees],
        "department_total": _row(fig.department_total),
        "own_total": _row(fig.own_departments_total),
        "sessions": [_row(r) for r in fig.sessions],
        "session_committees": [_row(r) for r in fig.session_committees],
        "session_total": _row(fig.session_total),
        "key_target": fig.key_target,
        "key_target_met": fig.key_target_met,
        "received": (fig.received.by_time, fig.received.by_seat),
        "by_month": fig.by_month(),
        "by_sector": fig.received_by("sector"),
        "below": [o.pk for o in fig.below],
    }


def assert_stored_equals_live(org, year=2026, *, export=False):
    stored = figures.figures(org, year, export=export)
    assert stored.counted_at is not None, "not read from the store"
    live = figures.figures(org, year, export=export, live=True)
    assert live.counted_at is None
    assert everything(stored) == everything(live)
    return stored


def district_data(world):
    department_data(world)
    session_data(world)


def test_stored_figures_equal_the_live_ones_for_a_district(world, next_year):
    district_data(world)
    # The district's 2025 and 2026, the other district's 2026, the city's two years with
    # their exports (it has districts below).
    assert figures_store.fill_closed_years() == 2 + 1 + 2 * 2
    fig = assert_stored_equals_live(world.district)
    assert fig.department_total.assigned == 5
    assert fig.session_total.key == 5
    # The district's export is the page's snapshot: no second one.
    assert_stored_equals_live(world.district, export=True)
    assert not FiguresSnapshot.objects.filter(organisation=world.district, export=True).exists()


def test_stored_figures_equal_the_live_ones_for_a_city_and_a_province_page_and_export(
    world, next_year
):
    t = province_data(world)
    figures_store.fill_closed_years()
    for org in [t.province, *t.cities, *t.districts]:
        assert_stored_equals_live(org)
        assert_stored_equals_live(org, export=True)
    province = figures.figures(t.province, 2026)
    assert [r.committee for r in province.committees] == t.cities
    assert len(figures.figures(t.province, 2026, export=True).departments) == 2 + 2 * 2 * 2
    # The page's and the export's for each committee with committees below.
    stored = set(FiguresSnapshot.objects.values_list("organisation_id", "export"))
    for org in [t.province, *t.cities]:
        assert {(org.pk, False), (org.pk, True)} <= stored
    assert (t.districts[0].pk, True) not in stored


def test_the_current_year_is_always_counted_live(world):
    district_data(world)
    figures_store.fill_closed_years()  # last year's (the data has a few) are stored
    assert not figures_store.fill(world.district, 2026)
    assert figures.figures(world.district, 2026).counted_at is None
    assert figures.figures(world.district, 2025).counted_at is not None
    assert not FiguresSnapshot.objects.filter(year=2026).exists()


def _answered(world):
    return Assignment.objects.filter(
        proposal__organisation=world.district,
        proposal__year=2026,
        role__in=[Assignment.Role.LEAD, Assignment.Role.SPLIT],
        status=Assignment.Status.ANSWERED,
    ).select_related("task", "proposal")


def _add_proposal(world):
    proposal(world, status=S.SUBMITTED)


def _accept(world):
    p = Proposal.objects.filter(organisation=world.district, status=S.SUBMITTED).first()
    p.status = S.ACCEPTED
    p.save()


def _merge(world):
    p = Proposal.objects.get(organisation=world.district, status=S.SUBMITTED)
    target = Proposal.objects.filter(organisation=world.district, status=S.ACCEPTED).first()
    p.status, p.merged_into = S.MERGED, target
    p.save()


def _key(world):
    p = Proposal.objects.filter(organisation=world.district, status=S.ASSIGNED, key_status="")[0]
    p.key_status = Proposal.KeyStatus.APPROVED
    p.save()


def _move_year(world):
    p = Proposal.objects.filter(organisation=world.district, year=2026).first()
    p.year = 2025
    p.save()


def _new_assignment(world):
    assignment(world, world.education, p=proposal(world, status=S.ASSIGNED))


def _return_assignment(world):
    a = Assignment.objects.filter(
        proposal__organisation=world.district,
        proposal__year=2026,
        role=Assignment.Role.LEAD,
        status=Assignment.Status.HANDLING,
    ).first()
    a.status = Assignment.Status.RETURNED
    a.save()


def _contact(world):
    a = _answered(world).filter(contacts__isnull=True).first() or _answered(world).first()
    Contact.objects.create(assignment=a, date=dt.date(2026, 3, 10), way=Contact.Way.MEETING)


def _delete_contact(world):
    first = Contact.objects.filter(assignment__in=_answered(world).filter(round=1)).first()
    for contact in Contact.objects.filter(assignment=first.assignment_id):
        contact.delete()  # one by one, as a clerk removes them


def _answer_category(world):
    answer = Answer.objects.filter(assignment__in=_answered(world)).first()
    answer.category = "C" if answer.category != "C" else "A"
    answer.save()


def _rating(world):
    answer = Answer.objects.filter(assignment__in=_answered(world)).first()
    Evaluation.objects.create(answer=answer, member=world.members["li"], process=SAT, result=UNSAT)


def _change_rating(world):
    e = Evaluation.objects.filter(answer__assignment__proposal__organisation=world.district).first()
    e.result = UNSAT if e.result != UNSAT else SAT
    e.save()


def _late(world):
    task = Task.objects.get(pk=_answered(world).filter(round=1).first().task_id)
    task.due_date = dt.date(2026, 1, 2)
    task.save()


def _seat(world):
    seat = Membership.objects.get(member=world.members["wang"], term=world.term)
    seat.party = Party.objects.get(name="无党派人士")
    seat.save()


def _rename_department(world):
    world.housing.name = "区住房城乡建设局"
    world.housing.save()


def _rename_committee(world):
    world.district.name = "示范新区政协"
    world.district.save()


def _delete_proposal(world):
    Proposal.objects.filter(organisation=world.district, status=S.ANSWERED).first().delete()


CHANGES = [
    _add_proposal,
    _accept,
    _merge,
    _key,
    _move_year,
    _new_assignment,
    _return_assignment,
    _contact,
    _delete_contact,
    _answer_category,
    _rating,
    _change_rating,
    _late,
    _seat,
    _rename_department,
    _rename_committee,
    _delete_proposal,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__.strip("_"))
def test_a_change_drops_the_stored_figures_of_the_district_and_the_city_above(
    world, next_year, change
):
    """Rows added or changed later are never hidden by stored numbers: the page counts live
    until the nightly job stores the new numbers, which equal the live ones again."""
    district_data(world)
    figures_store.fill_closed_years(organisations=[world.city, world.district])
    before = {
        org: everything(figures.figures(org, 2026, live=True))
        for org in (world.city, world.district)
    }
    change(world)
    for org in (world.city, world.district):
        org.refresh_from_db()
        fig = figures.figures(org, 2026)
        assert fig.counted_at is None, f"{org}: stale stored figures shown after {change}"
        assert everything(fig) == everything(figures.figures(org, 2026, live=True))
    assert before[world.district] != everything(figures.figures(world.district, 2026))
    figures_store.fill_closed_years(organisations=[world.city, world.district])
    for org in (world.city, world.district):
        assert_stored_equals_live(org)


def test_a_change_elsewhere_keeps_the_stored_figures(world, next_year):
    """The other district's proposals, and this year's, leave the district's 2026 alone."""
    district_data(world)
    figures_store.fill_closed_years()
    proposal(world, org=world.other_district, status=S.SUBMITTED)
    proposal(world, status=S.SUBMITTED, year=2027)
    assert figures.figures(world.district, 2026).counted_at is not None
    assert figures.figures(world.city, 2026).counted_at is None  # the city counts both


def test_a_change_made_while_counting_is_not_covered_by_the_fill(world, next_year, monkeypatch):
    district_data(world)
    counted = figures.counted

    def meanwhile(*args, **kwargs):
        fig = counted(*args, **kwargs)
        _add_proposal(world)  # saved after the rows were counted, before they are stored
        return fig

    monkeypatch.setattr(figures, "counted", meanwhile)
    assert not figures_store.fill(world.district, 2026)
    monkeypatch.undo()
    assert figures.figures(world.district, 2026).counted_at is None
    assert figures_store.fill(world.district, 2026)
    assert_stored_equals_live(world.district)


def test_a_change_that_commits_after_the_fill_began_counting_is_not_covered(
    world, next_year, monkeypatch, django_capture_on_commit_callbacks
):
    """A change whose transaction passed the (still empty, unmarked) row before the fill
    marked it, and committed only after the fill counted, is caught when it commits."""
    district_data(world)
    counted = figures.counted
    with django_capture_on_commit_callbacks() as commits:
        _add_proposal(world)  # invalidated in its transaction: no row to empty yet

    def meanwhile(*args, **kwargs):
        fig = counted(*args, **kwargs)
        for callback in commits:
            callback()  # the change commits after the rows were counted
        return fig

    monkeypatch.setattr(figures, "counted", meanwhile)
    assert not figures_store.fill(world.district, 2026)
    monkeypatch.undo()
    assert figures.figures(world.district, 2026).counted_at is None


def test_an_emptied_row_is_not_written_again_by_the_next_change(world, next_year):
    """Every save of a closed year's proposal invalidated the rows above it, the
    province's one row too: once emptied, a row is left alone (not locked again)."""
    district_data(world)
    figures_store.fill_closed_years(organisations=[world.city, world.district])
    rows = FiguresSnapshot.objects.filter(year=2026).order_by("pk")
    _add_proposal(world)
    emptied = list(rows.values_list("pk", "generation", "data"))
    assert emptied and all(data is None for _pk, _g, data in emptied)
    _add_proposal(world)
    assert list(rows.values_list("pk", "generation", "data")) == emptied
    assert figures_store.invalidate([world.city.pk, world.district.pk], [2026]) == 0
    figures_store.fill_closed_years(organisations=[world.city, world.district])
    assert_stored_equals_live(world.district)


def test_other_outcome_categories_or_committees_below_are_counted_live(world, next_year):
    from xieshang.orgs import config
    from xieshang.proposals import rules

    district_data(world)
    figures_store.fill_closed_years()
    assert figures.figures(world.city, 2026).counted_at is not None
    codes = [["A", "采纳"], ["B", "部分采纳"]]
    config.set_value(world.district, rules.OUTCOME_CATEGORIES, codes, actor=world.office)
    assert figures.figures(world.district, 2026).counted_at is None
    from tests.factories import make_org
    from xieshang.orgs.models import Level

    make_org("第三区政协", Level.DISTRICT, parent=world.city)
    assert figures.figures(world.city, 2026).counted_at is None


def test_labels_are_in_the_readers_language(world, next_year):
    from django.utils import translation

    district_data(world)
    figures_store.fill_closed_years()
    with translation.override("en"):
        stored = figures.figures(world.district, 2026)
        live = figures.figures(world.district, 2026, live=True)
    assert stored.counted_at is not None
    assert [r.label for r in stored.sessions] == [r.label for r in live.sessions]
    assert stored.session_total.label == live.session_total.label == "Total"


def _get(user, url):
    client = Client()
    client.force_login(user)
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(ctx)


def test_the_page_and_the_report_say_when_stored_figures_were_counted(world, next_year):
    district_data(world)
    query = f"?organisation={world.district.pk}&year=2026"
    for name in ("proposals:figures", "proposals:work_report"):
        html, _n = _get(world.office, reverse(name) + query)
        assert 'id="figures-counted-at"' not in html
    figures_store.fill_closed_years()
    for name in ("proposals:figures", "proposals:work_report"):
        html, _n = _get(world.office, reverse(name) + query)
        assert "统计时间：2027年3月1日 09:00" in html, name
    html, _n = _get(world.office, reverse("proposals:figures") + query.replace("2026", "2027"))
    assert 'id="figures-counted-at"' not in html


def test_a_stored_province_year_takes_fewer_queries_than_counting_it(world, next_year):
    """The pin: a stored year's page is a fixed handful of queries (no grouped count over
    the year's rows), fewer than counting it; the export reads its own snapshot."""
    t = province_data(world)
    url = reverse("proposals:figures") + f"?organisation={t.province.pk}&year=2026"
    _html, live = _get(t.office, url)
    figures_store.fill_closed_years()
    html, stored = _get(t.office, url)
    assert "统计时间" in html
    assert stored <= live - 10, (live, stored)
    with CaptureQueriesContext(connection) as ctx:
        figures.figures(t.province, 2026)
    # Outcome categories, committees below, the snapshot, the key-proposal target.
    assert len(ctx) == 4, [q["sql"] for q in ctx.captured_queries]
    with CaptureQueriesContext(connection) as ctx:
        figures.figures(t.province, 2026, export=True)
    assert len(ctx) == 4


def test_the_nightly_job_fills_the_closed_years(world, next_year):
    district_data(world)
    job = scheduler.registry()["proposals.fill_figures"]
    assert job.at == dt.time(2, 10)
    assert scheduler.run_job("proposals.fill_figures") == 7
    assert figures.figures(world.district, 2026).counted_at is not None
    assert scheduler.run_job("proposals.fill_figures") == 0  # nothing left to count
