"""The proposal committee's side of a proposal in handling (C4.6): a part that one split
department sent back (申请退回) while another still handles its own is handed to another
department from the proposal's page (改交), audited, with the new department told and given
the first assignment's deadlines; and a department's pending extension request (申请延期)
shows on the proposal's page with the date asked for, the reason and the way to decide it."""

import datetime as dt

import pytest
import time_machine

from tests.core.test_i18n import CJK
from tests.factories import DepartmentFactory, user_with_role
from tests.proposals.conftest import PROPOSAL_TEXT
from tests.proposals.test_department_pages import ASSIGN_DAY
from xieshang.core import calendar
from xieshang.core.models import Event, Notification
from xieshang.orgs import config
from xieshang.orgs.models import Role
from xieshang.proposals import rules, services
from xieshang.proposals.models import Assignment, Proposal

A = Assignment.Status
# Thursday 2026-03-05: within the three working days a department may send its part back.
RETURN_DAY = dt.datetime(2026, 3, 5, 2, 0, tzinfo=dt.UTC)
# Tuesday 2026-03-10: the committee hands the returned part on.
REASSIGN_DAY = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)


def split_between_two(world) -> Proposal:
    """Assigned for split handling (分办) to 住建局 and 教育局."""
    proposal = services.proposal_create(
        actor=world.user("zhang"), organisation=world.district, **PROPOSAL_TEXT
    )
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    services.proposal_accept(proposal=proposal, actor=world.reviewer)
    services.proposal_assign(
        proposal=proposal, actor=world.reviewer, split=[world.housing, world.education]
    )
    proposal.refresh_from_db()
    return proposal


def part_of(proposal, department) -> Assignment:
    return proposal.assignments.get(department=department, round=1)


@pytest.fixture
def transport(world):
    department = DepartmentFactory(organisation=world.district, name="区交通运输局")
    clerk = user_with_role(
        Role.DEPARTMENT, world.district, department=department, full_name="交通经办"
    )
    return department, clerk


def returned_by_housing(world) -> Proposal:
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = split_between_two(world)
    with time_machine.travel(RETURN_DAY, tick=False):
        services.assignment_return(
            assignment=part_of(proposal, world.housing),
            actor=world.housing_clerk,
            reason="道路交通不属于本局职责。",
        )
    proposal.refresh_from_db()
    return proposal


@pytest.mark.clause("C4.6")
def test_the_committee_hands_a_returned_split_part_to_another_department(client, world, transport):
    department, transport_clerk = transport
    proposal = returned_by_housing(world)
    returned = part_of(proposal, world.housing)
    # The other split department goes on with its part: the proposal stays in handling.
    assert proposal.status == Proposal.Status.ASSIGNED
    assert returned.status == A.RETURNED

    with time_machine.travel(REASSIGN_DAY, tick=False):
        client.force_login(world.reviewer)
        page = client.get(proposal.get_absolute_url()).content.decode()
        assert f'id="returned-part-{returned.pk}"' in page
        part = page.split(f'id="returned-part-{returned.pk}"', 1)[1].split("</li>", 1)[0]
        assert "区住房和城乡建设局" in part and "道路交通不属于本局职责。" in part
        link = f"/proposals/{proposal.pk}/reassign/{returned.pk}/"
        assert f'href="{link}"' in part

        form = client.get(link)
        assert form.status_code == 200
        assert "道路交通不属于本局职责。" in form.content.decode()
        response = client.post(link, {"department": department.pk, "note": "请交通局办理。"})
        assert response.status_code == 302
        assert response["Location"] == proposal.get_absolute_url()

    new = proposal.assignments.get(department=department)
    assert (new.role, new.status, new.round) == (Assignment.Role.SPLIT, A.HANDLING, 1)
    # The first assignment's deadlines, counted from the day it was handed on.
    start = dt.date(2026, 3, 10)
    answer_months = config.get(world.district, rules.ANSWER_MONTHS)
    assert new.task.due_date == services.months_later(start, answer_months)
    assert new.task.department == department
    contact_days = config.get(world.district, rules.CONTACT_DAYS)
    assert new.contact_due == calendar.add_working_days(start, contact_days)
    returned.refresh_from_db()
    assert returned.status == A.WITHDRAWN  # 已改交
    assert part_of(proposal, world.education).status == A.HANDLING
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ASSIGNED

    # Audited: who, from which department to which, and why.
    event = Event.objects.get(verb="proposal.reassign")
    assert event.actor == world.reviewer
    assert event.note == "改交：区住房和城乡建设局 → 区交通运输局；请交通局办理。"
    assert event.data["from"] == "区住房和城乡建设局" and event.data["to"] == "区交通运输局"

    # The new department is told, with a link to its handling page, and can open it.
    notice = Notification.objects.get(recipient=transport_clerk, title__startswith="提案改交")
    assert notice.url == f"/proposals/dept/{new.pk}/"
    assert "道路交通不属于本局职责。" in notice.body and "请交通局办理。" in notice.body
    # The proposers learn who answers that part now.
    told = Notification.objects.get(recipient=world.user("zhang"), title__startswith="提案改交")
    assert "区交通运输局" in told.body
    client.force_login(transport_clerk)
    assert client.get(f"/proposals/dept/{new.pk}/").status_code == 200

    # The part is no longer waiting on the committee's page, and cannot be handed on twice.
    client.force_login(world.reviewer)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert f'id="returned-part-{returned.pk}"' not in page
    again = client.post(link, {"department": world.education.pk})
    assert again.status_code == 400
    assert "该部分已改交其他单位办理。" in again.content.decode()
    assert proposal.assignments.count() == 3


