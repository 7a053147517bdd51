"""The staff's issue form searches streets and communities on the server (issue 14): the
page lists none, the picker finds them in the user's area, and a place outside it is
refused with what was typed kept."""

import re

import pytest
from django.urls import reverse

from xieshang.residents.models import ResidentIssue


def ask(client, **params):
    response = client.get("/pickers/resident-places/", params)
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_the_staff_form_searches_the_places_of_the_users_area(client, world):
    client.force_login(world["office"])
    page = client.get(reverse("residents:create")).content.decode()
    assert 'data-picker-source="/pickers/resident-places/"' in page
    select = re.search(r'<select[^>]*id="id_organisation".*?</select>', page, re.S).group(0)
    assert "东门社区" not in select
    assert ask(client, q="dmsq") == ["城关街道 · 东门社区"]
    assert ask(client, q="城关") == ["城关街道", "城关街道 · 东门社区"]
    assert ask(client, q="邻区") == []
    data = {
        "channel": "in_person",
        "title": "菜市场周边占道经营",
        "description": "早市时段占道严重。",
    }
    response = client.post(
        reverse("residents:create"), {**data, "organisation": world["other_street"].pk}
    )
    assert response.status_code in {200, 400}
    page = response.content.decode()
    assert "选择一个有效的选项" in page and "菜市场周边占道经营" in page and "邻区街道" not in page
    assert not ResidentIssue.objects.exists()
    client.post(reverse("residents:create"), {**data, "organisation__q": "东门社区"})
    assert ResidentIssue.objects.get().organisation == world["community"]
