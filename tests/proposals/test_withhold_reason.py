"""不予公开 keeps an answer off the portal for good (the page offers no way back), so the
proposal committee says why: an empty press of the button is refused with the reason asked
for, and nothing changes."""

from tests.proposals.conftest import accepted
from xieshang.core.models import Event
from xieshang.proposals.models import Proposal


def test_withholding_an_answer_from_the_portal_asks_for_the_reason(client, world):
    proposal = accepted(world)
    assert proposal.is_public_interest and not proposal.office_withheld
    url = f"/proposals/{proposal.pk}/act/withhold/"
    client.force_login(world.reviewer)

    for empty in ("", "   \n "):
        response = client.post(url, {"withhold-note": empty})
        assert response.status_code == 400
        assert "请写明不予公开的理由。" in response.content.decode()
        assert not Proposal.objects.get(pk=proposal.pk).office_withheld

    response = client.post(url, {"withhold-note": "涉及个人隐私"})
    assert response.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).office_withheld
    event = Event.objects.filter(verb="proposal.withhold").get()
    assert event.note == "涉及个人隐私"
