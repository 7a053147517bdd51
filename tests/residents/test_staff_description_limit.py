"""Staff's 登记群众诉求 holds 具体情况 to the public form's 2,000 characters, with the
portal's message and a counter, instead of taking any length (what a resident can't send
online, staff can't enter for them either)."""

import re

import pytest
from django.urls import reverse

from xieshang.residents.models import ResidentIssue

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]


def staff_data(world, description):
    return {
        "organisation": world["street"].pk,
        "channel": "in_person",
        "title": "菜市场周边占道经营",
        "description": description,
        "phone": "",
    }


def test_a_long_description_is_refused_with_the_portals_message_and_kept(client, world):
    client.force_login(world["liaison"])
    page = client.get(reverse("residents:create")).content.decode()
    textarea = re.search(r'<textarea[^>]*name="description"[^>]*>', page).group(0)
    assert "maxlength" not in textarea  # counted, not cut
    assert 'id="body-count" data-max="2000"' in page and "xs/proposals.js" in page
    long = "早市时段占道严重。" * 250  # 2,250 characters
    response = client.post(reverse("residents:create"), staff_data(world, long))
    body = response.content.decode()
    assert response.status_code == 400 and not ResidentIssue.objects.exists()
    assert "具体情况最多2000字，现在是2250字，请删减后再提交。" in body
    assert long in body


def test_a_description_at_the_limit_is_entered(client, world):
    client.force_login(world["liaison"])
    response = client.post(reverse("residents:create"), staff_data(world, "占" * 2000))
    assert response.status_code == 302
    assert len(ResidentIssue.objects.get().description) == 2000
