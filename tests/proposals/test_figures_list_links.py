"""The proposal list filtered as the figures page counts (year, 大会/平时, session, the
organisation with or without the committees below it): each count of the figures page's
session table links to the list showing that many proposals, and the list's Excel export
keeps the filter."""

import datetime as dt
import html
import re

import pytest
import time_machine
from django.urls import reverse

from tests.factories import TermFactory, user_with_role
from tests.xlsx import workbook
from xieshang.orgs.models import Role, Session
from xieshang.proposals.models import Proposal

pytestmark = [pytest.mark.clause("C4.6")]

S = Proposal.Status
K = Proposal.Kind


def proposal(world, *, status, year=2026, org=None, session=None, **extra):
    return Proposal.objects.create(
        organisation=org or world.district,
        year=year,
        kind=K.PLENARY if session else K.INTERIM,
        session=session,
        title=extra.pop("title", "关于加快老旧小区加装电梯的建议"),
        suggestions="简化审批。",
        status=status,
        first_proposer=world.members["wang"],
        submitted_at=dt.datetime(year, 3, 2, 8, tzinfo=dt.UTC),
        **extra,
    )


@pytest.fixture
def year_data(world):
    """The district's session: 5 received; between sessions: 3 received, and one still
    collecting co-signatures (not received); the year before; the other district."""
    for status in [S.SUBMITTED, S.SUBMITTED, S.ACCEPTED, S.REJECTED, S.RETURNED]:
        proposal(world, status=status, session=world.session)
    for status in [S.ASSIGNED, S.ANSWERED, S.MERGED, S.COSIGNING]:
        proposal(world, status=status)
    proposal(world, status=S.SUBMITTED, year=2025)
    other_session = Session.objects.create(
        term=TermFactory(organisation=world.other_district),
        number=5,
        start_date=dt.date(2026, 1, 10),
        end_date=dt.date(2026, 1, 13),
    )
    for status in [S.SUBMITTED, S.TO_INFO]:
        proposal(world, status=status, org=world.other_district, session=other_session)
    proposal(world, status=S.CLOSED, org=world.other_district)
    return world


def list_count(client, url: str) -> int:
    page = client.get(url).content.decode()
    found = re.search(r'id="result-count">[^<]*?([\d,]+)', page)
    return int(found.group(1).replace(",", ""))


def session_links(page: str) -> list[tuple[str, int]]:
    table = page[
        page.index('id="session-figures"') : page.index(
            "</table>", page.index('id="session-figures"')
        )
    ]
    return [
        (html.unescape(url), int(n.replace(",", "")))
        for url, n in re.findall(r'<a href="(/proposals/\?[^"]+)">([\d,]+)</a>', table)
    ]


def test_every_count_of_the_session_table_is_the_lists_count_for_its_link(client, year_data):
    world = year_data
    client.force_login(world.office)
    page = client.get(
        reverse("proposals:figures"), {"organisation": world.district.pk, "year": 2026}
    ).content.decode()
    links = session_links(page)
    received = [(url, n) for url, n in links if "status=received" in url]
    # The session, between sessions, the total.
    assert sorted(n for _url, n in received) == [3, 5, 8]
    assert any("session=none" in url for url, _n in received)
    for url, n in links:
        assert list_count(client, url) == n, url


def test_a_city_figures_committee_rows_and_total_are_the_lists_counts(client, year_data):
    """The city's page rolls each district up: its row lists the district and below, the
    total the city and below."""
    world = year_data
    city_office = user_with_role(Role.OFFICE, world.city)
    client.force_login(city_office)
    page = client.get(
        reverse("proposals:figures"), {"organisation": world.city.pk, "year": 2026}
    ).content.decode()
    links = session_links(page)
    received = sorted(n for url, n in links if "status=received" in url)
    assert received == [3, 8, 11]  # the other district, the district, the city's total
    for url, n in links:
        assert list_count(client, url) == n, url


def test_the_list_filters_by_year_kind_and_session_and_the_export_keeps_them(client, year_data):
    world = year_data
    client.force_login(world.office)
    index = reverse("proposals:index")
    assert list_count(client, f"{index}?year=2026") == 9  # with the one still co-signing
    assert list_count(client, f"{index}?year=2026&status=received") == 8
    assert list_count(client, f"{index}?year=2025") == 1
    assert list_count(client, f"{index}?year=2026&kind=plenary") == 5
    assert list_count(client, f"{index}?year=2026&kind=interim&status=received") == 3
    assert list_count(client, f"{index}?session={world.session.pk}&status=accepted_all") == 1
    # The filters stay in the form and in the export link.
    page = client.get(index, {"year": 2026, "session": world.session.pk}).content.decode()
    assert 'name="year" min="2000" max="2100" value="2026"' in page
    assert f'<option value="{world.session.pk}" selected>第十五届第五次会议</option>' in page
    export = re.search(r'id="proposal-export" href="([^"]+)"', page).group(1)
    assert "year=2026" in export and f"session={world.session.pk}" in export
    rows = list(workbook(client.get(html.unescape(export))).active.iter_rows(values_only=True))
    assert len(rows) - 1 == 5


def test_a_session_the_user_may_not_see_is_refused_and_left_out(client, year_data):
    world = year_data
    other = Session.objects.exclude(term__organisation=world.district).get()
    client.force_login(world.office)
    page = client.get(reverse("proposals:index"), {"session": other.pk, "year": 2026})
    assert page.status_code == 200
    assert "请选择会次。" in page.content.decode()
    assert list_count(client, f"{reverse('proposals:index')}?session={other.pk}&year=2026") == 9


@time_machine.travel(dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC))
def test_the_list_is_this_years_unless_asked_and_every_year_is_one_click_away(client, year_data):
    """An office works in a year (numbered, counted and reported by it, as the figures page
    defaults to it): /proposals/ lists this year's; an empty year box lists them all."""
    world = year_data
    client.force_login(world.office)
    index = reverse("proposals:index")
    page = client.get(index).content.decode()
    assert 'name="year" min="2000" max="2100" value="2026"' in page
    assert list_count(client, index) == 9  # not the one of 2025
    everything = html.unescape(re.search(r'href="([^"]+)" id="all-years"', page).group(1))
    assert list_count(client, index + everything) == 10
    assert list_count(client, f"{index}?year=") == 10
    assert 'id="all-years"' not in client.get(f"{index}?year=").content.decode()
    # The export of the default list is the same year's.
    export = re.search(r'id="proposal-export" href="([^"]+)"', page).group(1)
    rows = list(workbook(client.get(html.unescape(export))).active.iter_rows(values_only=True))
    assert len(rows) - 1 == 9


@time_machine.travel(dt.datetime(2027, 2, 1, 2, 0, tzinfo=dt.UTC))
def test_a_session_chosen_with_another_year_in_the_box_lists_the_session(client, year_data):
    """The year box keeps the year it showed (2027) when a session of 2026 is picked from
    the menu: the session names its year, so its proposals are listed, not none."""
    world = year_data
    client.force_login(world.office)
    index = reverse("proposals:index")
    assert list_count(client, index) == 0
    # Before the year's plenary the default list is empty: it says which year it shows and
    # leads to the others.
    empty = client.get(index).content.decode()
    assert "2027年暂无提案。" in empty
    others = html.unescape(re.search(r'href="([^"]+)" id="empty-all-years"', empty).group(1))
    assert list_count(client, index + others) == 10
    page = client.get(index, {"year": 2027, "session": world.session.pk}).content.decode()
    assert list_count(client, f"{index}?year=2027&session={world.session.pk}") == 5
    assert 'name="year" min="2000" max="2100" value="2026"' in page
