"""The key proposals list in English: a shortlisted proposal's state reads "Shortlisted as
key proposal" (a state), not an instruction ("Shortlist as …"), which the button keeps."""

import pytest
from django.urls import reverse

from tests.proposals.conftest import accepted
from xieshang.proposals import services

pytestmark = pytest.mark.django_db


def test_a_shortlisted_proposal_reads_shortlisted_in_english(world, client):
    proposal = accepted(world, cosigners=())
    services.key_shortlist(proposal=proposal, actor=world.reviewer)
    client.force_login(world.reviewer)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("proposals:key_list"), {"year": proposal.year}).content.decode()
    assert "Shortlisted as key proposal" in page
    assert "Shortlist as key proposal" not in page
