"""Who hears of an overdue task (`escalation_recipients`) and who decides its extension
requests (`extension_deciders`): the role holders where the role was granted
(`core.access.role_holders`), active accounts only, each once."""

import datetime as dt

import pytest

from tests.factories import DepartmentFactory, UserFactory, make_org, user_with_role
from tests.opinions.factories import make_opinion, member_user
from xieshang.followups import services
from xieshang.followups.models import Task
from xieshang.opinions import services as opinions
from xieshang.opinions.models import Opinion
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    province = make_org("示范省政协", Level.PROVINCE)
    city = make_org("示范市政协", Level.CITY, parent=province)
    district = make_org("示范区政协", Level.DISTRICT, parent=city)
    sibling = make_org("邻区政协", Level.DISTRICT, parent=city)
    dept = DepartmentFactory(organisation=district, name="区住房和城乡建设局")
    named = UserFactory(full_name="分管副区长")
    dept.leader_user = named
    dept.save(update_fields=["leader_user"])
    leader = user_with_role(Role.DEPARTMENT_LEADER, district, department=dept)
    gone = user_with_role(Role.SUPERVISOR, city, full_name="已停用督查")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    return {
        "district": district,
        "dept": dept,
        "named": named,
        "leader": leader,
        "clerk": user_with_role(Role.DEPARTMENT, district, department=dept),
        "office": user_with_role(Role.OFFICE, district, full_name="区政协办"),
        "city_office": user_with_role(Role.OFFICE, city, full_name="市政协办"),
        "supervisor": user_with_role(Role.SUPERVISOR, district, full_name="区督查"),
        "city_supervisor": user_with_role(Role.SUPERVISOR, city, full_name="市督查"),
        "province_supervisor": user_with_role(Role.SUPERVISOR, province, full_name="省督查"),
        "sibling_supervisor": user_with_role(Role.SUPERVISOR, sibling, full_name="邻区督查"),
        "party_office": user_with_role(Role.PARTY_OFFICE, district, full_name="区委办"),
        "member": member_user(district, name="张委员"),
    }


def _task(w, department=True) -> Task:
    return services.task_open(
        organisation=w["district"],
        title="关于加快老旧小区改造的提案",
        department=w["dept"] if department else None,
        assignee_role="" if department else Role.OFFICE,
        kind=Task.Kind.PROPOSAL,
        actor=w["office"],
        working_days=10,
        start_date=dt.date(2026, 2, 5),
    )


def test_an_overdue_task_goes_to_the_supervisors_above_and_the_departments_leaders(world):
    w = world
    got = list(services.escalation_recipients(_task(w)))
    assert len(got) == len(set(got))
    assert set(got) == {
        w["supervisor"],
        w["city_supervisor"],
        w["province_supervisor"],
        w["leader"],
        w["named"],
    }


def test_an_overdue_task_of_no_department_goes_to_the_supervisors_above_only(world):
    w = world
    assert set(services.escalation_recipients(_task(w, department=False))) == {
        w["supervisor"],
        w["city_supervisor"],
        w["province_supervisor"],
    }


def test_a_named_leader_holding_the_role_too_is_told_once(world):
    w = world
    user_with_role(Role.DEPARTMENT_LEADER, w["district"], department=w["dept"])
    w["named"].role_assignments.create(
        organisation=w["district"], role=Role.DEPARTMENT_LEADER, department=w["dept"]
    )
    got = list(services.escalation_recipients(_task(w)))
    assert got.count(w["named"]) == 1


def test_the_extension_deciders_are_the_managing_offices_that_reach_the_task(world):
    w = world
    got = services.extension_deciders(_task(w))
    assert len(got) == len(set(got))
    assert w["office"] in got
    # Neither a city office (it does not decide a district's), nor the department, nor an
    # office that did not set the task.
    assert not {w["city_office"], w["clerk"], w["leader"], w["party_office"]} & set(got)


def test_the_office_that_recorded_the_instruction_decides_its_extensions(world):
    w = world
    opinion = make_opinion(w["member"], office=w["office"], state=Opinion.Status.PUBLISHED)
    opinions.opinion_report(opinion=opinion, actor=w["office"], upward=False, party=True)
    opinion.refresh_from_db()
    services.instruction_record(
        item=opinion,
        actor=w["party_office"],
        leader="王书记",
        level="district",
        instructed_on=dt.date.today(),
        text="请研究落实。",
        departments=[w["dept"]],
    )
    task = Task.objects.get(kind=Task.Kind.INSTRUCTION)
    got = services.extension_deciders(task)
    assert w["party_office"] in got
    assert len(got) == len(set(got))
