"""签发 before sending (SPEC "Handling": the answer letter is signed off by the department's
responsible leader): a clerk's answer waits for the leader, who reads it, signs it off (and
it goes to the proposers) or sends it back with remarks. Until then nobody outside the
department sees it, rates it, publishes it or counts it."""

import datetime as dt
import io

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import user_with_role
from tests.proposals.test_department_pages import ANSWER_POST, ASSIGN_DAY, assigned, lead_of
from xieshang.core.audit import history
from xieshang.core.models import Event, Notification
from xieshang.core.text import chinese_date
from xieshang.followups.models import Task
from xieshang.orgs.models import Role
from xieshang.proposals import figures, services
from xieshang.proposals.models import Answer, Proposal

S = Proposal.Status


@pytest.fixture
def leader(world):
    return user_with_role(
        Role.DEPARTMENT_LEADER, world.district, department=world.housing, full_name="王局长"
    )


def titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def waiting_answer(world) -> Answer:
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        return services.answer_submit(
            assignment=lead_of(proposal), actor=world.housing_clerk, **ANSWER_POST
        )


@pytest.mark.clause("C4.6")
def test_a_clerks_answer_waits_for_the_leader_and_nobody_outside_sees_it(client, world, leader):
    answer = waiting_answer(world)
    proposal = answer.assignment.proposal
    proposal.refresh_from_db()
    assert answer.sent_at is None
    assert proposal.status == S.ASSIGNED
    assert lead_of(proposal).task.status == Task.Status.OPEN  # the deadline still runs
    assert any(t.startswith("答复函待签发") for t in titles(leader))
    assert not any("提案已答复" in t for t in titles(world.user("zhang")))

    client.force_login(world.user("zhang"))
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "已将老旧小区加装电梯纳入年度民生实事" not in page
    assert "评价本答复" not in page and "提交答复待签发" not in page
    assert client.get(f"/proposals/dept/answers/{answer.pk}/letter.pdf").status_code == 404
    assert figures.figures(world.district, 2026).departments[0].answers == 0

    # The leader's home page and queue show what waits for the signature.
    client.force_login(leader)
    home = client.get("/").content.decode()
    assert "待签发答复函" in home
    queue = client.get("/proposals/dept/?state=sign_off").content.decode()
    assert proposal.title in queue and "待签发" in queue
    page = client.get(f"/proposals/dept/{answer.assignment_id}/").content.decode()
    assert "一、已将老旧小区加装电梯纳入年度民生实事。" in page  # read before signing
    assert "签发并送达提案人" in page


