"""The Party committee's and government's offices record their leaders' instructions on
the 社情民意 reported to them themselves (C4.7): their list of those items sends them to
报送本机关的事项 (its 社情民意 items) for that, not to the CPPCC's 督办事项."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C4.7")
def test_the_received_list_points_to_recording_instructions(world, client):
    client.force_login(world["party_office"])
    target = f"{reverse('followups:received')}?kind=opinions.opinion"
    html = client.get(reverse("opinions:received")).content.decode()
    note = re.search(r'<p[^>]*id="received-instructions".*?</p>', html, re.S).group(0)
    assert f'href="{target}"' in note and "报送本机关的事项" in note and "记录领导批示" in note
    assert f'href="{reverse("followups:queue")}"' not in note and "督办事项" not in note
    # The link leads to the office's list of what was reported to it, filtered to 社情民意.
    assert client.get(target).status_code == 200

    client.cookies["django_language"] = "en"
    html = client.get(reverse("opinions:received")).content.decode()
    note = re.search(r'<p[^>]*id="received-instructions".*?</p>', html, re.S).group(0)
    text = re.sub(r"<[^>]+>", "", note)
    assert "Items sent to this office" in text and "Record leader's instruction" in text
    assert re.search(r"[\u4e00-\u9fff]", text) is None