def test_the_returned_part_goes_neither_back_nor_to_a_department_already_handling_it(
    client, world, transport
):
    proposal = returned_by_housing(world)
    returned = part_of(proposal, world.housing)
    link = f"/proposals/{proposal.pk}/reassign/{returned.pk}/"
    client.force_login(world.reviewer)
    with time_machine.travel(REASSIGN_DAY, tick=False):
        back = client.post(link, {"department": world.housing.pk})
        assert back.status_code == 400
        assert "区住房和城乡建设局已申请退回，请改交其他单位。" in back.content.decode()
        taken = client.post(link, {"department": world.education.pk})
        assert taken.status_code == 400
        assert "区教育局已承办该提案。" in taken.content.decode()
        empty = client.post(link, {"department": ""})
        assert empty.status_code == 400
    returned.refresh_from_db()
    assert returned.status == A.RETURNED
    assert proposal.assignments.count() == 2
    assert not Event.objects.filter(verb="proposal.reassign").exists()


def test_only_the_proposal_committee_of_the_proposal_hands_a_part_on(client, world, transport):
    department, transport_clerk = transport
    proposal = returned_by_housing(world)
    returned = part_of(proposal, world.housing)
    link = f"/proposals/{proposal.pk}/reassign/{returned.pk}/"
    for user in (world.housing_clerk, world.education_clerk, world.other_reviewer):
        client.force_login(user)
        assert client.get(link).status_code == 404
        assert client.post(link, {"department": department.pk}).status_code == 404
    # A department's page of the proposal has no such panel.
    client.force_login(world.education_clerk)
    page = client.get(f"/proposals/dept/{part_of(proposal, world.education).pk}/")
    assert "returned-part-" not in page.content.decode()
    assert returned.__class__.objects.get(pk=returned.pk).status == A.RETURNED


def test_a_part_still_handled_or_a_lead_return_is_not_handed_on(client, world, transport):
    department, _clerk = transport
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = split_between_two(world)
    handling = part_of(proposal, world.education)
    client.force_login(world.reviewer)
    page = client.get(f"/proposals/{proposal.pk}/reassign/{handling.pk}/")
    assert "该单位未申请退回，不能改交。" in page.content.decode()
    assert 'id="reassign-form"' not in page.content.decode()
    refused = client.post(
        f"/proposals/{proposal.pk}/reassign/{handling.pk}/", {"department": department.pk}
    )
    assert refused.status_code == 400
    assert not proposal.assignments.filter(department=department).exists()


@pytest.mark.clause("C4.6")
def test_a_pending_extension_request_shows_on_the_committees_proposal_page(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = split_between_two(world)
        part = part_of(proposal, world.education)
        client.force_login(world.reviewer)
        page = client.get(proposal.get_absolute_url()).content.decode()
        assert "pending-extension-" not in page
        extension = services.assignment_extension_request(
            assignment=part,
            actor=world.education_clerk,
            requested_due=part.task.due_date + dt.timedelta(days=30),
            reason="需会同财政部门测算补贴资金。",
        )
        page = client.get(proposal.get_absolute_url()).content.decode()
        assert f'id="pending-extension-{extension.pk}"' in page
        shown = page.split(f'id="pending-extension-{extension.pk}"', 1)[1].split("</li>", 1)[0]
        assert "区教育局" in shown
        assert "需会同财政部门测算补贴资金。" in shown
        old, new = part.task.due_date, extension.requested_due
        assert f"由{old.year}年{old.month}月{old.day}日延至" in shown
        assert f"延至{new.year}年{new.month}月{new.day}日" in shown
        decide = f'href="/followups/{part.task_id}/#note-{extension.pk}"'
        assert decide in shown
        # The link leads to the page where the request is decided.
        task_page = client.get(f"/followups/{part.task_id}/").content.decode()
        assert f'id="note-{extension.pk}"' in task_page

        # Decided: it is no longer pending on the proposal's page.
        client.post(
            f"/followups/{part.task_id}/extension/{extension.pk}/decide/",
            {"decision": "approve", "note": ""},
        )
        page = client.get(proposal.get_absolute_url()).content.decode()
        assert f'id="pending-extension-{extension.pk}"' not in page


def test_the_panel_and_the_page_read_in_english(client, world, transport):
    proposal = returned_by_housing(world)
    returned = part_of(proposal, world.housing)
    part = part_of(proposal, world.education)
    with time_machine.travel(REASSIGN_DAY, tick=False):
        services.assignment_extension_request(
            assignment=part,
            actor=world.education_clerk,
            requested_due=part.task.due_date + dt.timedelta(days=30),
            reason="资金测算",
        )
        client.force_login(world.reviewer)
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        page = client.get(proposal.get_absolute_url()).content.decode()
        panel = page.split('id="handling-pending"', 1)[1].split("</section>", 1)[0]
        # Only the data is Chinese: the units' names, the reasons, the person.
        for data in ("区住房和城乡建设局", "区教育局", "道路交通不属于本局职责。", "资金测算"):
            panel = panel.replace(data, "")
        panel = panel.replace(world.education_clerk.display_name, "")
        assert "Extension requests awaiting a decision" in panel
        assert CJK.findall(panel) == [], CJK.findall(panel)
        form = client.get(f"/proposals/{proposal.pk}/reassign/{returned.pk}/").content.decode()
        main = form.split("<main", 1)[1].split("</main>", 1)[0]
        for data in ("区住房和城乡建设局", "区教育局", "道路交通不属于本局职责。"):
            main = main.replace(data, "")
        main = main.replace(proposal.number, "").replace(proposal.title, "")
        assert "Hand to another unit" in main
        assert CJK.findall(main) == [], CJK.findall(main)
