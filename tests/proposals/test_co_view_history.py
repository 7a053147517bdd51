"""A co-handler's view (协办意见) is a line of the proposal's history, as an approved extension
is: a tester submitted one and the History on the same page (and on the proposal's page)
still ended with the contact before it; only the follow-up task's record had it. The line
says who, when and which department; the view's text stays between the departments."""

import datetime as dt

import time_machine

from tests.proposals.test_department_pages import ANSWER_POST, ASSIGN_DAY, assigned, co_of, lead_of

VIEW_DAY = ASSIGN_DAY + dt.timedelta(days=2)
TEXT = "建议结合学区改造统筹推进"


def history_rows(page: str) -> list[str]:
    history = page.split('id="history"', 1)[1].split("</ol>", 1)[0]
    return history.split("<li")[1:]


def test_the_co_handlers_view_is_a_line_of_the_proposals_history(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=True)
    co = co_of(proposal)
    with time_machine.travel(VIEW_DAY, tick=False):
        client.force_login(world.education_clerk)
        response = client.post(f"/proposals/dept/{co.pk}/co-view/", {"text": TEXT}, follow=True)
        co_page = response.content.decode()
        client.force_login(world.reviewer)
        committee_page = client.get(proposal.get_absolute_url()).content.decode()
        client.force_login(world.user("zhang"))
        proposer_page = client.get(proposal.get_absolute_url()).content.decode()
        client.force_login(world.education_clerk)
        client.cookies["django_language"] = "en"
        english = client.get(f"/proposals/dept/{co.pk}/").content.decode()
    for page in (co_page, committee_page, proposer_page):
        [row] = [r for r in history_rows(page) if "协办意见" in r]
        assert "2026年3月4日" in row and "教育经办" in row and "区教育局" in row
        assert TEXT not in row  # the view itself is the departments' business
    [row] = [r for r in history_rows(english) if "Co-handler&#x27;s opinion" in r]
    assert "教育经办" in row and "区教育局" in row


def test_a_view_filed_after_the_lead_answered_says_so_in_the_history(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=True)
        client.force_login(world.housing_clerk)
        client.post(f"/proposals/dept/{lead_of(proposal).pk}/answer/", ANSWER_POST)
    with time_machine.travel(VIEW_DAY, tick=False):
        client.force_login(world.education_clerk)
        client.post(f"/proposals/dept/{co_of(proposal).pk}/co-view/", {"text": TEXT})
        client.force_login(world.reviewer)
        page = client.get(proposal.get_absolute_url()).content.decode()
    [row] = [r for r in history_rows(page) if "协办意见" in r]
    assert "区教育局（主办单位答复后提交，存档备查）" in row
