"""A follow-up task set by a leader's instruction that the Party committee's or the
government's office recorded (C4.7) is decided by that office too: it accepts the unit's
written feedback (办结), returns it, decides an extension request; the CPPCC office still
may; nobody else. Each decision is audited with the office and refused when the task
changed since the page was opened."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.factories import DepartmentFactory, make_org, user_with_role
from tests.opinions.factories import make_opinion, member_user
from xieshang.core.models import Event, Notification
from xieshang.followups import services
from xieshang.followups.models import Task
from xieshang.opinions import services as opinions
from xieshang.opinions.models import Opinion
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    city = make_org("示范市政协", Level.CITY)
    org = make_org("示范区政协", Level.DISTRICT, parent=city)
    other = make_org("邻区政协", Level.DISTRICT, parent=city)
    housing = DepartmentFactory(organisation=org, name="区住房和城乡建设局")
    office = user_with_role(Role.OFFICE, org, full_name="区政协办")
    return {
        "org": org,
        "housing": housing,
        "office": office,
        "member": member_user(org, name="张委员"),
        "clerk": user_with_role(Role.DEPARTMENT, org, department=housing, full_name="住建经办"),
        "party_office": user_with_role(Role.PARTY_OFFICE, org, full_name="区委办"),
        "party_colleague": user_with_role(Role.PARTY_OFFICE, org, full_name="区委办二"),
        "gov_office": user_with_role(Role.GOVERNMENT_OFFICE, org, full_name="区政府办"),
        "other_party_office": user_with_role(Role.PARTY_OFFICE, other, full_name="邻区委办"),
        "city_party_office": user_with_role(Role.PARTY_OFFICE, city, full_name="市委办"),
    }


def _instructed(w, *, recorder="party_office", **units) -> list[Task]:
    opinion = make_opinion(w["member"], office=w["office"], state=Opinion.Status.PUBLISHED)
    opinions.opinion_report(opinion=opinion, actor=w["office"], upward=False, party=True)
    opinion.refresh_from_db()
    services.instruction_record(
        item=opinion,
        actor=w[recorder],
        leader="王书记",
        level="district",
        instructed_on=dt.date.today(),
        text="请研究落实。",
        **(units or {"departments": [w["housing"]]}),
    )
    return list(Task.objects.filter(kind=Task.Kind.INSTRUCTION).order_by("id"))


def _answered(w, task, who="clerk") -> Task:
    services.feedback_submit(task=task, text="已制定分摊办法。", actor=w[who])
    task.refresh_from_db()
    return task


@pytest.mark.clause("C4.7")
def test_the_recording_office_accepts_the_feedback_on_its_page(client, world):
    w = world
    [task] = _instructed(w)
    task = _answered(w, task)
    # A colleague in the same office, not only the clerk who recorded it, decides.
    client.force_login(w["party_colleague"])
    page = client.get(reverse("followups:detail", args=[task.pk])).content.decode()
    assert 'id="close-form"' in page and 'id="reopen-form"' in page
    assert f'name="version" value="{task.version}"' in page
    response = client.post(reverse("followups:close", args=[task.pk]), {"version": task.version})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.CLOSED
    event = Event.objects.get(verb="followup.close")
    assert event.actor == w["party_colleague"] and event.data["office"] == Role.PARTY_OFFICE
    assert (event.from_state, event.to_state) == ("submitted", "closed")


@pytest.mark.clause("C4.7")
def test_the_cppcc_office_still_closes_and_the_recording_office_returns(world):
    w = world
    first, second = _instructed(w, departments=[w["housing"]], offices=[Role.GOVERNMENT_OFFICE])
    first = _answered(w, first)
    services.task_close(task=first, actor=w["office"], expected_version=first.version)
    first.refresh_from_db()
    assert first.status == Task.Status.CLOSED
    assert "office" not in Event.objects.get(verb="followup.close").data
    # The government office answers the task the Party committee's leader set it; the
    # Party office returns it with a new deadline.
    second = _answered(w, second, who="gov_office")
    services.task_reopen(
        task=second, actor=w["party_office"], note="请补充资金来源。", working_days=5
    )
    second.refresh_from_db()
    assert second.status == Task.Status.OPEN
    assert Event.objects.get(verb="followup.reopen").data["office"] == Role.PARTY_OFFICE


@pytest.mark.clause("C4.7")
def test_no_other_office_closes_what_the_party_office_set(client, world):
    w = world
    [task] = _instructed(w)
    task = _answered(w, task)
    for outsider in ("gov_office", "city_party_office", "other_party_office", "clerk"):
        with pytest.raises(PermissionDenied):
            services.task_close(task=task, actor=w[outsider])
    # The government office oversees the node's tasks (followups.view): it reads the
    # task, is offered no decision and is refused one.
    client.force_login(w["gov_office"])
    page = client.get(reverse("followups:detail", args=[task.pk])).content.decode()
    assert 'id="close-form"' not in page
    assert client.post(reverse("followups:close", args=[task.pk])).status_code == 403
    client.force_login(w["other_party_office"])
    assert client.post(reverse("followups:close", args=[task.pk])).status_code == 404
    task.refresh_from_db()
    assert task.status == Task.Status.SUBMITTED
    assert not Event.objects.filter(verb="followup.close").exists()


@pytest.mark.clause("C4.7")
def test_an_instruction_the_cppcc_office_recorded_is_not_the_party_offices_to_close(world):
    w = world
    [task] = _instructed(w, recorder="office")
    task = _answered(w, task)
    with pytest.raises(PermissionDenied):
        services.task_close(task=task, actor=w["party_office"])


@pytest.mark.clause("C4.7")
def test_the_office_does_not_accept_its_own_answer(world):
    w = world
    [task] = _instructed(w, offices=[Role.PARTY_OFFICE])
    task = _answered(w, task, who="party_colleague")
    with pytest.raises(PermissionDenied):
        services.task_close(task=task, actor=w["party_office"])
    services.task_close(task=task, actor=w["office"])


def test_a_decision_on_feedback_changed_since_the_page_opened_is_refused(client, world):
    w = world
    [task] = _instructed(w)
    task = _answered(w, task)
    shown = task.version
    # The CPPCC office returns it meanwhile and the unit answers again.
    services.task_reopen(task=task, actor=w["office"], note="请补充。", working_days=5)
    task = _answered(w, task)
    client.force_login(w["party_office"])
    response = client.post(
        reverse("followups:close", args=[task.pk]), {"version": shown}, follow=True
    )
    assert "已有变化" in response.content.decode()
    task.refresh_from_db()
    assert task.status == Task.Status.SUBMITTED
    refused = client.post(
        reverse("followups:reopen", args=[task.pk]),
        {"version": shown, "note": "不够具体。", "working_days": 5},
    )
    assert refused.status_code == 400 and "已有变化" in refused.content.decode()
    assert "不够具体。" in refused.content.decode()
    assert (
        client.post(
            reverse("followups:close", args=[task.pk]), {"version": task.version}
        ).status_code
        == 302
    )
    task.refresh_from_db()
    assert task.status == Task.Status.CLOSED


@pytest.mark.clause("C4.7")
def test_the_recording_office_decides_the_units_extension_request(client, world):
    w = world
    [task] = _instructed(w)
    extension = services.extension_request(
        task=task,
        requested_due=task.due_date + dt.timedelta(days=14),
        reason="需区财政配合。",
        actor=w["clerk"],
    )
    told = set(
        Notification.objects.filter(title__contains="延期申请待审批").values_list(
            "recipient", flat=True
        )
    )
    assert {w["party_office"].pk, w["party_colleague"].pk, w["office"].pk} <= told
    assert w["gov_office"].pk not in told
    client.force_login(w["clerk"])
    page = client.get(reverse("followups:detail", args=[task.pk])).content.decode()
    assert "延期申请待党委办公室或政协办公室审批" in page
    services.extension_decide(extension=extension, approve=True, actor=w["party_colleague"])
    task.refresh_from_db()
    assert task.due_date == extension.requested_due


def test_the_offices_instruction_list_costs_the_same_however_many_tasks(client, world):
    """Deciding reads the task's instruction; the list asks "may open" of every task, and an
    office that oversees (followups.view) is answered without it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = world
    # A colleague: the clerk who recorded them is their requester, answered first.
    client.force_login(w["party_colleague"])
    url = reverse("followups:instructions")

    def cost():
        client.get(url)  # warm the session and the content types
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _instructed(w)
    one = cost()
    for _n in range(3):
        _instructed(w)
    assert cost() == one
