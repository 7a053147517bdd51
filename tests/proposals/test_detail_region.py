"""The proposal page's region kept across worker processes (core.regions, proposals.views.detail):
the page is the same built, stored or kept (its CSRF token aside), its forms post with the
reader's own token, it is never another user's, the permission check runs in front of it, and
a committed write makes the next visit a rebuild."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.core.test_home_cache import TEXT, District, client_for
from tests.core.test_regions import MARK, tamper
from xieshang.core import changes, regions
from xieshang.core.models import RenderedRegion
from xieshang.orgs.models import RoleAssignment
from xieshang.proposals import selectors, services
from xieshang.proposals.models import Proposal, Signer

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


@pytest.fixture
def region_on(settings):
    settings.REGION_CACHE = True
    settings.REGION_CACHE_SECONDS = 600


def page(client, proposal, status: int = 200) -> str:
    response = client.get(f"/proposals/{proposal.pk}/")
    assert response.status_code == status, response.status_code
    return response.content.decode()


def untokened(html: str) -> str:
    """`html` with its CSRF tokens (the forms' and the layout's for htmx) blanked."""
    html = TOKEN.sub('name="csrfmiddlewaretoken" value="…"', html)
    return re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": "…"', html)


def stored_html(user) -> str:
    return "".join(json.loads(r.body)["html"] for r in RenderedRegion.objects.filter(user=user))


@pytest.mark.django_db
def test_the_page_is_the_same_built_stored_or_kept(settings):
    d = District()
    proposal = d.submit(d.members[0])
    readers = [d.reviewer, d.office, d.members[0]]
    for language in ("", "en"):
        settings.REGION_CACHE = False
        built = {u.pk: untokened(page(client_for(u, language), proposal)) for u in readers}
        settings.REGION_CACHE = True
        for user in readers:
            client = client_for(user, language)
            stored = page(client, proposal)
            with CaptureQueriesContext(connection) as ctx:
                kept = page(client, proposal)
            # The second visit is the kept region: the attachments are not read again.
            assert not [q for q in ctx.captured_queries if "proposals_attachment" in q["sql"]]
            assert untokened(stored) == built[user.pk] == untokened(kept), (user, language)
    assert RenderedRegion.objects.count() == 6


@pytest.mark.django_db
def test_a_kept_page_s_form_posts_with_the_readers_token(region_on):
    d = District()
    proposal = d.submit(d.members[0])
    client = Client(enforce_csrf_checks=True)
    client.force_login(d.reviewer)
    first = page(client, proposal)
    assert 'id="form-accept"' in first
    tamper(d.reviewer)
    second = page(client, proposal)
    assert MARK in second  # the kept region
    token = TOKEN.findall(second.split('id="form-accept"', 1)[1])[0]
    response = client.post(
        f"/proposals/{proposal.pk}/act/accept/",
        {"csrfmiddlewaretoken": token, "accept-note": "同意立案"},
    )
    assert response.status_code == 302, response.status_code
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    # The stored region holds the placeholder, never a user's token.
    body = stored_html(d.reviewer)
    assert regions.CSRF_PLACEHOLDER in body and token != regions.CSRF_PLACEHOLDER
    assert token not in body and not set(TOKEN.findall(body)) - {regions.CSRF_PLACEHOLDER}


@pytest.mark.django_db
def test_another_user_never_gets_the_reviewers_page(region_on):
    d = District()
    proposal = d.submit(d.members[0])
    page(client_for(d.reviewer), proposal)
    tamper(d.reviewer)
    assert MARK in page(client_for(d.reviewer), proposal)
    # The proposer reads the same path: their own page, without the reviewer's forms.
    own = page(client_for(d.members[0]), proposal)
    assert MARK not in own and 'id="form-accept"' not in own


@pytest.mark.django_db
def test_the_permission_check_runs_in_front_of_a_kept_page(region_on):
    d = District()
    proposal = d.submit(d.members[0])
    client = client_for(d.reviewer)
    page(client, proposal)
    tamper(d.reviewer)
    generation = changes.current()
    RoleAssignment.objects.filter(user=d.reviewer).delete()  # not committed: the row stays
    assert changes.current() == generation
    assert MARK not in page(client, proposal, status=404)


@pytest.mark.django_db
def test_a_refused_action_is_shown_with_its_input_and_not_kept(region_on):
    d = District()
    proposal = d.submit(d.members[0])
    client = client_for(d.reviewer)
    page(client, proposal)
    tamper(d.reviewer)
    response = client.post(f"/proposals/{proposal.pk}/act/return/", {"return-note": ""})
    assert response.status_code == 400
    assert MARK not in response.content.decode() and "请写明修改意见" in response.content.decode()
    assert MARK in page(client, proposal)


@pytest.mark.django_db(transaction=True)
def test_a_proposal_moved_in_another_request_shows_on_the_next_visit(region_on):
    d = District()
    proposal = d.submit(d.members[0])
    client = client_for(d.reviewer)
    page(client, proposal)
    assert 'id="form-accept"' in page(client, proposal)  # served from the row
    services.proposal_accept(proposal=proposal, actor=d.reviewer)  # commits: autocommit
    after = page(client, proposal)
    assert 'id="form-accept"' not in after and 'id="form-assign"' in after


@pytest.mark.django_db
def test_the_check_in_front_of_a_kept_page_reads_the_signers_only_for_a_member(region_on):
    """The check reads the proposal's checked columns, not its signers: a co-signer (a member,
    not the proposer) still reads the page, kept, and another member does not; the reviewer's
    kept visit does not read the signers at all (page-read)."""
    d = District()
    proposal = d.submit(d.members[0])
    cosigner, other = d.member(), d.member()
    Signer.objects.create(proposal=proposal, member=cosigner.member, status=Signer.Status.CONFIRMED)
    client = client_for(cosigner)
    page(client, proposal)
    tamper(cosigner)
    assert MARK in page(client, proposal)
    page(client_for(other), proposal, status=404)
    reviewer = client_for(d.reviewer)
    page(reviewer, proposal)
    with CaptureQueriesContext(connection) as ctx:
        assert proposal.title in page(reviewer, proposal)
    assert not [q for q in ctx.captured_queries if "proposals_signer" in q["sql"]]


@pytest.mark.django_db
def test_the_reviewers_kept_page_does_not_read_the_logins_member(region_on):
    """`proposals.view` is asked before the proposer tests (perf-page): the reviewer's kept
    visit reads no member, and the answers stay: the reviewer never reads a member's draft,
    its proposer does."""
    d = District()
    proposal = d.submit(d.members[0])
    reviewer = client_for(d.reviewer)
    page(reviewer, proposal)
    with CaptureQueriesContext(connection) as ctx:
        assert proposal.title in page(reviewer, proposal)
    assert not [q for q in ctx.captured_queries if "members_member" in q["sql"]]
    draft = services.proposal_create(actor=d.members[0], organisation=d.org, **TEXT)
    page(reviewer, draft, status=404)
    assert draft.title in page(client_for(d.members[0]), draft)


@pytest.mark.django_db
def test_the_checked_read_is_the_orms_read(django_assert_num_queries):
    """`selectors.proposal_to_view` runs SQL compiled once (perf-page): the same proposal as
    the ORM's read of the checked columns, the rest deferred, its organisation's path with it,
    in one query; none for a proposal that does not exist."""
    d = District()
    submitted = d.submit(d.members[0])
    draft = services.proposal_create(actor=d.members[1], organisation=d.org, **TEXT)
    for proposal in (submitted, draft):
        orm = (
            Proposal.objects.select_related("organisation")
            .only(*selectors.VIEW_CHECKED)
            .get(pk=proposal.pk)
        )
        with django_assert_num_queries(1):
            read = selectors.proposal_to_view(proposal.pk)
            checked = [
                (read.pk, read.title, read.status, read.key_status, read.organisation.path),
                (read.created_by_id, read.first_proposer_id, read.organisation_id),
            ]
        assert checked == [
            (orm.pk, orm.title, orm.status, orm.key_status, orm.organisation.path),
            (orm.created_by_id, orm.first_proposer_id, orm.organisation_id),
        ]
        assert read.get_deferred_fields() == orm.get_deferred_fields()
        assert read.organisation.get_deferred_fields() == orm.organisation.get_deferred_fields()
    assert selectors.proposal_to_view(max(submitted.pk, draft.pk) + 1) is None
