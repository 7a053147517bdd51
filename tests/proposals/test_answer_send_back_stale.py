"""退回修改 on a waiting answer the clerk revised after the leader's page showed it: like the
sign-off (test_answer_conflicts), the leader's remarks are refused rather than sent about a
text they never read; the remarks typed are kept, the page now shows the revised text, and
sending them again from it is on purpose."""

import pytest
from django.test import Client

from tests.proposals.test_answer_conflicts import (
    REVISED,
    answer_form_version,
    handle_url,
    leader,
    waiting,
)
from tests.proposals.test_department_pages import changes
from xieshang.core.audit import StaleEdit
from xieshang.core.models import Event, Notification
from xieshang.proposals import services

__all__ = ["leader", "waiting"]  # fixtures, shared with test_answer_conflicts

NOTE = "请补充资金来源和实施时间表。"
# The product's one wording for a stale save (core.audit.StaleEdit) and, the form now
# carrying the current version, the way on for remarks that replace nothing (not the
# shared core.forms.SAVE_AGAIN: test_late_stale_answer_wording).
STALE = "该记录在您打开此页后已在其他窗口或由他人修改并保存。"
SAVE_AGAIN = "阅读后仍要退回修改的，请再次提交修改意见"


def send_back_version(page: str, answer) -> str:
    """The version the leader's 退回修改 form on the page carries."""
    form = page.split(f'action="/proposals/dept/answers/{answer.pk}/send-back/"', 1)[1]
    return (
        form.split(f'name="back{answer.pk}-version"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    )


def send_back(client, answer, note: str, version: str):
    return client.post(
        f"/proposals/dept/answers/{answer.pk}/send-back/",
        {f"back{answer.pk}-note": note, f"back{answer.pk}-version": version},
    )


@pytest.mark.clause("C4.6")
def test_remarks_on_a_text_revised_after_the_page_showed_it_are_refused_and_kept(
    client, world, leader, waiting
):
    client.force_login(leader)
    seen = client.get(handle_url(waiting)).content.decode()
    version = send_back_version(seen, waiting)
    assert version == str(waiting.version)

    # Meanwhile the clerk revises the waiting answer.
    clerk = Client()
    clerk.force_login(world.housing_clerk)
    page = clerk.get(handle_url(waiting)).content.decode()
    revised = clerk.post(
        f"{handle_url(waiting)}answer/", {**REVISED, "version": answer_form_version(page)}
    )
    assert revised.status_code == 302

    # The leader sends back remarks from the page already open: refused, nothing sent.
    events = changes()
    response = send_back(client, waiting, NOTE, version)
    html = response.content.decode()
    assert response.status_code == 400
    assert STALE in html and SAVE_AGAIN in html
    assert "答复在您打开页面后" not in html
    assert NOTE in html  # the remarks typed are kept on the form
    assert REVISED["text"] in html  # and the page shows the text now waiting
    assert changes() == events
    assert not Event.objects.filter(verb="proposal.answer_send_back").exists()
    assert not Notification.objects.filter(
        recipient=world.housing_clerk, title__startswith="答复函退回"
    ).exists()

    # Having read the revised text, the leader sends the remarks again from that form.
    waiting.refresh_from_db()
    assert send_back_version(html, waiting) == str(waiting.version)
    response = send_back(client, waiting, NOTE, send_back_version(html, waiting))
    assert response.status_code == 302
    event = Event.objects.get(verb="proposal.answer_send_back")
    assert (event.actor, event.note) == (leader, NOTE)


def test_remarks_without_the_version_the_page_showed_are_refused(client, leader, waiting):
    client.force_login(leader)
    response = client.post(
        f"/proposals/dept/answers/{waiting.pk}/send-back/", {f"back{waiting.pk}-note": NOTE}
    )
    assert response.status_code == 400
    assert NOTE in response.content.decode()
    assert not Event.objects.filter(verb="proposal.answer_send_back").exists()
    # The service says so to every caller; a script (no version) is not checked.
    with pytest.raises(StaleEdit) as refused:
        services.answer_send_back(
            answer=waiting, actor=leader, note=NOTE, expected_version=waiting.version - 1
        )
    assert STALE in str(refused.value)
    services.answer_send_back(answer=waiting, actor=leader, note=NOTE)
    assert Event.objects.filter(verb="proposal.answer_send_back").count() == 1
