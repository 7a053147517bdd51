"""联系提案人时限 (rules.CONTACT_DAYS, C4.6): the answering department sees by when it should
contact the proposers, on the handling page and in its queue, counted in working days and
marked once overdue, until a contact is recorded; an answer with no contact on record is
taken only when the clerk confirms it on purpose (docs/decisions.md)."""

import datetime as dt

import pytest
import time_machine

from tests.proposals.test_department_pages import ANSWER_POST, ASSIGN_DAY, assigned, co_of, lead_of
from xieshang.core.models import Event
from xieshang.orgs import config
from xieshang.proposals import rules
from xieshang.proposals.models import Answer

# 15 working days after Monday 2026-03-02.
CONTACT_BY = "2026年3月23日"
# Wednesday 2026-03-25: two working days past it.
LATE = dt.datetime(2026, 3, 25, 2, 0, tzinfo=dt.UTC)
NO_CONFIRM = {k: v for k, v in ANSWER_POST.items() if k != "confirm_no_contact"}


def contact_due_line(page: str) -> str:
    if 'id="contact-due"' not in page:
        return ""
    line = page[page.index('id="contact-due"') :]
    return line[: line.index("</p>")]


def queue_cell(page: str) -> str:
    cell = page[page.index("contact-due") :]
    return cell[: cell.index("</td>")]


@pytest.mark.clause("C4.6")
def test_the_contact_by_date_shows_on_the_page_and_the_queue_until_a_contact_is_recorded(
    client, world
):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        assignment = lead_of(proposal)
        client.force_login(world.housing_clerk)
        page = client.get(f"/proposals/dept/{assignment.pk}/").content.decode()
        line = contact_due_line(page)
        assert f"请于{CONTACT_BY}前联系提案人" in line and "剩余15个工作日" in line
        queue = queue_cell(client.get("/proposals/dept/").content.decode())
        assert f"{CONTACT_BY}前" in queue and "剩余15个工作日" in queue

    with time_machine.travel(LATE, tick=False):
        client.force_login(world.housing_clerk)
        line = contact_due_line(client.get(f"/proposals/dept/{assignment.pk}/").content.decode())
        assert "已逾期2个工作日" in line and "text-bg-danger" in line
        queue = queue_cell(client.get("/proposals/dept/").content.decode())
        assert "已逾期2个工作日" in queue
        response = client.post(
            f"/proposals/dept/{assignment.pk}/contact/",
            {"date": "2026-03-25", "way": "phone", "note": "电话沟通"},
        )
        assert response.status_code == 302
        page = client.get(f"/proposals/dept/{assignment.pk}/").content.decode()
        assert contact_due_line(page) == ""
        assert "已联系" in queue_cell(client.get("/proposals/dept/").content.decode())


def test_the_date_follows_the_rule_in_force_when_the_proposal_was_assigned(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        config.set_value(world.district, rules.CONTACT_DAYS, 10, actor=world.office)
        proposal = assigned(world)
        # A later change does not move the date of an assignment already made.
        config.set_value(world.district, rules.CONTACT_DAYS, 20, actor=world.office)
        client.force_login(world.housing_clerk)
        page = client.get(f"/proposals/dept/{lead_of(proposal).pk}/").content.decode()
    assert lead_of(proposal).contact_due == dt.date(2026, 3, 16)
    assert "请于2026年3月16日前联系提案人" in contact_due_line(page)


def test_a_co_handler_is_not_given_the_contact_deadline(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=True)
        client.force_login(world.education_clerk)
        page = client.get(f"/proposals/dept/{co_of(proposal).pk}/").content.decode()
    assert contact_due_line(page) == ""


@pytest.mark.clause("C4.6")
def test_an_answer_without_a_recorded_contact_needs_the_clerks_confirmation(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        assignment = lead_of(proposal)
        url = f"/proposals/dept/{assignment.pk}/"
        client.force_login(world.housing_clerk)
        page = client.get(url).content.decode()
        assert 'id="no-contact-warning"' in page
        assert "确认不经联系直接答复" in page

        refused = client.post(f"{url}answer/", {**NO_CONFIRM, "version": 0})
        html = refused.content.decode()
        assert refused.status_code == 400
        assert "尚未记录与提案人的联系。请先联系提案人并记录" in html
        assert ANSWER_POST["text"].splitlines()[0] in html  # what the clerk typed is kept
        assert not Answer.objects.exists()

        sent = client.post(
            f"{url}answer/", {**NO_CONFIRM, "version": 0, "confirm_no_contact": "on"}
        )
        assert sent.status_code == 302
    answer = Answer.objects.get()
    assert answer.sent_at is not None  # no leader's account: it went at once
    event = Event.objects.get(verb="proposal.answer", data__department=world.housing.name)
    assert event.data["no_contact"] is True


def test_an_answer_after_a_recorded_contact_needs_no_confirmation(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        url = f"/proposals/dept/{lead_of(proposal).pk}/"
        client.force_login(world.housing_clerk)
        client.post(f"{url}contact/", {"date": "2026-03-02", "way": "meeting", "note": "面商"})
        page = client.get(url).content.decode()
        assert 'id="no-contact-warning"' not in page and "确认不经联系直接答复" not in page
        sent = client.post(f"{url}answer/", {**NO_CONFIRM, "version": 0})
    assert sent.status_code == 302
    event = Event.objects.filter(verb="proposal.answer").first()
    assert "no_contact" not in event.data
