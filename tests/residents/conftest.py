import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import DepartmentFactory, UserFactory, make_org, user_with_role
from xieshang.core.sms import MemorySmsBackend
from xieshang.orgs.models import Level, Role
from xieshang.platforms.models import Platform, PlatformSession
from xieshang.residents import services


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    MemorySmsBackend.outbox.clear()
    MemorySmsBackend.references.clear()
    yield
    MemorySmsBackend.outbox.clear()
    MemorySmsBackend.references.clear()


@pytest.fixture
def world(db):
    city = make_org("示范市政协", Level.CITY)
    district = make_org("示范区政协", Level.DISTRICT, parent=city)
    street = make_org("城关街道", Level.STREET, parent=district)
    community = make_org("东门社区", Level.COMMUNITY, parent=street)
    street2 = make_org("新华街道", Level.STREET, parent=district)
    other_district = make_org("邻区政协", Level.DISTRICT, parent=city)
    other_street = make_org("邻区街道", Level.STREET, parent=other_district)
    dept = DepartmentFactory(organisation=district, name="区住房和城乡建设局")
    other_dept = DepartmentFactory(organisation=other_district, name="邻区住建局")
    convener = UserFactory(full_name="社区召集人")
    platform = Platform.objects.create(
        organisation=community,
        level=Level.COMMUNITY,
        name="东门社区议事厅",
        convener=convener,
        status=Platform.Status.RUNNING,
    )
    session = PlatformSession.objects.create(
        platform=platform,
        title="小区停车议事会",
        starts_at=timezone.now() + dt.timedelta(days=7),
    )
    held = PlatformSession.objects.create(
        platform=platform,
        title="加装电梯议事会",
        starts_at=timezone.now() - dt.timedelta(days=3),
        status=PlatformSession.Status.HELD,
    )
    return {
        "city": city,
        "district": district,
        "street": street,
        "community": community,
        "street2": street2,
        "other_district": other_district,
        "other_street": other_street,
        "dept": dept,
        "other_dept": other_dept,
        "platform": platform,
        "session": session,
        "held": held,
        "convener": convener,
        "liaison": user_with_role(Role.LIAISON, street, full_name="城关联络员"),
        "liaison2": user_with_role(Role.LIAISON, street2, full_name="新华联络员"),
        "office": user_with_role(Role.OFFICE, district, full_name="区政协办"),
        "city_office": user_with_role(Role.OFFICE, city, full_name="市政协办"),
        "other_office": user_with_role(Role.OFFICE, other_district, full_name="邻区政协办"),
        "clerk": user_with_role(Role.DEPARTMENT, district, department=dept, full_name="住建经办"),
        "leader": user_with_role(
            Role.DEPARTMENT_LEADER, district, department=dept, full_name="住建局长"
        ),
        "other_clerk": user_with_role(
            Role.DEPARTMENT, other_district, department=other_dept, full_name="邻区经办"
        ),
        "supervisor": user_with_role(Role.SUPERVISOR, district, full_name="区督查办"),
        "member": user_with_role(Role.MEMBER, district, full_name="张委员"),
    }


def raise_issue(world, *, organisation=None, phone="13900001111", **kwargs):
    kwargs.setdefault("title", "小区门口路灯不亮")
    kwargs.setdefault("description", "东门小区北门的路灯坏了一个月，晚上出行不便。")
    return services.issue_submit_public(
        organisation=organisation or world["community"], phone=phone, **kwargs
    )


def accepted(world, **kwargs):
    issue, code = raise_issue(world, **kwargs)
    services.issue_accept(issue=issue, actor=world["office"])
    issue.refresh_from_db()
    return issue, code


def routed(world, **kwargs):
    issue, code = accepted(world, **kwargs)
    services.issue_route(issue=issue, actor=world["liaison"], department=world["dept"])
    issue.refresh_from_db()
    return issue, code
