"""The Party committee's and the government's offices record their own leaders' instructions
(批示, C4.7) on what the CPPCC sent or reported to them (a 社情民意 item reported to the
Party committee, a key proposal), find those items on 报送本机关, and the office that set a
follow-up task hears of the unit's written feedback once."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.factories import DepartmentFactory, make_org, user_with_role
from tests.opinions.factories import make_opinion, member_user
from xieshang.core.models import Event, Notification
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.followups import services
from xieshang.followups.models import Instruction, Task
from xieshang.opinions import services as opinions
from xieshang.opinions.models import Opinion
from xieshang.orgs.models import Level, Role
from xieshang.proposals.models import Proposal

pytestmark = pytest.mark.django_db
MORNING = dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC)  # Monday 2 March 2026, 10:00 Beijing


@pytest.fixture
def world():
    city = make_org("示范市政协", Level.CITY)
    org = make_org("示范区政协", Level.DISTRICT, parent=city)
    other = make_org("邻区政协", Level.DISTRICT, parent=city)
    housing = DepartmentFactory(organisation=org, name="区住房和城乡建设局")
    office = user_with_role(Role.OFFICE, org, full_name="区政协办")
    member = member_user(org, name="张委员")
    return {
        "city": city,
        "org": org,
        "other": other,
        "housing": housing,
        "office": office,
        "member": member,
        "clerk": user_with_role(Role.DEPARTMENT, org, department=housing, full_name="住建经办"),
        "party_office": user_with_role(Role.PARTY_OFFICE, org, full_name="区委办"),
        "gov_office": user_with_role(Role.GOVERNMENT_OFFICE, org, full_name="区政府办"),
        "other_party_office": user_with_role(Role.PARTY_OFFICE, other, full_name="邻区委办"),
        "city_party_office": user_with_role(Role.PARTY_OFFICE, city, full_name="市委办"),
    }


def _reported_to_party(w) -> Opinion:
    opinion = make_opinion(w["member"], office=w["office"], state=Opinion.Status.PUBLISHED)
    opinions.opinion_report(opinion=opinion, actor=w["office"], upward=False, party=True)
    opinion.refresh_from_db()
    return opinion


def _form(**extra):
    data = {
        "leader": "王书记",
        "level": "district",
        "instructed_on": "2026-03-02",
        "text": "请区住建局研究落实，月底前报结果。",
        "working_days": 10,
    }
    data.update(extra)
    return data


@pytest.mark.clause("C4.7")
def test_the_party_office_records_its_leaders_instruction_on_an_item_reported_to_it(client, world):
    w = world
    with time_machine.travel(MORNING):
        opinion = _reported_to_party(w)
        client.force_login(w["party_office"])
        # It finds the item on 报送本机关 (and the home card), with the form's link.
        listing = client.get(reverse("followups:received") + "?state=pending")
        assert listing.status_code == 200
        html = listing.content.decode()
        form_url = f"/followups/instructions/new/opinions.opinion/{opinion.pk}/"
        assert opinion.title in html and form_url in html
        home = client.get("/").content.decode()
        assert "报送本机关的事项" in home and "?state=pending&amp;year=2026" in home
        last_year = client.get(reverse("followups:received") + "?year=2025").content.decode()
        assert opinion.title not in last_year

        response = client.post(form_url, _form(departments=[w["housing"].pk]))
        assert response.status_code == 302
        page = client.get(reverse("opinions:detail", args=[opinion.pk])).content.decode()
        everything = client.get(reverse("followups:received")).content.decode()
        pending = client.get(reverse("followups:received") + "?state=pending").content.decode()

    instruction = Instruction.objects.get()
    # Who gave it (the leader) and who recorded it (the office, its clerk) are both kept.
    assert instruction.leader == "王书记"
    assert instruction.created_by == w["party_office"]
    assert instruction.recorded_as == Role.PARTY_OFFICE
    # The units of the item's own district carry it out, by a deadline in working days.
    assert instruction.organisation == w["org"]
    task = Task.objects.get(kind=Task.Kind.INSTRUCTION)
    assert task.department == w["housing"] and task.due_date == dt.date(2026, 3, 16)
    assert task.requested_by == w["party_office"]
    event = Event.objects.get(verb="followup.instruction")
    assert event.actor == w["party_office"] and event.data["recorded_as"] == Role.PARTY_OFFICE
    # The author's duty file counts the instruction, as when the CPPCC office records it.
    assert DutyRecord.objects.filter(member=w["member"], kind=DutyKind.OPINION_INSTRUCTED).exists()
    assert "党委办公室（区委办）记录" in page
    assert opinion.title in everything and "（党委办公室记录）" in everything
    assert opinion.title not in pending


@pytest.mark.clause("C4.7")
def test_an_office_records_only_on_what_was_sent_to_it(client, world):
    w = world
    opinion = _reported_to_party(w)  # to the Party committee, not to the government
    form_url = f"/followups/instructions/new/opinions.opinion/{opinion.pk}/"
    for outsider in (w["gov_office"], w["other_party_office"], w["city_party_office"]):
        client.force_login(outsider)
        assert client.get(form_url).status_code == 404
        assert client.post(form_url, _form(departments=[w["housing"].pk])).status_code == 404
        with pytest.raises(PermissionDenied):
            services.instruction_record(
                item=opinion,
                actor=outsider,
                leader="王书记",
                level="district",
                instructed_on=dt.date(2026, 3, 2),
                text="阅。",
                departments=[w["housing"]],
            )
    client.force_login(w["other_party_office"])
    assert opinion.title not in client.get(reverse("followups:received")).content.decode()
    assert not Instruction.objects.exists() and not Task.objects.exists()
    # Nobody but the two offices has the list.
    for user in (w["office"], w["clerk"], w["member"].user):
        client.force_login(user)
        assert client.get(reverse("followups:received")).status_code == 403


@pytest.mark.clause("C4.7")
def test_the_offices_of_a_key_proposals_node_read_it_and_record_on_it(client, world):
    w = world
    key = Proposal.objects.create(
        organisation=w["org"],
        year=2026,
        title="关于加快老旧小区加装电梯的提案",
        suggestions="简化审批，财政补贴。",
        status=Proposal.Status.ASSIGNED,
        key_status=Proposal.KeyStatus.APPROVED,
    )
    ordinary = Proposal.objects.create(
        organisation=w["org"],
        year=2026,
        title="普通提案",
        suggestions="……",
        status=Proposal.Status.ASSIGNED,
    )
    client.force_login(w["gov_office"])
    listing = client.get(reverse("followups:received")).content.decode()
    assert key.title in listing and "普通提案" not in listing
    assert client.get(reverse("proposals:detail", args=[key.pk])).status_code == 200
    assert client.get(reverse("proposals:detail", args=[ordinary.pk])).status_code in (403, 404)
    response = client.post(
        f"/followups/instructions/new/proposals.proposal/{key.pk}/",
        _form(leader="李区长", departments=[w["housing"].pk]),
    )
    assert response.status_code == 302
    assert Instruction.objects.get().recorded_as == Role.GOVERNMENT_OFFICE
    # A city's office neither reads nor records a district's key proposal.
    client.force_login(w["city_party_office"])
    assert client.get(reverse("proposals:detail", args=[key.pk])).status_code in (403, 404)
    assert (
        client.get(f"/followups/instructions/new/proposals.proposal/{key.pk}/").status_code == 404
    )


@pytest.mark.clause("C4.7")
def test_the_office_that_set_a_task_hears_of_the_written_feedback_once(world, client):
    w = world
    opinion = _reported_to_party(w)
    services.instruction_record(
        item=opinion,
        actor=w["party_office"],
        leader="王书记",
        level="district",
        instructed_on=dt.date.today(),
        text="请研究落实。",
        departments=[w["housing"]],
    )
    task = Task.objects.get(kind=Task.Kind.INSTRUCTION)
    # The unit reads whom it answers: the office that recorded the instruction.
    client.force_login(w["clerk"])
    page = client.get(reverse("followups:detail", args=[task.pk])).content.decode()
    assert "党委办公室（区委办）" in page
    services.feedback_submit(task=task, text="已制定分摊办法。", actor=w["clerk"])

    [note] = Notification.objects.filter(recipient=w["party_office"], title__contains="书面反馈")
    assert w["housing"].name in note.body and note.url == f"/followups/{task.pk}/"
    # The author is told by the item's module, the clerk who answered by nobody.
    assert Notification.objects.filter(recipient=w["member"].user, title__contains="书面反馈")
    assert not Notification.objects.filter(recipient=w["clerk"], title__contains="书面反馈")


def test_a_requester_told_by_the_subjects_module_is_not_told_twice(world):
    from xieshang.core.notifications import notify
    from xieshang.followups.signals import feedback_submitted

    w = world
    task = services.task_open(
        organisation=w["org"],
        title="核实小区加装电梯进展",
        actor=w["office"],
        department=w["housing"],
        working_days=5,
    )

    def module_tells_requester(sender, *, task, feedback, actor, **kwargs):
        notify([task.requested_by], title="部门已答复", url="/elsewhere/")

    feedback_submitted.connect(module_tells_requester, dispatch_uid="test.tells")
    try:
        services.feedback_submit(task=task, text="已核实。", actor=w["clerk"])
    finally:
        feedback_submitted.disconnect(dispatch_uid="test.tells")
    assert Notification.objects.filter(recipient=w["office"]).count() == 1


def test_a_gone_requesters_office_is_told_and_no_one_answering_it_himself(world):
    w = world
    task = services.task_open(
        organisation=w["org"],
        title="核实小区加装电梯进展",
        actor=w["office"],
        department=w["housing"],
        working_days=5,
    )
    w["office"].is_active = False
    w["office"].save(update_fields=["is_active"])
    colleague = user_with_role(Role.OFFICE, w["org"], full_name="区政协办二")
    services.feedback_submit(task=task, text="已核实。", actor=w["clerk"])
    assert Notification.objects.filter(recipient=colleague, title__contains="书面反馈").exists()
    assert not Notification.objects.filter(recipient=w["office"], title__contains="书面反馈")
    # An office's own task (the office answers what it asked of itself): nobody is told.
    own = services.task_open(
        organisation=w["org"],
        title="报送会议纪要",
        actor=colleague,
        assignee_role=Role.OFFICE,
        working_days=5,
    )
    before = Notification.objects.count()
    services.feedback_submit(task=own, text="已报送。", actor=colleague)
    assert Notification.objects.count() == before
