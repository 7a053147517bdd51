"""不再改交 (C4.6): the committee's reason is kept in the audit event's data, not only inside
the history note, and the 改交 page opened before the decision shows it from there (an event
recorded before the data kept it still shows its note)."""

import pytest
import time_machine

from tests.proposals.test_reassign_returned_part import REASSIGN_DAY, part_of, returned_by_housing
from xieshang.core.models import Event
from xieshang.proposals import services

REASON = "该项诉求已由区教育局一并答复。"


def decided_note(html: str) -> str:
    assert 'id="reassign-decided"' in html
    return html.split('id="decided-note">', 1)[1].split("</dd>", 1)[0]


@pytest.mark.clause("C4.6")
def test_the_not_reassigned_reason_is_kept_in_the_event_and_shown_from_it(client, world):
    proposal = returned_by_housing(world)
    returned = part_of(proposal, world.housing)
    link = f"/proposals/{proposal.pk}/reassign/{returned.pk}/"
    with time_machine.travel(REASSIGN_DAY, tick=False):
        services.returned_part_close(assignment=returned, actor=world.reviewer, reason=REASON)
    event = Event.objects.get(verb="proposal.reassign_close", data__returned=returned.pk)
    assert event.data["reason"] == REASON
    assert REASON in event.note  # the history line still reads it whole

    client.force_login(world.reviewer)
    # The page shows the reason itself, not the note's wording around it.
    shown = decided_note(client.get(link).content.decode())
    assert shown == REASON

    # An event recorded before the data kept the reason: the page falls back to the note.
    Event.objects.filter(pk=event.pk).update(
        data={k: v for k, v in event.data.items() if k != "reason"}
    )
    shown = decided_note(client.get(link).content.decode())
    assert REASON in shown and "不再改交：" in shown
