"""The home page's 委员名单 card promises what its reader may do: the organisation and
united-front departments read the list but neither edit nor export it (a tester was told
"查询、编辑和导出委员信息" and found neither button)."""

import pytest

from tests.factories import make_org, user_with_role
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "promise"),
    [
        (Role.OFFICE, "查询、编辑和导出委员信息"),
        (Role.ORGANISATION_DEPT, "查询委员信息"),
        (Role.UNITED_FRONT, "查询委员信息"),
    ],
)
def test_the_members_card_says_what_its_reader_may_do(client, role, promise):
    district = make_org("示范区政协", Level.DISTRICT)
    client.force_login(user_with_role(role, district))
    page = client.get("/").content.decode()
    card = page.split("委员名单", 1)[1][:400]
    assert promise in card
    if promise == "查询委员信息":
        assert "编辑和导出" not in card
