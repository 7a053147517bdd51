"""Two inputs on the proposal page that asked too little. 不予公开 keeps an answer off the
portal for good (the page offers no way back), so the proposal committee says why; a
supervision record (督办) of a key proposal is not dated before the proposal was accepted."""

from django.utils import timezone

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


def test_a_supervision_record_is_not_dated_before_the_proposal_was_accepted(client, world):
    """督办 of a key proposal is done after it was accepted: a date a year too early (a slip
    of the date picker) was taken and filed the supervision before the proposal existed."""
    import datetime as dt

    from xieshang.proposals import services
    from xieshang.proposals.models import Supervision

    proposal = accepted(world)
    services.key_shortlist(proposal=proposal, actor=world.reviewer, note="")
    services.key_approve(proposal=proposal, actor=world.chair, leading_leader="刘副区长")
    accepted_on = timezone.localtime(Proposal.objects.get(pk=proposal.pk).reviewed_at).date()
    url = f"/proposals/{proposal.pk}/act/supervise/"
    client.force_login(world.reviewer)

    too_early = accepted_on - dt.timedelta(days=365)
    response = client.post(
        url,
        {"supervise-date": too_early.isoformat(), "supervise-way": "field", "supervise-note": "x"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "督办日期不能早于立案日期" in body
    assert too_early.isoformat() in body  # what was typed is shown again
    assert not Supervision.objects.exists()

    response = client.post(
        url,
        {"supervise-date": accepted_on.isoformat(), "supervise-way": "field", "supervise-note": ""},
    )
    assert response.status_code == 302
    assert Supervision.objects.get().date == accepted_on


def test_the_withhold_service_itself_asks_for_the_reason_and_withholds_once(world):
    """Every caller (the page, the API, a command) gets the same rule as the form."""
    import pytest
    from django.core.exceptions import ValidationError

    from xieshang.proposals import services

    proposal = accepted(world)
    with pytest.raises(ValidationError, match="请写明不予公开的理由"):
        services.publication_withhold(proposal=proposal, actor=world.reviewer, note="  ")
    assert not Proposal.objects.get(pk=proposal.pk).office_withheld
    assert not Event.objects.filter(verb="proposal.withhold").exists()

    services.publication_withhold(proposal=proposal, actor=world.reviewer, note="涉及个人隐私")
    with pytest.raises(ValidationError, match="已不予公开"):
        services.publication_withhold(proposal=proposal, actor=world.reviewer, note="再次")
    assert Event.objects.filter(verb="proposal.withhold").count() == 1
