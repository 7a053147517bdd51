"""A line break in a proposal's text is one character, as the draft page's counter (正文 N /
3000 字) shows it: the browser sends CRLF, which the server counted as two, so a proposal at
the limit by the counter was refused on submission ("正文共3010字，超过3000字的上限")."""

import pytest

from tests.proposals.conftest import PROPOSAL_TEXT
from xieshang.proposals.models import Proposal

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C4.6")]


def test_a_proposal_at_the_limit_by_the_counter_is_submitted(client, world):
    client.force_login(world.user("zhang"))
    facts = "\r\n".join(["第一段现状"] * 11)  # 65 characters to a reader: 11 × 5 + 10 breaks
    analysis = "原因" * 100
    suggestions = "一是" + "建" * (3000 - 65 - 200 - 2)
    response = client.post(
        "/proposals/new/",
        {
            **PROPOSAL_TEXT,
            "facts": facts,
            "analysis": analysis,
            "suggestions": suggestions,
            "is_public_interest": "on",
            "do": "submit",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    proposal = Proposal.objects.get()
    assert proposal.status != Proposal.Status.DRAFT
    assert "\r" not in proposal.facts
    assert proposal.body_length == 3000
