"""代为评价 in the 待评价 list and on its home card: the office clerk who entered a paper
proposal, and the proposal committee, could record evaluations for proposers without an
account only from the notice or the proposal page; the 待评价 list and card showed only the
answers a proposer rates themself, so at year-end the clerks' answers went unrated and
pulled the satisfaction figures down. The list and card now hold them too, marked 代为评价
with the proposers they are for, linking to the proposal page's form."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MemberFactory, seat
from tests.proposals.conftest import PROPOSAL_TEXT
from tests.proposals.test_dashboard import card_count
from tests.proposals.test_department_pages import ANSWER_POST, ASSIGN_DAY, lead_of
from tests.proposals.test_rate_for import rate_for
from xieshang.orgs import config
from xieshang.proposals import policies, rules, selectors, services
from xieshang.proposals.models import Answer

ANSWER_DAY = ASSIGN_DAY + dt.timedelta(days=7)
CARD = "待评价的答复"


def paper_answered(
    world, first_name, *, cosigners=(), member_cosigner=None, title=None, answer_day=ANSWER_DAY
):
    """A proposal the office entered for `first_name` (no account) with co-signers without an
    account named `cosigners` and, if given, a member with a login (who confirms himself),
    answered by 住建局: (proposal, answer, {name: member})."""
    people = {}
    for name in (first_name, *cosigners):
        people[name] = MemberFactory(organisation=world.district, name=name)
        seat(people[name], world.term)
    first, others = people[first_name], [people[n] for n in cosigners]
    if member_cosigner is not None:
        others.append(member_cosigner)
    text = {**PROPOSAL_TEXT, "title": title or PROPOSAL_TEXT["title"]}
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = services.proposal_create(
            actor=world.office,
            organisation=world.district,
            first_proposer=first,
            cosigners=others,
            **text,
        )
        services.proposal_submit(proposal=proposal, actor=world.office)
        for signer in proposal.signers.select_related("member"):
            if signer.member.user_id:
                services.signer_respond(proposal=proposal, actor=signer.member.user, confirm=True)
            else:
                services.signer_confirm_for(
                    proposal=proposal, signer_pk=signer.pk, actor=world.reviewer, note="书面签字"
                )
        services.proposal_accept(proposal=proposal, actor=world.reviewer)
        services.proposal_assign(proposal=proposal, actor=world.reviewer, lead=world.housing)
    with time_machine.travel(answer_day, tick=False):
        answer = services.answer_submit(
            assignment=lead_of(proposal), actor=world.housing_clerk, **ANSWER_POST
        )
    proposal.refresh_from_db()
    return proposal, answer, people


def stand_in_row(page: str, answer) -> str | None:
    """The 代为评价 row of `answer` on the 待评价 list, or None."""
    match = re.search(rf'id="rate-for-row-{answer.pk}".*?</section>', page, re.S)
    return match.group(0) if match else None


@pytest.mark.clause("C4.6")
def test_the_clerk_finds_the_answer_in_the_list_and_the_card_until_recorded(client, world):
    # The first proposer's surname has more strokes (尹 4, 卜 2): the names go in
    # surname-stroke order, not in the proposal's.
    proposal, answer, people = paper_answered(world, "尹爽娜", cosigners=["卜悦嘉"])
    with time_machine.travel(ANSWER_DAY + dt.timedelta(days=1), tick=False):
        client.force_login(world.office)
        row = stand_in_row(client.get("/proposals/to-rate/").content.decode(), answer)
        assert card_count(client.get("/").content.decode(), CARD) == 1
    client.force_login(world.office)
    assert row is not None
    assert "代为评价" in row and proposal.title in row
    assert "待代为评价的提案人：卜悦嘉、尹爽娜" in row
    assert "评价时限：2026年3月30日" in row
    assert f'href="/proposals/{proposal.pk}/#rate-for-{answer.pk}"' in row
    # The link lands on the proposal page's form for that answer.
    assert f'id="rate-for-{answer.pk}"' in client.get(proposal.get_absolute_url()).content.decode()

    # One recorded: the row stays for the other proposer.
    assert rate_for(client, proposal, answer, people["尹爽娜"]).status_code == 302
    row = stand_in_row(client.get("/proposals/to-rate/").content.decode(), answer)
    assert "待代为评价的提案人：卜悦嘉<" in row.replace("</p>", "<")
    # Both recorded: gone from the list, and the card (nothing waits) from the home page.
    assert rate_for(client, proposal, answer, people["卜悦嘉"]).status_code == 302
    page = client.get("/proposals/to-rate/").content.decode()
    assert stand_in_row(page, answer) is None and "暂无待评价的答复。" in page
    assert card_count(client.get("/").content.decode(), CARD) is None


@pytest.mark.clause("C4.6")
def test_the_committee_sees_it_too_and_a_proposer_with_an_account_is_not_stood_in_for(
    client, world
):
    li = world.members["li"]  # a member with a login: he rates himself
    proposal, answer, _people = paper_answered(world, "卜悦嘉", member_cosigner=li)
    client.force_login(world.reviewer)
    page = client.get("/proposals/to-rate/").content.decode()
    row = stand_in_row(page, answer)
    assert "待代为评价的提案人：卜悦嘉</p>" in row and "李明" not in row
    assert card_count(client.get("/").content.decode(), CARD) == 1
    # The committee reaches the list from its tabs.
    assert 'href="/proposals/to-rate/"' in page
    # A member's own proposal, every proposer with an account: nothing to record for them.
    own = services.proposal_create(
        actor=world.user("zhang"), organisation=world.district, **PROPOSAL_TEXT
    )
    services.proposal_submit(proposal=own, actor=world.user("zhang"))
    services.proposal_accept(proposal=own, actor=world.reviewer)
    services.proposal_assign(proposal=own, actor=world.reviewer, lead=world.housing)
    own_answer = services.answer_submit(
        assignment=lead_of(own), actor=world.housing_clerk, **ANSWER_POST
    )
    page = client.get("/proposals/to-rate/").content.decode()
    assert stand_in_row(page, own_answer) is None and stand_in_row(page, answer) is not None
    # 李明 himself is asked to rate it, as a proposer, not as a stand-in.
    client.force_login(li.user)
    page = client.get("/proposals/to-rate/").content.decode()
    assert f"/proposals/{proposal.pk}/answers/{answer.pk}/rate/" in page
    assert stand_in_row(page, answer) is None


@pytest.mark.clause("C4.6")
def test_a_merged_paper_proposal_s_proposer_waits_on_the_answer_it_shares(client, world):
    people = {"卜悦嘉": MemberFactory(organisation=world.district, name="卜悦嘉")}
    seat(people["卜悦嘉"], world.term)
    paper = services.proposal_create(
        actor=world.office,
        organisation=world.district,
        first_proposer=people["卜悦嘉"],
        **PROPOSAL_TEXT,
    )
    services.proposal_submit(proposal=paper, actor=world.office)
    target = services.proposal_create(
        actor=world.user("zhang"), organisation=world.district, **PROPOSAL_TEXT
    )
    services.proposal_submit(proposal=target, actor=world.user("zhang"))
    services.proposal_merge(proposal=paper, into=target, actor=world.reviewer)
    services.proposal_accept(proposal=target, actor=world.reviewer)
    services.proposal_assign(proposal=target, actor=world.reviewer, lead=world.housing)
    answer = services.answer_submit(
        assignment=lead_of(target), actor=world.housing_clerk, **ANSWER_POST
    )
    client.force_login(world.office)
    row = stand_in_row(client.get("/proposals/to-rate/").content.decode(), answer)
    assert "待代为评价的提案人：卜悦嘉</p>" in row and "张丽华" not in row


@pytest.mark.clause("C4.6")
def test_nobody_without_the_right_sees_anything_more(client, world):
    _proposal, answer, _people = paper_answered(world, "卜悦嘉", cosigners=["尹爽娜"])
    for user in (
        world.chair,  # reads every proposal, records nothing
        world.housing_clerk,  # the answering department
        world.other_reviewer,  # the committee of another district
        world.user("zhang"),  # a member
    ):
        client.force_login(user)
        assert stand_in_row(client.get("/proposals/to-rate/").content.decode(), answer) is None
        home = client.get("/").content.decode()
        assert card_count(home, CARD) in (None, 0), user
        assert not selectors.rate_for_answers(user).exists()
    # The chair and the department clerk have no 待评价 card at all.
    client.force_login(world.chair)
    assert CARD not in client.get("/").content.decode()


def test_the_list_agrees_with_the_page_s_rule_for_every_answer_and_user(world):
    """The set-based selector is `policies.can_rate_for` and `services.rate_for_candidates`
    (proposers without an account) asked of each answer one by one."""
    paper_answered(world, "卜悦嘉", cosigners=["尹爽娜"], title="关于书面提案一的建议")
    proposal, answer, people = paper_answered(
        world, "尹爽娜", member_cosigner=world.members["li"], title="关于书面提案二的建议"
    )
    services.evaluation_submit_for(
        answer=answer,
        actor=world.office,
        member_pk=people["尹爽娜"].pk,
        process="satisfied",
        result="satisfied",
        note="电话",
    )
    answers = list(Answer.objects.sent().select_related("assignment__proposal"))
    for user in (world.office, world.reviewer, world.chair, world.other_reviewer, world.user("li")):
        expected = {
            a.pk
            for a in answers
            if policies.can_rate_for(user, a.assignment.proposal)
            and any(
                not m.user_id
                for m in services.rate_for_candidates(services.proposers(a.assignment.proposal), a)
            )
        }
        listed = {a.pk for _p, a, _names in selectors.answers_to_rate_for(user)}
        counted = set(selectors.rate_for_answers(user).values_list("pk", flat=True))
        assert listed == counted == expected, user
    assert len(selectors.answers_to_rate_for(world.office)) == 1


def _queries(client, url: str) -> int:
    client.get(url)  # warm the session and the caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_list_and_the_card_cost_the_same_for_more_rows(client, world):
    paper_answered(world, "卜悦嘉", cosigners=["尹爽娜"], title="关于书面提案一的建议")
    users = (world.office, world.reviewer)

    def measure():
        counted = {}
        for user in users:
            client.force_login(user)
            counted[user.pk] = (_queries(client, "/proposals/to-rate/"), _queries(client, "/"))
        return counted

    one = measure()
    paper_answered(world, "尹爽娜", title="关于书面提案二的建议")
    paper_answered(world, "王小丫", cosigners=["田甜"], title="关于书面提案三的建议")
    for user in users:
        client.force_login(user)
        page = client.get("/proposals/to-rate/").content.decode()
        assert page.count('id="rate-for-row-') == 3
        assert card_count(client.get("/").content.decode(), CARD) == 3
    assert measure() == one


def test_the_dates_to_rate_by_take_each_answer_s_rule_in_one_read(world):
    """The list's dates to rate by are read for all its rows at once (`services.rating_dues`),
    each still under the rule in force the day its answer went out."""
    with time_machine.travel(ASSIGN_DAY, tick=False):
        config.set_value(
            world.district,
            rules.EVALUATION_DAYS,
            10,
            actor=world.office,
            effective_from=dt.date(2026, 3, 20),
        )
    before, _a, _p = paper_answered(world, "卜悦嘉", title="关于书面提案一的建议")
    after, _a, _p = paper_answered(
        world,
        "尹爽娜",
        title="关于书面提案二的建议",
        answer_day=dt.datetime(2026, 3, 23, 2, 0, tzinfo=dt.UTC),
    )
    dues = services.rating_dues([before, after])
    assert dues[before.pk] == dt.date(2026, 3, 30)  # 15 working days after 9 March
    # 10 working days after 23 March, 清明 (4-6 April) not counted; 15 would be 14 April.
    assert dues[after.pk] == dt.date(2026, 4, 7)
    assert dues == {p.pk: services.rating_due(p) for p in (before, after)}
