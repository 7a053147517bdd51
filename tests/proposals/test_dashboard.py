"""The home page tells each person what waits for them."""

import re

from tests.proposals.conftest import PROPOSAL_TEXT
from xieshang.proposals import services


def card_count(html: str, title: str) -> int | None:
    match = re.search(rf"{title}\s*<span class=\"badge[^\"]*\">(\d+)</span>", html)
    return int(match.group(1)) if match else None


def test_members_reviewers_and_departments_see_their_waiting_work(client, world):
    proposal = services.proposal_create(
        actor=world.user("zhang"),
        organisation=world.district,
        cosigners=[world.members["wang"]],
        **PROPOSAL_TEXT,
    )
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))

    client.force_login(world.user("wang"))
    assert card_count(client.get("/").content.decode(), "联名邀请") == 1

    services.signer_respond(proposal=proposal, actor=world.user("wang"), confirm=True)
    client.force_login(world.reviewer)
    html = client.get("/").content.decode()
    assert card_count(html, "提案审查") == 1
    assert card_count(html, "交办") == 0

    services.proposal_accept(proposal=proposal, actor=world.reviewer)
    services.proposal_assign(proposal=proposal, actor=world.reviewer, lead=world.housing)
    client.force_login(world.housing_clerk)
    html = client.get("/").content.decode()
    assert card_count(html, "提案办理") == 1
    assert "提案审查" not in html  # a department does not review
    client.force_login(world.education_clerk)
    assert card_count(client.get("/").content.decode(), "提案办理") == 0  # not theirs


def card_badge(html: str, title: str) -> str:
    """The badge's colour class: text-bg-danger when the card holds overdue work."""
    return re.search(rf"{title}\s*<span class=\"badge ([^\"]*)\">", html).group(1)


def test_a_card_turns_red_only_while_its_work_is_overdue(client, world):
    import datetime as dt

    from xieshang.proposals.models import Proposal

    proposal = services.proposal_create(
        actor=world.user("zhang"), organisation=world.district, **PROPOSAL_TEXT
    )
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    client.force_login(world.reviewer)
    assert card_badge(client.get("/").content.decode(), "提案审查") == "text-bg-warning"
    Proposal.objects.filter(pk=proposal.pk).update(review_due=dt.date(2020, 1, 6))
    assert card_badge(client.get("/").content.decode(), "提案审查") == "text-bg-danger"

    services.proposal_accept(proposal=proposal, actor=world.reviewer)
    services.proposal_assign(proposal=proposal, actor=world.reviewer, lead=world.housing)
    client.force_login(world.housing_clerk)
    html = client.get("/").content.decode()
    assert card_count(html, "提案办理") == 1 and card_badge(html, "提案办理") == "text-bg-warning"
    task = proposal.assignments.get().task
    task.due_date = dt.date(2020, 1, 6)
    task.save(update_fields=["due_date"])
    html = client.get("/").content.decode()
    assert card_count(html, "提案办理") == 1 and card_badge(html, "提案办理") == "text-bg-danger"
    client.force_login(world.reviewer)
    html = client.get("/").content.decode()
    assert card_count(html, "逾期未办复") == 1
    assert card_badge(html, "逾期未办复") == "text-bg-danger"
    assert card_count(html, "提案审查") == 0
