"""Many members pressing 提交 at the same moment, and a submission that fails after the
draft was saved: every member's text is kept and every proposal gets its own number.

The parallel test runs on whatever database the run uses (SQLite by default, PostgreSQL when
DATABASE_URL is set), with real transactions: each thread is one browser session going
through the real view, and the threads meet at a barrier so they post at the same instant.
"""

import threading

import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests.concurrency import database_as_deployed
from tests.factories import MemberFactory, UserFactory
from tests.proposals.conftest import PROPOSAL_TEXT, draft
from xieshang.core.audit import TransitionError
from xieshang.orgs.models import Role, RoleAssignment
from xieshang.proposals import services
from xieshang.proposals.models import Proposal

S = Proposal.Status
PARALLEL = 30


def form_data(**overrides):
    data = {**PROPOSAL_TEXT, "is_public_interest": "on", "do": "submit"}
    data.update(overrides)
    return data


def _text(i: int) -> dict:
    """A text of member `i`'s own, so a mix-up between requests would show."""
    return {
        "title": f"关于第{i}号街区停车难问题的建议",
        "facts": f"第{i}号街区早晚高峰停车位缺口约{100 + i}个。",
        "analysis": f"第{i}号街区老旧小区多，无地下车库。",
        "suggestions": f"一是错时共享第{i}号街区机关停车位；二是建设立体停车库。",
    }


def _members(world, n: int):
    members = []
    for i in range(n):
        user = UserFactory(username=f"par{i}", full_name=f"并发委员{i}")
        RoleAssignment.objects.create(user=user, organisation=world.district, role=Role.MEMBER)
        members.append(MemberFactory(organisation=world.district, name=f"并发委员{i}", user=user))
    return members


@pytest.mark.django_db(transaction=True)
def test_thirty_members_submitting_at_once_each_get_their_own_number(world, tmp_path):
    members = _members(world, PARALLEL)
    clients = []
    for member in members:
        client = Client()
        client.force_login(member.user)
        clients.append(client)
    with database_as_deployed(tmp_path):
        results = _post_at_once(clients)
        proposals = {p.first_proposer_id: p for p in Proposal.objects.all()}

    failures = [r for r in results if not (isinstance(r, tuple) and r[0] == 302)]
    assert failures == []
    assert len(proposals) == PARALLEL
    for i, member in enumerate(members):
        proposal = proposals[member.pk]
        assert {name: getattr(proposal, name) for name in _text(i)} == _text(i)
        assert proposal.status == S.SUBMITTED
        assert results[i][1] == proposal.get_absolute_url()
    serials = sorted(p.serial for p in proposals.values())
    assert serials == list(range(1, PARALLEL + 1))
    assert len({p.number for p in proposals.values()}) == PARALLEL


def _post_at_once(clients: list[Client]) -> list:
    """Client i posts member i's text; all at the same moment. (status, Location) or the
    exception, per client."""
    barrier = threading.Barrier(PARALLEL, timeout=60)
    results: list = [None] * PARALLEL

    def run(i: int) -> None:
        try:
            barrier.wait()
            response = clients[i].post("/proposals/new/", form_data(**_text(i)))
            results[i] = (response.status_code, response.get("Location", ""))
        except Exception as exc:  # noqa: BLE001 - any failure is reported below
            results[i] = exc
        finally:
            # A connection must not outlive its thread: PostgreSQL cannot drop the test
            # database while one is open.
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


# --- A submission that fails after the draft was saved ------------------------------------------


def _fail_with(exc):
    def submit(**kwargs):
        raise exc

    return submit


@pytest.mark.parametrize(
    "error",
    [
        TransitionError("提案状态已变化。"),
        OperationalError("could not serialize access"),
    ],
    ids=["refused", "database-error"],
)
def test_a_failed_submission_of_a_new_proposal_keeps_the_draft(client, world, monkeypatch, error):
    monkeypatch.setattr(services, "proposal_submit", _fail_with(error))
    client.force_login(world.user("zhang"))
    response = client.post("/proposals/new/", form_data(title="关于社区食堂的建议"))
    proposal = Proposal.objects.get()
    assert (proposal.title, proposal.status, proposal.serial) == (
        "关于社区食堂的建议",
        S.DRAFT,
        None,
    )
    assert proposal.suggestions == PROPOSAL_TEXT["suggestions"]
    assert response.status_code == 302
    assert response["Location"] == f"/proposals/{proposal.pk}/edit/"
    page = client.get(response["Location"]).content.decode()
    assert "草稿已保存，但提案未能提交" in page
    assert 'value="关于社区食堂的建议"' in page and PROPOSAL_TEXT["suggestions"] in page


def test_a_failed_submission_from_the_edit_page_keeps_the_edit(client, world, monkeypatch):
    proposal = draft(world)
    monkeypatch.setattr(services, "proposal_submit", _fail_with(OperationalError("locked")))
    client.force_login(world.user("zhang"))
    response = client.post(
        f"/proposals/{proposal.pk}/edit/",
        form_data(title="关于加装电梯的建议（修改稿）", version="1"),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/proposals/{proposal.pk}/edit/"
    proposal.refresh_from_db()
    assert (proposal.title, proposal.version, proposal.status) == (
        "关于加装电梯的建议（修改稿）",
        2,
        S.DRAFT,
    )
    page = client.get(response["Location"]).content.decode()
    assert "草稿已保存，但提案未能提交" in page
    # The page carries the saved version, so pressing 提交 again is not a stale edit.
    assert 'name="version" value="2"' in page


def test_the_member_can_submit_the_kept_draft_again(client, world, monkeypatch):
    client.force_login(world.user("zhang"))
    with monkeypatch.context() as patched:
        patched.setattr(services, "proposal_submit", _fail_with(OperationalError("locked")))
        client.post("/proposals/new/", form_data())
    proposal = Proposal.objects.get()
    response = client.post(f"/proposals/{proposal.pk}/edit/", form_data(version="1"))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED and proposal.serial == 1
