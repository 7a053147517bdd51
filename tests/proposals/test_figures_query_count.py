"""The 办理统计 page (proposal figures) costs the same number of queries whatever the number
of organisations and proposals below the viewer: a province office, a city office and a
district office each, on a small tree and on one with more districts and more work."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.test_query_counts import Tree

pytestmark = pytest.mark.django_db

URL = "/proposals/figures/?year=2026"


def measure(user) -> int:
    """Queries of one request, after a first one has warmed the session and the caches."""
    client = Client()
    client.force_login(user)
    assert client.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200
    return len(ctx)


def viewers(tree: Tree) -> dict:
    return {
        "province office": tree.province_office,
        "city office": tree.city_office,
        "district office": tree.first.office,
    }


def test_the_figures_page_runs_a_fixed_number_of_queries_for_any_number_of_organisations():
    from tests.members.factories import ensure_parties

    ensure_parties()  # a browser test's flush may have emptied them
    tree = Tree()
    small = {name: measure(user) for name, user in viewers(tree).items()}
    tree.grow()
    large = {name: measure(user) for name, user in viewers(tree).items()}
    grew = {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    assert not grew, f"query counts grew with the data (small, large): {grew}"
    # A province's page is no heavier than a city's: the committees below are rolled up.
    assert large["province office"] <= large["city office"], large


def test_a_stored_closed_year_costs_a_fixed_handful_of_queries_at_every_level():
    """A closed year read from the store (figures_store.py) costs the same number of
    queries on the small and the grown tree, for each office, and fewer than counting it:
    the province's no more than the district's but for its committees below and the
    organisation picker's chosen option (a district office has no choice): 10 and 8."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    import time_machine

    from tests.members.factories import ensure_parties
    from xieshang.proposals import figures_store

    ensure_parties()
    tree = Tree()
    later = time_machine.travel(dt.datetime(2027, 3, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai")))
    counts = []
    for grow in (False, True):
        if grow:
            tree.grow()  # this year's work, as the tree's own; then the year closes
        with later:
            figures_store.fill_closed_years()
            counts.append({name: measure(user) for name, user in viewers(tree).items()})
    small, large = counts
    assert small == large, (small, large)
    assert large["province office"] <= large["district office"] + 2, large
    with later:
        figures_store.invalidate_all()
        live = {name: measure(user) for name, user in viewers(tree).items()}
    assert all(large[name] < live[name] for name in live), (large, live)
