"""A delivered answer names its signer as its letter does (签发人), not as a signer still to
come: a proposer read "To be signed by: 谢宁莺" beside an answer they were asked to rate,
while the letter said 签发人：谢宁莺. 拟签发 stays for an answer still waiting for sign-off."""

from tests.factories import user_with_role
from tests.proposals.conftest import answered
from tests.proposals.test_department_pages import ANSWER_POST, ASSIGN_DAY, assigned, lead_of
from xieshang.orgs.models import Role
from xieshang.proposals import services


def answer_line(page: str) -> str:
    card = page.split('id="answer-', 1)[1]
    return card.split("</p>", 1)[0]


def test_the_proposer_reads_signed_by_on_a_delivered_answer(client, world):
    proposal = answered(world)  # no leader's account: sent at once, not signed off
    client.force_login(world.user("zhang"))
    line = answer_line(client.get(proposal.get_absolute_url()).content.decode())
    assert "签发人：王局长" in line and "拟签发" not in line
    client.cookies["django_language"] = "en"
    line = answer_line(client.get(proposal.get_absolute_url()).content.decode())
    assert "王局长" in line and "To be signed by" not in line


def test_a_waiting_answer_still_names_its_signer_to_come(client, world):
    import time_machine

    user_with_role(
        Role.DEPARTMENT_LEADER, world.district, department=world.housing, full_name="王局长"
    )
    with time_machine.travel(ASSIGN_DAY, tick=False):
        lead = lead_of(assigned(world))
        answer = services.answer_submit(assignment=lead, actor=world.housing_clerk, **ANSWER_POST)
        client.force_login(world.housing_clerk)
        page = client.get(f"/proposals/dept/{lead.pk}/").content.decode()
    assert answer.sent_at is None
    card = page.split(f'id="answer-{answer.pk}"', 1)[1].split("</div>", 1)[0]
    assert "拟签发：" in card and "签发人：" not in card
