"""The rules page's "切换组织" is a server-searched picker (issue 14): a province system
administrator configures thousands of organisations, so the page carries only the one shown,
the picker finds those whose rules the user may change (never another city's), and one from
elsewhere is refused on the page with the switcher's error."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_org, user_with_role
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db


def switch_options(page: str) -> list[str]:
    block = re.search(r'<select[^>]*name="org".*?</select>', page, re.S).group(0)
    assert 'data-picker-source="/pickers/organisations/?perm=orgs.rules"' in block
    # The organisations offered, not the empty choice (请选择组织).
    return re.findall(r'<option value="[^"]+"[^>]*>([^<]*)</option>', block)


def ask(client, **params) -> list[str]:
    response = client.get("/pickers/organisations/", params)
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_the_rules_page_switches_organisation_through_a_server_picker(client):
    city = make_org("江城市政协", Level.CITY)
    east = make_org("东湖区政协", Level.DISTRICT, city)
    west = make_org("西山区政协", Level.DISTRICT, city)
    elsewhere = make_org("远方市政协", Level.CITY)
    make_org("远方区政协", Level.DISTRICT, elsewhere)
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, city))

    page = client.get(reverse("orgs:rules", args=[east.pk])).content.decode()
    assert switch_options(page) == ["东湖区政协"]  # the one shown, not the whole tree
    assert "西山区政协" not in page

    assert ask(client, perm="orgs.rules", q="区政协") == ["东湖区政协", "西山区政协"]
    assert ask(client, perm="orgs.rules", q="远方") == []

    response = client.get(reverse("orgs:rules_home"), {"org": west.pk})
    assert response.status_code == 302 and response.url == reverse("orgs:rules", args=[west.pk])
    # Without JavaScript: the name typed into the picker's text box.
    response = client.get(reverse("orgs:rules_home"), {"org": "", "org__q": "西山区政协"})
    assert response.status_code == 302 and response.url == reverse("orgs:rules", args=[west.pk])

    response = client.get(reverse("orgs:rules_home"), {"org": elsewhere.pk})
    assert response.status_code == 400
    page = response.content.decode()
    assert "该组织不在您可选的范围内，请从列表中选择。" in page and "远方市政协" not in page
    assert "规则设置 · 江城市政协" in page  # the user's own organisation's rules meanwhile
    assert switch_options(page) == []
