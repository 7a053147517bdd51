"""转办 (to an opinion or social-conditions information) needs a reason: the form marks the
note required and a post without one is refused with the reason asked for, keeping the
choice made."""

import pytest
from django.urls import reverse

from tests.proposals.conftest import submitted
from xieshang.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def test_the_convert_note_is_marked_required_and_asked_for(world, client):
    proposal = submitted(world, cosigners=())
    client.force_login(world.reviewer)
    page = client.get(proposal.get_absolute_url()).content.decode()
    label = page.split('for="id_convert-note"', 1)[1].split("</label>", 1)[0]
    assert "*" in label
    response = client.post(
        reverse("proposals:act", args=[proposal.pk, "convert"]),
        {"convert-to": Proposal.Status.TO_INFO, "convert-note": "  "},
    )
    html = response.content.decode()
    assert response.status_code == 400 and "请说明理由。" in html
    assert 'value="to_info" selected' in html
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


def test_a_supervision_dated_after_today_is_refused_keeping_what_was_typed(world, client):
    """督办 records supervision done: a date after today is refused on the form with the
    note kept, and nothing is recorded."""
    import datetime as dt

    from django.utils import timezone

    from tests.proposals.conftest import accepted
    from xieshang.proposals import services

    proposal = accepted(world, cosigners=())
    services.key_shortlist(proposal=proposal, actor=world.reviewer)
    services.key_approve(proposal=proposal, actor=world.chair, leading_leader="刘副区长")
    client.force_login(world.reviewer)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("proposals:act", args=[proposal.pk, "supervise"]),
        {
            "supervise-date": tomorrow.isoformat(),
            "supervise-way": "field",
            "supervise-note": "实地察看",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400 and "督办日期不能晚于今天。" in html and "实地察看" in html
    assert proposal.supervisions.count() == 0
