"""退回修改 is a state of the waiting answer (C4.6): once the department's leader sent it back,
it waits for the clerk, not for the signature. The handling page says so and shows the
leader's remarks above the form the clerk revises; the leader's 待签发 (home page and queue
tab) leaves it out until the clerk submits it again; the audit trail keeps every step."""

import pytest
import time_machine

from tests.proposals.test_answer_sign_off import leader, waiting_answer  # noqa: F401 - fixture
from tests.proposals.test_dashboard import card_count
from tests.proposals.test_department_pages import ANSWER_POST, ASSIGN_DAY
from xieshang.core.audit import TransitionError, history
from xieshang.core.models import Event
from xieshang.proposals import services
from xieshang.proposals.models import Answer, Proposal

REMARKS = "请补充资金来源的说明，并写明补贴标准。"


def send_back(client, answer: Answer):
    return client.post(
        f"/proposals/dept/answers/{answer.pk}/send-back/",
        {f"back{answer.pk}-note": REMARKS, f"back{answer.pk}-version": answer.version},
    )


def answer_card(page: str, answer: Answer) -> str:
    card = page[page.index(f'id="answer-{answer.pk}"') :]
    return card[: card.index('id="answer-form"')] if 'id="answer-form"' in card else card


@pytest.mark.clause("C4.6")
def test_a_sent_back_answer_waits_for_the_clerk_with_the_remarks_above_the_form(
    client,
    world,
    leader,  # noqa: F811 - the fixture
):
    answer = waiting_answer(world)
    url = f"/proposals/dept/{answer.assignment_id}/"
    with time_machine.travel(ASSIGN_DAY, tick=False):
        client.force_login(leader)
        assert card_count(client.get("/").content.decode(), "待签发答复函") == 1
        assert send_back(client, answer).status_code == 302

        # The leader: nothing waits for the signature any more, on the home page, in the
        # 待签发 tab, nor on the page (no sign-off button on a text the clerk is revising).
        assert card_count(client.get("/").content.decode(), "待签发答复函") == 0
        tab = client.get("/proposals/dept/?state=sign_off").content.decode()
        assert answer.assignment.proposal.title not in tab
        leader_page = client.get(url).content.decode()
        assert "签发并送达提案人" not in leader_page
        assert "退回经办人修改</summary>" not in leader_page
        with pytest.raises(TransitionError):
            services.answer_sign_off(answer=answer, actor=leader)
        with pytest.raises(TransitionError):
            services.answer_send_back(answer=answer, actor=leader, note="再改")

        # The clerk: the card says 退回修改, not 待签发, and the remarks are above the form.
        client.force_login(world.housing_clerk)
        page = client.get(url).content.decode()
        card = answer_card(page, answer)
        assert "退回修改" in card
        assert "待签发</span>" not in card and "待单位负责人审核签发" not in card
        form = page[page.index('id="answer-form"') :]
        remarks = form[form.index('id="sent-back-remarks"') :][:600]
        assert REMARKS in remarks and leader.display_name in remarks
        assert "按修改意见修改答复" in form
        queue = client.get("/proposals/dept/").content.decode()
        assert "退回修改" in queue

        # The clerk submits it again: it waits for the signature once more.
        response = client.post(
            f"{url}answer/",
            {**ANSWER_POST, "text": "已明确：市区两级财政各补贴一半。", "version": answer.version},
        )
        assert response.status_code == 302
        answer.refresh_from_db()
        assert answer.sent_back_at is None and answer.sent_back_note == ""
        page = client.get(url).content.decode()
        assert "待单位负责人审核签发" in answer_card(page, answer)
        assert 'id="sent-back-remarks"' not in page
        client.force_login(leader)
        assert card_count(client.get("/").content.decode(), "待签发答复函") == 1
        tab = client.get("/proposals/dept/?state=sign_off").content.decode()
        assert answer.assignment.proposal.title in tab
        services.answer_sign_off(answer=answer, actor=leader)

    # The audit trail keeps each step, the remarks included.
    proposal = answer.assignment.proposal
    verbs = [e.verb for e in history(proposal)][::-1]
    steps = ["proposal.answer_draft", "proposal.answer_send_back", "proposal.answer_revise"]
    assert [verbs.index(v) for v in steps] == sorted(verbs.index(v) for v in steps)
    assert verbs.index("proposal.answer_sign_off") > verbs.index("proposal.answer_revise")
    assert Event.objects.get(verb="proposal.answer_send_back").note == REMARKS
    assert Event.objects.get(verb="proposal.answer_revise").data["after_send_back"] is True
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ANSWERED


def test_the_migration_reads_an_earlier_send_back_from_the_audit_trail(world, leader):  # noqa: F811
    """An answer sent back before the state was kept: the migration finds it in the history
    (and leaves one the clerk revised since waiting for the leader)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "xieshang.proposals.migrations.0013_handling_contact_due_sent_back"
    )
    answer = waiting_answer(world)
    services.answer_send_back(answer=answer, actor=leader, note=REMARKS)
    Answer.objects.filter(pk=answer.pk).update(
        sent_back_at=None, sent_back_by=None, sent_back_note=""
    )
    migration.sent_back_from_history(apps, None)
    answer.refresh_from_db()
    assert (answer.sent_back_by, answer.sent_back_note) == (leader, REMARKS)
    assert answer.sent_back_at == Event.objects.get(verb="proposal.answer_send_back").created_at
