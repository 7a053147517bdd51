"""The reviewer's similar-proposals panel on the proposal page, loaded by htmx after the page
(views.detail_similar): the page itself no longer waits on the text comparison, and the panel
shows the same list, to the same people, in the same state."""

import pytest

from tests.conftest import login
from tests.proposals.conftest import accepted, submitted
from xieshang.proposals.models import Proposal

EARLIER = "关于老旧小区加装电梯的建议"


@pytest.fixture
def pair(world):
    earlier = submitted(world, key="wang", title=EARLIER)
    mine = submitted(world, title="关于加装电梯的建议")
    return earlier, mine


def test_the_page_asks_for_the_panel_and_the_panel_links_the_similar_proposals(client, pair, world):
    earlier, mine = pair
    client.force_login(world.reviewer)
    page = client.get(mine.get_absolute_url()).content.decode()
    # The review card holds the place, which htmx fills as soon as the page is shown.
    assert f'hx-get="/proposals/{mine.pk}/similar/" hx-trigger="load"' in page
    assert 'id="similar-list"' not in page
    panel = client.get(f"/proposals/{mine.pk}/similar/", HTTP_HX_REQUEST="true")
    assert panel.status_code == 200
    html = panel.content.decode()
    listed = html.split('id="similar-list"', 1)[1].split("</ul>", 1)[0]
    assert f'href="/proposals/{earlier.pk}/"' in listed and EARLIER in listed
    assert f'href="/proposals/{mine.pk}/"' not in listed  # not the proposal itself
    assert "<html" not in html  # a fragment, not a page


def test_only_a_reviewer_of_a_proposal_waiting_for_review_gets_the_panel(client, pair, world):
    earlier, mine = pair
    # The proposer opens the page but reviews nothing: no panel on it, none to fetch.
    client.force_login(world.user("zhang"))
    assert "similar-panel" not in client.get(mine.get_absolute_url()).content.decode()
    assert client.get(f"/proposals/{mine.pk}/similar/").status_code == 403
    # Another district's reviewer may not even know it exists.
    client.force_login(world.other_reviewer)
    assert client.get(f"/proposals/{mine.pk}/similar/").status_code == 404
    # Once reviewed, the page shows no review card and the panel is gone with it.
    done = accepted(world, title="关于电梯维保的建议")
    client.force_login(world.reviewer)
    assert "similar-panel" not in client.get(done.get_absolute_url()).content.decode()
    assert client.get(f"/proposals/{done.pk}/similar/").status_code == 403


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_panel_appears_on_the_reviewers_page_in_a_browser(page, world):
    earlier = submitted(world, key="wang", title=EARLIER)
    mine = submitted(world, title="关于加装电梯的建议")
    login(page, world.reviewer.username)
    page.goto(page.base_url + mine.get_absolute_url())
    page.wait_for_selector("#similar-panel #similar-list")
    panel = page.locator("#similar-panel")
    assert EARLIER in panel.inner_text()
    assert panel.locator(f'a[href="/proposals/{earlier.pk}/"]').count() == 1
    assert "正在查找" not in panel.inner_text()
    assert Proposal.objects.get(pk=mine.pk).status == Proposal.Status.SUBMITTED


# session, user, proposal, signers, attachments, merged proposals, the member, role
# assignments, the calendar (审查期限), the reject reasons (config), unread count, history.
# Not read on this page (perf-page, 2026-12-06): the similar proposals (the panel's own
# request), the 督办 records of a proposal that is not a key one, the assignments of a
# proposal never assigned. +1 (page-read, 2026-12-06): the permission check's own read of
# the columns it asks for, in front of the whole proposal's when the page is built.
REVIEWER_PAGE_QUERIES = 13


def test_the_reviewers_page_of_a_proposal_waiting_for_review_keeps_its_query_count(
    client, pair, world, django_assert_num_queries
):
    _earlier, mine = pair
    client.force_login(world.reviewer)
    client.get(mine.get_absolute_url())
    with django_assert_num_queries(REVIEWER_PAGE_QUERIES):
        response = client.get(mine.get_absolute_url())
    assert "form-accept" in response.content.decode()


def _supervision_reads(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    # Counted at once: the connection's query log is capped, so a slice read later shifts.
    return sum('"proposals_supervision"' in q["sql"] for q in ctx.captured_queries), response


def test_a_key_proposals_page_reads_its_supervision_records_in_one_query(client, world):
    """督办 records are read for a key proposal only, with one query for all of them."""
    from django.utils import timezone

    from xieshang.proposals import services

    proposal = accepted(world)
    client.force_login(world.user("zhang"))
    assert _supervision_reads(client, proposal.get_absolute_url())[0] == 0
    services.key_shortlist(proposal=proposal, actor=world.reviewer)
    services.key_approve(proposal=proposal, actor=world.chair, leading_leader="刘副区长")
    proposal.refresh_from_db()
    for note in ("实地察看", "座谈督办"):
        services.supervision_record(
            proposal=proposal,
            actor=world.reviewer,
            date=timezone.localdate(),
            way="field",
            note=note,
        )
    reads, response = _supervision_reads(client, proposal.get_absolute_url())
    shown = response.content.decode().split('id="supervisions"', 1)[1].split("</ul>", 1)[0]
    assert "实地察看" in shown and "座谈督办" in shown
    assert reads == 1
