"""A waiting answer changed by someone else while a page showed it (core.audit's versions):
the leader never signs off a text they have not seen, and one window of the clerk never
silently overwrites another's revision."""

import pytest
import time_machine
from django.test import Client

from tests.factories import user_with_role
from tests.proposals.test_department_pages import (
    ANSWER_POST,
    ASSIGN_DAY,
    assigned,
    changes,
    lead_of,
)
from xieshang.core.audit import StaleEdit
from xieshang.core.models import Notification
from xieshang.orgs.models import Role
from xieshang.proposals import services
from xieshang.proposals.models import Answer, Proposal

S = Proposal.Status
REVISED = {**ANSWER_POST, "category": "C", "text": "受资金限制，暂难实施，留作参考。"}


@pytest.fixture
def leader(world):
    return user_with_role(
        Role.DEPARTMENT_LEADER, world.district, department=world.housing, full_name="王局长"
    )


def handle_url(answer) -> str:
    return f"/proposals/dept/{answer.assignment_id}/"


def sign_off_version(page: str, answer) -> str:
    """The version the leader's sign-off button on the page carries."""
    form = page.split(f'action="/proposals/dept/answers/{answer.pk}/sign-off/"', 1)[1]
    return form.split('name="version" value="', 1)[1].split('"', 1)[0]


def answer_form_version(page: str) -> str:
    form = page.split('id="answer-form"', 1)[1]
    return form.split('name="version"', 1)[1].split('value="', 1)[1].split('"', 1)[0]


@pytest.fixture
def waiting(world, leader):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        return services.answer_submit(
            assignment=lead_of(proposal), actor=world.housing_clerk, **ANSWER_POST
        )


@pytest.mark.clause("C4.6")
def test_the_leader_cannot_sign_off_a_text_revised_after_the_page_showed_it(
    client, world, leader, waiting
):
    clerk = Client()
    clerk.force_login(world.housing_clerk)
    client.force_login(leader)
    seen = client.get(handle_url(waiting)).content.decode()
    assert "设立每部电梯15万元的财政补贴" in seen
    version = sign_off_version(seen, waiting)

    # Meanwhile the clerk revises the waiting answer from the form on their page.
    page = clerk.get(handle_url(waiting)).content.decode()
    revised = clerk.post(
        f"{handle_url(waiting)}answer/", {**REVISED, "version": answer_form_version(page)}
    )
    assert revised.status_code == 302

    # The leader clicks 签发 on the page already open: refused, nothing signed or sent.
    events = changes()
    response = client.post(f"/proposals/dept/answers/{waiting.pk}/sign-off/", {"version": version})
    html = response.content.decode()
    assert response.status_code == 400
    # Not the shared wording of a stale save (core.audit.StaleEdit): 签发 has no input, so
    # nothing typed is "kept, not yet saved". Nor "someone else": it may be the leader's
    # own other window.
    assert "该答复在您打开此页后已修改并保存。" in html
    assert "您在本页填写的内容仍保留" not in html
    assert "答复在您打开页面后" not in html
    assert "受资金限制，暂难实施，留作参考。" in html  # the page shows the text now waiting
    waiting.refresh_from_db()
    assert waiting.sent_at is None and waiting.signed_off_at is None
    assert changes() == events
    assert not Notification.objects.filter(title__startswith="提案已答复").exists()
    proposal = waiting.assignment.proposal
    proposal.refresh_from_db()
    assert proposal.status == S.ASSIGNED

    # Having read it, the leader signs the text now shown.
    response = client.post(
        f"/proposals/dept/answers/{waiting.pk}/sign-off/",
        {"version": sign_off_version(html, waiting)},
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.sent_at is not None and waiting.text == REVISED["text"]


def test_a_sign_off_without_the_version_the_page_showed_is_refused(client, leader, waiting):
    client.force_login(leader)
    response = client.post(f"/proposals/dept/answers/{waiting.pk}/sign-off/")
    assert response.status_code == 400
    waiting.refresh_from_db()
    assert waiting.sent_at is None
    with pytest.raises(StaleEdit):
        services.answer_sign_off(answer=waiting, actor=leader, expected_version=waiting.version - 1)


@pytest.mark.clause("C4.6")
def test_two_windows_revising_the_waiting_answer_do_not_overwrite_each_other(
    client, world, waiting
):
    client.force_login(world.housing_clerk)
    first_page = client.get(handle_url(waiting)).content.decode()
    second_page = client.get(handle_url(waiting)).content.decode()
    url = f"{handle_url(waiting)}answer/"
    first = {**REVISED, "version": answer_form_version(first_page)}
    assert client.post(url, first).status_code == 302

    second = {
        **ANSWER_POST,
        "text": "第二个窗口的答复内容。",
        "version": answer_form_version(second_page),
    }
    events = changes()
    response = client.post(url, second)
    html = response.content.decode()
    assert response.status_code == 400
    assert "已在其他窗口或由他人修改" in html
    assert "第二个窗口的答复内容。" in html  # what the second window typed is kept
    waiting.refresh_from_db()
    assert (waiting.category, waiting.text) == ("C", REVISED["text"])  # nothing overwritten
    assert changes() == events

    # Submitted again from the refused form (now carrying the current version): on purpose.
    assert answer_form_version(html) == str(waiting.version)
    response = client.post(url, {**second, "version": answer_form_version(html)})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.text == "第二个窗口的答复内容。"
    assert Answer.objects.count() == 1


def test_a_window_opened_before_the_first_answer_does_not_overwrite_it(client, world, leader):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
    url = f"/proposals/dept/{lead_of(proposal).pk}/"
    client.force_login(world.housing_clerk)
    first_page = client.get(url).content.decode()
    second_page = client.get(url).content.decode()
    assert answer_form_version(first_page) == "0"
    client.post(f"{url}answer/", {**ANSWER_POST, "version": answer_form_version(first_page)})
    response = client.post(
        f"{url}answer/", {**REVISED, "version": answer_form_version(second_page)}
    )
    assert response.status_code == 400
    assert Answer.objects.get().text == ANSWER_POST["text"]
