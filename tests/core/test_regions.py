"""The key lists' rendered regions kept across worker processes (core.regions): served from
core_renderedregion while no committed write has moved the change generation, never to another
user, in another language or for another query string, never older than the age bound; the
permission check and the personal-data audit still run on every request.

A stored row is marked ("tampered") so that a test can tell whether the page came from it."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.core.test_home_cache import District, client_for
from tests.factories import MemberFactory, seat
from xieshang.core import changes, regions
from xieshang.core.models import Event, RenderedRegion
from xieshang.orgs.models import RoleAssignment

MARK = "★已缓存★"


@pytest.fixture
def region_on(settings):
    settings.REGION_CACHE = True
    settings.REGION_CACHE_SECONDS = 600


class Members(District):
    """The district of the home cards' tests, with three more seated members (phones shown
    unmasked to the office)."""

    def __init__(self):
        super().__init__()
        self.names = []
        for n in range(3):
            member = MemberFactory(organisation=self.org, name=f"名单委员{n}")
            seat(member, self.term)
            self.names.append(member.name)


def page(client, path: str = "/members/", status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.status_code
    return response.content.decode()


def tamper(user, **fields) -> None:
    """Put MARK into every stored region of `user`."""
    rows = RenderedRegion.objects.filter(user=user)
    assert rows.exists()
    for row in rows:
        body = json.loads(row.body)
        body["html"] = MARK + body["html"]
        RenderedRegion.objects.filter(pk=row.pk).update(
            body=json.dumps(body, ensure_ascii=False), **fields
        )


def pii_views(user) -> int:
    return Event.objects.filter(actor=user, verb="pii.view").count()


@pytest.mark.django_db
def test_a_second_visit_is_served_from_the_stored_region(region_on):
    d = Members()
    client = client_for(d.office)
    first = page(client)
    assert all(name in first for name in d.names)
    tamper(d.office)
    with CaptureQueriesContext(connection) as ctx:
        second = page(client)
    assert MARK in second
    assert second.replace(MARK, "", 1).count("名单委员") == first.count("名单委员")
    # The rows' and the count's queries are not run.
    assert not [q for q in ctx.captured_queries if "members_membership" in q["sql"]]


@pytest.mark.django_db
def test_off_nothing_is_stored(settings):
    settings.REGION_CACHE = False
    d = Members()
    assert "名单委员0" in page(client_for(d.office))
    assert not RenderedRegion.objects.exists()


@pytest.mark.django_db
def test_the_personal_data_audit_is_written_on_every_request(region_on):
    d = Members()
    client = client_for(d.office)
    first = page(client)
    assert d.names and "139" in first  # the phone numbers are shown in full
    assert pii_views(d.office) == 1
    tamper(d.office)
    assert MARK in page(client)
    assert pii_views(d.office) == 2
    event = Event.objects.filter(actor=d.office, verb="pii.view").latest("id")
    assert event.data["count"] == json.loads(RenderedRegion.objects.get().body)["extra"]["unmasked"]


@pytest.mark.django_db
def test_the_permission_check_runs_on_a_stored_region(region_on):
    d = Members()
    client = client_for(d.office)
    page(client)
    tamper(d.office)
    # Inside the test's transaction: nothing commits, the generation stays, the row is current.
    generation = changes.current()
    RoleAssignment.objects.filter(user=d.office).delete()
    assert changes.current() == generation
    assert MARK not in page(client, status=403)


@pytest.mark.django_db
def test_another_user_never_gets_the_first_users_region(region_on):
    d = Members()
    page(client_for(d.office))
    tamper(d.office)
    other = client_for(d.reviewer)
    # The reviewer may not see the member list at all; the proposal list is the pair's page.
    assert MARK not in page(client_for(d.office), "/proposals/")
    assert MARK not in page(other, "/proposals/")
    tamper(d.reviewer)
    assert MARK in page(other, "/proposals/")
    RenderedRegion.objects.filter(user=d.reviewer).delete()
    assert MARK not in page(other, "/proposals/")


@pytest.mark.django_db
def test_each_language_and_query_string_gets_its_own_region(region_on):
    d = Members()
    client = client_for(d.office)
    page(client)
    tamper(d.office)
    assert MARK in page(client)
    assert MARK not in page(client, "/members/?page=1")
    assert MARK not in page(client, "/members/?name=%E5%90%8D%E5%8D%95")
    english = page(client_for(d.office, "en"))
    assert MARK not in english and "Member" in english
    assert RenderedRegion.objects.filter(user=d.office).count() == 4


@pytest.mark.django_db
def test_a_region_older_than_the_bound_or_of_another_generation_is_rebuilt(region_on):
    d = Members()
    client = client_for(d.office)
    page(client)
    tamper(d.office, built_at=timezone.now() - dt.timedelta(seconds=601))
    assert MARK not in page(client)
    tamper(d.office, generation=changes.current() - 1)
    assert MARK not in page(client)
    tamper(d.office)
    assert MARK in page(client)


@pytest.mark.django_db
def test_a_region_of_another_day_or_code_is_not_served(region_on, monkeypatch):
    d = Members()
    client = client_for(d.office)
    page(client)
    tamper(d.office)
    assert MARK in page(client)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(regions.timezone, "localdate", lambda: tomorrow)
    assert MARK not in page(client)
    monkeypatch.undo()
    monkeypatch.setattr(regions, "code_of", lambda module, templates: "another build")
    assert MARK not in page(client)


@pytest.mark.django_db
def test_no_csrf_token_is_stored(region_on):
    d = Members()
    for path in ("/members/", "/proposals/"):
        page(client_for(d.office), path)
    for row in RenderedRegion.objects.all():
        assert "csrf" not in row.body.lower()


@pytest.mark.django_db(transaction=True)
def test_a_member_added_in_another_request_shows_on_the_next_visit(region_on):
    d = Members()
    client = client_for(d.office)
    assert "新来的委员" not in page(client)
    stored = RenderedRegion.objects.get(user=d.office).generation
    seat(MemberFactory(organisation=d.org, name="新来的委员"), d.term)  # commits: autocommit
    assert changes.current() > stored
    assert "新来的委员" in page(client)


@pytest.mark.django_db(transaction=True)
def test_a_proposal_submitted_shows_on_the_next_visit_of_the_list(region_on):
    d = Members()
    reviewer = client_for(d.reviewer)
    assert "加装电梯" not in page(reviewer, "/proposals/")
    assert "加装电梯" not in page(reviewer, "/proposals/")  # served from the row
    d.submit(d.members[0])
    assert "加装电梯" in page(reviewer, "/proposals/")
