"""The item's page in English: 报送 on an item is reporting it on to the Party committee, the
government or the committee above, not a member's "submit" (which is 提交: 待审核)."""

import pytest

from tests.opinions.factories import make_opinion
from xieshang.opinions import services
from xieshang.opinions.models import Opinion

pytestmark = pytest.mark.django_db
S = Opinion.Status


def test_a_reported_item_reads_reported_not_submitted_in_english(client, world):
    office = world["office"]
    opinion = make_opinion(world["member"], office=office, state=S.PUBLISHED)
    services.opinion_report(opinion=opinion, actor=office, upward=False, party=True)
    client.force_login(world["member"].user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/opinions/{opinion.pk}/").content.decode()
    status = page.split('id="opinion-status">', 1)[1].split("<", 1)[0]
    assert status == "Reported"
    assert "Reported to" in page and "Submit to" not in page
    mine = client.get("/opinions/").content.decode()
    assert "Reported" in mine
