"""A refused action on an item's page shows why and keeps what was typed, even when the
item's new state (a colleague acted first) no longer offers that form."""

import re

import pytest

from tests.factories import user_with_role
from tests.opinions.factories import make_opinion
from xieshang.core.audit import history
from xieshang.opinions.models import Opinion
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db
S = Opinion.Status


def test_a_review_refused_because_a_colleague_decided_first_keeps_the_note(client, world):
    opinion = make_opinion(world["member"], state=S.SUBMITTED)
    colleague = user_with_role(Role.OFFICE, world["district"], full_name="另一位办公室干部")
    client.force_login(colleague)
    client.post(f"/opinions/{opinion.pk}/accept/", {"note": "采用"})
    client.force_login(world["office"])
    response = client.post(
        f"/opinions/{opinion.pk}/return/", {"note": "请补充加装电梯的户数和资金缺口"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "不能执行此操作" in body
    assert "请补充加装电梯的户数和资金缺口" in body
    assert Opinion.objects.get(pk=opinion.pk).status == S.ACCEPTED
    assert "opinion.return" not in [e.verb for e in history(opinion)]
    assert "编入期刊" in body  # what the accepted item now offers is still there
    # ...and no review button any more, which could only be refused again.
    for action in ("accept", "return", "reject"):
        assert f'formaction="/opinions/{opinion.pk}/{action}/"' not in body
    assert ">录用</button>" not in body


def test_a_second_submit_from_a_stale_page_says_why_it_was_refused(client, world):
    opinion = make_opinion(world["member"])
    client.force_login(world["member"].user)
    client.post(f"/opinions/{opinion.pk}/submit/")
    response = client.post(f"/opinions/{opinion.pk}/submit/")
    body = response.content.decode()
    assert response.status_code == 400
    assert "不能执行此操作" in body
    assert [e.verb for e in history(opinion)].count("opinion.submit") == 1
    assert f'action="/opinions/{opinion.pk}/submit/"' not in body  # submitted: no button


def test_a_refused_issue_keeps_the_ticked_rows_and_the_editor_note(client, world):
    """A colleague published one of the ticked items while the list was open: the refusal
    says so, and the other ticks and the editor's note are still there to send again."""
    a, b, c = (
        make_opinion(world["member"], office=world["office"], state=S.ACCEPTED, title=title)
        for title in ("关于加装电梯的建议", "关于社区食堂的建议", "关于校园周边交通的建议")
    )
    colleague = user_with_role(Role.OFFICE, world["district"], full_name="另一位办公室干部")
    client.force_login(colleague)
    assert client.post("/opinions/issues/new/", {"opinions": [b.pk]}).status_code == 302
    client.force_login(world["office"])
    response = client.post(
        "/opinions/issues/new/",
        {"opinions": [a.pk, b.pk, c.pk], "editor_note": "本期聚焦民生实事"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "可能已由他人编发" in body and "本期聚焦民生实事" in body
    for opinion in (a, c):
        assert re.search(rf'value="{opinion.pk}" id="pick-{opinion.pk}"[^>]*\schecked', body)
    assert not re.search(rf'id="pick-{b.pk}"[^>]*\schecked', body)  # it has left the list
    assert Opinion.objects.get(pk=a.pk).status == S.ACCEPTED
