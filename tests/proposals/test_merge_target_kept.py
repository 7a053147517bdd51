"""A proposal others were merged into (并案) cannot be ended without an answer: rejected,
converted or merged itself, the merged proposals' proposers would wait for an answer that
never comes."""

import pytest

from tests.proposals.conftest import submitted
from xieshang.core.models import Event
from xieshang.proposals import services
from xieshang.proposals.models import Proposal

S = Proposal.Status


@pytest.mark.clause("C4.6")
def test_a_proposal_with_others_merged_into_it_can_only_be_accepted(client, world):
    main = submitted(world, title="关于加装电梯的建议")
    other = submitted(world, key="wang", title="关于老旧小区电梯改造的建议")
    third = submitted(world, key="li", title="关于电梯维保的建议")
    services.proposal_merge(proposal=other, into=main, actor=world.reviewer)
    client.force_login(world.reviewer)
    # The page offers only what is allowed, and says why.
    html = client.get(f"/proposals/{main.pk}/").content.decode()
    assert 'id="merge-target-note"' in html
    assert 'id="form-accept"' in html and 'id="form-return"' in html
    for action in ("reject", "convert", "merge"):
        assert f'id="form-{action}"' not in html, action
    events = Event.objects.filter(verb__startswith="proposal.").count()
    refusals = {
        "reject": {"reject-reason": "没有具体建议的", "reject-note": "建议过于笼统"},
        "convert": {"convert-to": S.TO_INFO, "convert-note": "更适合作为社情民意"},
        "merge": {"merge-into": third.pk, "merge-note": "同一事项"},
    }
    for action, data in refusals.items():
        response = client.post(f"/proposals/{main.pk}/act/{action}/", data)
        html = response.content.decode()
        assert response.status_code == 400, action
        # A post from a page opened before the merge: refused, the reason at its form.
        assert "已有提案并入本件（《关于老旧小区电梯改造的建议》）" in html, action
        assert f'id="form-{action}"' in html, action
    main.refresh_from_db()
    other.refresh_from_db()
    assert main.status == S.SUBMITTED
    assert (other.status, other.merged_into) == (S.MERGED, main)
    assert Event.objects.filter(verb__startswith="proposal.").count() == events
    # Accepting it stays open, and the merged proposal follows it.
    assert client.post(f"/proposals/{main.pk}/act/accept/").status_code == 302
    main.refresh_from_db()
    assert main.status == S.ACCEPTED
