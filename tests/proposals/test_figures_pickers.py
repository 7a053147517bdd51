"""The figures page's organisation is a server-searched picker (issue 14): a province office
sees every city and county committee, so the page carries only the one shown, the picker
finds the committees whose proposals the user may view (never a street, never another
city's), and one from elsewhere is refused with the year typed kept."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_org, user_with_role
from xieshang.orgs.models import Level, Role


def organisation_select(page: str) -> str:
    return re.search(r'<select[^>]*name="organisation".*?</select>', page, re.S).group(0)


def ask(client, **params) -> list[str]:
    response = client.get("/pickers/organisations/", params)
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_the_figures_page_searches_the_organisations_on_the_server(client, world):
    make_org("城关街道", Level.STREET, parent=world.district)
    elsewhere = make_org("另一市政协", Level.CITY)
    far_district = make_org("远方区政协", Level.DISTRICT, parent=elsewhere)
    client.force_login(user_with_role(Role.OFFICE, world.city))

    page = client.get(reverse("proposals:figures")).content.decode()
    block = organisation_select(page)
    assert 'data-picker-source="/pickers/organisations/?perm=proposals.view&amp;level=' in block
    # Only the organisation shown (the user's own by default), not its districts.
    assert re.findall(r"<option[^>]*>([^<]*)</option>", block) == ["示范市政协"]
    assert "另一区政协" not in block

    scope = {"perm": "proposals.view", "level": "province,city,district"}
    assert ask(client, **scope, q="另一") == ["另一区政协"]  # not 另一市政协
    assert ask(client, **scope, q="区政协") == ["示范区政协", "另一区政协"]  # not 远方区政协
    assert ask(client, **scope, q="城关") == []  # a street has no proposal figures

    response = client.get(
        reverse("proposals:figures"), {"organisation": world.district.pk, "year": 2026}
    )
    assert response.status_code == 200
    assert re.findall(
        r"<option[^>]*>([^<]*)</option>", organisation_select(response.content.decode())
    ) == ["示范区政协"]
    response = client.get(
        reverse("proposals:figures"), {"organisation": far_district.pk, "year": 2025}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "选择一个有效的选项" in page and 'value="2025"' in page and "远方区政协" not in page
