"""The street dashboard names a community with its street, as the queue does: a district
has several 和平社区, and a bare community name does not say which."""

import pytest
from django.urls import reverse

from tests.residents.conftest import accepted

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]


def test_the_dashboard_names_a_community_with_its_street(client, world):
    accepted(world)  # raised in 东门社区 of 城关街道
    client.force_login(world["liaison"])
    body = client.get(reverse("residents:dashboard")).content.decode()
    open_list = body[body.index('id="dash-open"') : body.index('id="dash-sessions"')]
    assert "城关街道 · 东门社区" in open_list
    platforms = body[body.index('id="dash-platforms"') :]
    assert "城关街道 · 东门社区</td>" in platforms
