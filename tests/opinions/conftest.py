import pytest

from tests.factories import DepartmentFactory, make_org, user_with_role
from tests.opinions.factories import member_user
from xieshang.orgs.models import Level, Role


@pytest.fixture
def world(db):
    city = make_org("示范市政协", Level.CITY)
    district = make_org("示范区政协", Level.DISTRICT, parent=city)
    other_district = make_org("邻区政协", Level.DISTRICT, parent=city)
    dept = DepartmentFactory(organisation=district, name="区住房和城乡建设局")
    return {
        "city": city,
        "district": district,
        "other_district": other_district,
        "dept": dept,
        "office": user_with_role(Role.OFFICE, district, full_name="区政协办"),
        "city_office": user_with_role(Role.OFFICE, city, full_name="市政协办"),
        "other_office": user_with_role(Role.OFFICE, other_district, full_name="邻区政协办"),
        "clerk": user_with_role(Role.DEPARTMENT, district, department=dept, full_name="住建经办"),
        "supervisor": user_with_role(Role.SUPERVISOR, district, full_name="区督查办"),
        "party_office": user_with_role(Role.PARTY_OFFICE, district, full_name="区委办"),
        "member": member_user(district, name="张委员"),
        "other_member": member_user(district, name="李委员"),
    }
