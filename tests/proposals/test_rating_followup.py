"""What follows a proposer's rating of an answer: an unsatisfied one is told to the proposal
committee (who may order 重新办理) and to the answering department, and the committee sees
it marked; the proposers see the date to rate by (提案人评价时限, 15 working days after the
answer) and, past it, that they may still rate, recorded as late; a refused rating says
its reason once."""

import datetime as dt

import time_machine
from django.utils import translation

from tests.proposals.conftest import answered
from xieshang.core.models import Event, Notification
from xieshang.proposals.models import Evaluation, Rating

ANSWER_DAY = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # Monday 2 March, 10:00 in Beijing


def rate(client, proposal, member_user, *, process, result, comment="", next_url=""):
    answer = proposal.assignments.get().answers.get()
    prefix = f"rate{answer.pk}"
    client.force_login(member_user)
    data = {f"{prefix}-process": process, f"{prefix}-result": result, f"{prefix}-comment": comment}
    if next_url:
        data["next"] = next_url
    return client.post(f"/proposals/{proposal.pk}/answers/{answer.pk}/rate/", data)


def unsatisfied_notices():
    return Notification.objects.filter(title__startswith="提案人对答复不满意")


def test_an_unsatisfied_rating_is_told_to_the_committee_and_the_answering_department(client, world):
    proposal = answered(world, cosigners=["wang"])
    assignment = proposal.assignments.get()
    answer = assignment.answers.get()
    response = rate(
        client, proposal, world.user("zhang"), process=Rating.SATISFIED, result=Rating.BASICALLY
    )
    assert response.status_code == 302
    assert not unsatisfied_notices().exists()  # a satisfied rating troubles nobody

    response = rate(
        client,
        proposal,
        world.user("wang"),
        process=Rating.SATISFIED,
        result=Rating.UNSATISFIED,
        comment="财政补贴至今尚未落实。",
    )
    assert response.status_code == 302
    told = {n.recipient for n in unsatisfied_notices()}
    assert told == {world.reviewer, world.reviewer2, world.housing_clerk}
    committee = unsatisfied_notices().get(recipient=world.reviewer)
    assert proposal.title in committee.title
    for words in (
        "王建国",
        "区住房和城乡建设局",
        "办理过程满意，办理结果不满意",
        "财政补贴至今尚未落实",
    ):
        assert words in committee.body, words
    assert "重新办理" in committee.body
    assert committee.url == f"/proposals/{proposal.pk}/#answer-{answer.pk}"
    department = unsatisfied_notices().get(recipient=world.housing_clerk)
    assert department.url == f"/proposals/dept/{assignment.pk}/"
    assert "财政补贴至今尚未落实" in department.body

    # Where the committee looks: the answer's ratings on the proposal page, and the list.
    client.force_login(world.reviewer)
    page = client.get(proposal.get_absolute_url()).content.decode()
    ratings = page.split(f'id="evaluations-{answer.pk}"', 1)[1].split("</ul>", 1)[0]
    assert "王建国：办理过程满意，办理结果不满意" in ratings and "不满意</span>" in ratings
    assert "张丽华：办理过程满意，办理结果基本满意" in ratings
    listed = client.get("/proposals/").content.decode()
    row = listed.split(f'href="/proposals/{proposal.pk}/"', 1)[1].split("</tr>", 1)[0]
    assert "不满意</span>" in row


def test_the_to_rate_page_gives_the_date_to_rate_by_and_a_late_rating_is_taken_and_marked(
    client, world
):
    with time_machine.travel(ANSWER_DAY, tick=False):
        proposal = answered(world)
        client.force_login(world.user("zhang"))
        page = client.get("/proposals/to-rate/").content.decode()
        # 15 working days after Monday 2 March 2026.
        assert "评价时限：2026年3月23日" in page and "剩余15个工作日" in page
        assert "逾期" not in page
        # The proposal page, where the member may rate too, says the same.
        detail = client.get(proposal.get_absolute_url()).content.decode()
        assert "评价时限：2026年3月23日" in detail

    with time_machine.travel(dt.datetime(2026, 3, 25, 2, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(world.user("zhang"))  # a session does not last three weeks
        page = client.get("/proposals/to-rate/").content.decode()
        assert "评价时限：2026年3月23日" in page
        assert "已逾期2个工作日" in page and "逾期仍可评价" in page
        response = rate(
            client,
            proposal,
            world.user("zhang"),
            process=Rating.SATISFIED,
            result=Rating.SATISFIED,
            next_url="/proposals/to-rate/",
        )
        assert response.status_code == 302
    assert Evaluation.objects.filter(member=world.members["zhang"]).exists()
    event = Event.objects.get(verb="proposal.evaluate")
    assert "逾期评价（评价时限为2026年3月23日）" in event.note
    assert event.data["late"] is True
    client.force_login(world.reviewer)
    history = client.get(proposal.get_absolute_url()).content.decode()
    assert "逾期评价（评价时限为2026年3月23日）" in history


def test_a_rating_in_time_is_not_marked_late(client, world):
    with time_machine.travel(ANSWER_DAY, tick=False):
        proposal = answered(world)
    with time_machine.travel(dt.datetime(2026, 3, 23, 9, 0, tzinfo=dt.UTC), tick=False):
        response = rate(
            client, proposal, world.user("zhang"), process=Rating.SATISFIED, result=Rating.SATISFIED
        )
        assert response.status_code == 302
    event = Event.objects.get(verb="proposal.evaluate")
    assert "逾期" not in event.note and event.data["late"] is False
    # The history line says what was rated, in each reader's language.
    assert event.note == "办理过程满意，办理结果满意"
    with translation.override("en"):
        assert "Satisfied" in event.shown_note and "满意" not in event.shown_note


def test_rating_twice_says_so_once(client, world):
    proposal = answered(world)
    first = rate(
        client, proposal, world.user("zhang"), process=Rating.SATISFIED, result=Rating.SATISFIED
    )
    assert first.status_code == 302
    again = rate(
        client,
        proposal,
        world.user("zhang"),
        process=Rating.SATISFIED,
        result=Rating.UNSATISFIED,
        comment="另一个窗口里写的意见",
    )
    body = again.content.decode()
    assert again.status_code == 400
    assert body.count("您已评价过该答复。") == 1
    assert "另一个窗口里写的意见" in body  # what was typed is kept
    answer_pk = proposal.assignments.get().answers.get().pk
    assert f'href="#answer-{answer_pk}"' in body.split('id="action-error"', 1)[1]
