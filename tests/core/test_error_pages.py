"""The 403 and 404 pages a user meets (a link to someone else's item, a page their role does
not open, a form posted after logging out) are Chinese pages in the site's layout, or the
portal's for a resident, never Django's bare English ones."""

import pytest
from django.test import Client

from tests.factories import make_org, user_with_role
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    return user_with_role(Role.MEMBER, make_org())


def test_a_page_that_does_not_exist_says_so_in_the_sites_layout(client, member):
    client.force_login(member)
    response = client.get("/proposals/999999/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and "Not Found" not in body
    assert 'id="mainnav"' in body  # the menu is there to go on from


def test_a_resident_meets_the_portals_layout(client):
    response = client.get("/portal/proposals/999999/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and "政协公众平台" in body
    assert 'href="/portal/"' in body


def test_a_page_the_role_does_not_open_says_why_in_chinese(client, member):
    client.force_login(member)
    response = client.get("/proposals/review/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "没有权限" in body and "安全管理员" in body and "Forbidden" not in body


def test_a_form_posted_from_an_expired_page_says_what_to_do(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post("/opinions/new/", {"title": "标题", "suggestions": "建议"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "页面已过期" in body and "后退" in body and "CSRF verification" not in body


def test_an_address_that_only_takes_a_form_says_so_when_opened(client, member):
    client.force_login(member)
    response = client.get("/inbox/read-all/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    body = response.content.decode()
    assert "无法直接打开" in body and "点击相应按钮" in body
    assert 'id="mainnav"' in body
    # The API keeps its own answer.
    api = client.get("/api/v1/followups/1/feedback")
    assert api.status_code == 405 and b"mainnav" not in api.content
