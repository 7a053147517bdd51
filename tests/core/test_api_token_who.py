"""Who may hold API tokens: staff and administrators, who connect office systems; a member
works in the web pages (phone included), so their menu does not offer 接口令牌 and the page
refuses them (docs/decisions.md, 2026-12-05)."""

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import make_org, user_with_role
from xieshang.core import api_tokens
from xieshang.core.models import ApiToken
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db

MENU_LINK = 'href="/accounts/tokens/"'


@pytest.fixture
def district():
    return make_org("示范区政协", Level.DISTRICT)


def test_a_member_is_not_offered_the_token_page_and_is_refused_it(client, district):
    member = user_with_role(Role.MEMBER, district)
    client.force_login(member)
    home = client.get("/").content.decode()
    assert "修改密码" in home  # the user menu is there
    assert MENU_LINK not in home
    assert client.get("/accounts/tokens/").status_code == 403
    response = client.post("/accounts/tokens/", {"name": "手机", "days": "90"})
    assert response.status_code == 403
    assert not ApiToken.objects.filter(user=member).exists()


def test_the_service_refuses_a_member_too(district):
    member = user_with_role(Role.MEMBER, district)
    with pytest.raises(PermissionDenied):
        api_tokens.issue(actor=member, name="手机", days=90)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("role", [Role.OFFICE, Role.DEPARTMENT, Role.SYSTEM_ADMIN])
def test_staff_and_administrators_see_the_menu_item_and_the_page(client, district, role):
    user = user_with_role(role, district)
    client.force_login(user)
    assert MENU_LINK in client.get("/").content.decode()
    assert client.get("/accounts/tokens/").status_code == 200


def test_a_member_who_is_also_staff_keeps_the_page(client, district):
    user = user_with_role(Role.MEMBER, district)
    user.role_assignments.create(organisation=district, role=Role.COMMITTEE_STAFF)
    client.force_login(user)
    assert MENU_LINK in client.get("/").content.decode()
    assert client.get("/accounts/tokens/").status_code == 200