@pytest.mark.clause("C4.6")
def test_the_leaders_sign_off_sends_the_answer_to_the_proposers(client, world, leader):
    answer = waiting_answer(world)
    sign_day = ASSIGN_DAY + dt.timedelta(days=30)
    with time_machine.travel(sign_day, tick=False):
        client.force_login(leader)
        response = client.post(
            f"/proposals/dept/answers/{answer.pk}/sign-off/", {"version": answer.version}
        )
    assert response.status_code == 302
    answer.refresh_from_db()
    proposal = answer.assignment.proposal
    proposal.refresh_from_db()
    assert proposal.status == S.ANSWERED
    assert answer.signed_off_by == leader and answer.sent_at == sign_day
    assert answer.signed_by == "王局长"
    # The on-time measure counts the day the answer went, not the day the clerk wrote it.
    task = lead_of(proposal).task
    assert task.submitted_at == sign_day
    assert any("提案已答复" in t for t in titles(world.user("zhang")))
    # The clerk who drafted it hears it went, and uploads the stamped scan next; the
    # leader's 待签发 notice is dealt with, not left unread.
    told = Notification.objects.get(recipient=world.housing_clerk, title__startswith="答复函已签发")
    assert "王局长已签发答复函并送达提案人" in told.body and "扫描件" in told.body
    asked = Notification.objects.get(recipient=leader, title__startswith="答复函待签发")
    assert asked.read_at is not None
    # The department still reads what it sent on its own page, not only in the PDF.
    client.force_login(world.housing_clerk)
    handled = client.get(f"/proposals/dept/{answer.assignment_id}/").content.decode()
    assert "一、已将老旧小区加装电梯纳入年度民生实事。" in handled
    verbs = [e.verb for e in history(proposal)]
    assert verbs.index("proposal.answer") < verbs.index("proposal.answer_sign_off")
    assert verbs.index("proposal.answer_sign_off") < verbs.index("proposal.answer_draft")

    client.force_login(world.user("zhang"))
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "已将老旧小区加装电梯纳入年度民生实事" in page and "评价本答复" in page
    # Dated the day it went out, on the page and on the letter, not the day it was written.
    sent_on, written_on = (chinese_date(timezone.localdate(d)) for d in (sign_day, ASSIGN_DAY))
    article = page[page.index(f'id="answer-{answer.pk}"') :]
    article = article[: article.index("</article>")]
    assert sent_on in article and written_on not in article
    pdf = client.get(f"/proposals/dept/answers/{answer.pk}/letter.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert sent_on in text.replace("\n", "") and written_on not in text.replace("\n", "")
    # The department's own steps before sending stay the department's.
    assert "提交答复待签发" not in page


def test_the_letter_names_the_leader_who_signed_it_off(client, world, leader):
    """The clerk typed the leader they expected; a deputy signs it off: the letter, the
    proposers' page and the history name the deputy."""
    deputy = user_with_role(
        Role.DEPARTMENT_LEADER, world.district, department=world.housing, full_name="李副局长"
    )
    answer = waiting_answer(world)
    assert answer.signed_by == "王局长"
    services.answer_sign_off(answer=answer, actor=deputy)
    answer.refresh_from_db()
    assert answer.signed_by == "李副局长"
    event = Event.objects.get(verb="proposal.answer_sign_off")
    assert event.actor == deputy and event.data["signed_by"] == ["王局长", "李副局长"]
    client.force_login(world.user("zhang"))
    page = client.get(answer.assignment.proposal.get_absolute_url()).content.decode()
    assert "签发：李副局长" in page and "王局长" not in page
    pdf = client.get(f"/proposals/dept/answers/{answer.pk}/letter.pdf")
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "李副局长" in text and "王局长" not in text


def test_the_clerk_revises_the_waiting_answer_in_place(client, world, leader):
    answer = waiting_answer(world)
    client.force_login(world.housing_clerk)
    page = client.get(f"/proposals/dept/{answer.assignment_id}/").content.decode()
    assert "修改待签发的答复" in page and "区住建函〔2026〕12号" in page  # the form starts from it
    response = client.post(
        f"/proposals/dept/{answer.assignment_id}/answer/",
        {**ANSWER_POST, "category": "B", "text": "已列入明年计划。", "version": answer.version},
    )
    assert response.status_code == 302
    assert Answer.objects.count() == 1
    answer.refresh_from_db()
    assert (answer.category, answer.text, answer.sent_at) == ("B", "已列入明年计划。", None)
    assert Event.objects.filter(verb="proposal.answer_revise").count() == 1


def test_the_leader_sends_a_waiting_answer_back_with_remarks(client, world, leader):
    answer = waiting_answer(world)
    client.force_login(leader)
    url = f"/proposals/dept/answers/{answer.pk}/send-back/"
    response = client.post(url, {f"back{answer.pk}-note": ""})
    assert response.status_code == 400
    assert "请写明修改意见。" in response.content.decode()
    response = client.post(
        url, {f"back{answer.pk}-note": "补充资金来源的说明。", f"back{answer.pk}-version": 1}
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.sent_at is None and answer.signed_off_at is None
    event = Event.objects.get(verb="proposal.answer_send_back")
    assert (event.actor, event.note) == (leader, "补充资金来源的说明。")
    notice = Notification.objects.get(recipient=world.housing_clerk, title__startswith="答复函退回")
    assert notice.body == "补充资金来源的说明。"
    # The clerk may neither sign off nor send back.
    client.force_login(world.housing_clerk)
    assert client.post(url, {f"back{answer.pk}-note": "x"}).status_code == 403
    assert client.post(f"/proposals/dept/answers/{answer.pk}/sign-off/").status_code == 403


def test_the_leaders_own_answer_is_signed_off_and_sent_at_once(world, leader):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        answer = services.answer_submit(assignment=lead_of(proposal), actor=leader, **ANSWER_POST)
    proposal.refresh_from_db()
    assert proposal.status == S.ANSWERED
    assert answer.signed_off_by == leader and answer.sent_at is not None
    # The history says the leader signed it off, as it does when a clerk's answer is signed.
    assert Event.objects.get(verb="proposal.answer_sign_off").actor == leader
