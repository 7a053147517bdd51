"""Two tabs on an issue rated 不满意: one gives a new reply, the other (still showing the old
page) tries 维持答复并办结. The second is told on top of the page that the issue changed
meanwhile and nothing was applied, and the reason typed is still in its box."""

import re

import pytest
from django.urls import reverse

from tests.residents.test_rehandle_reply_settlement import _replied_and_unsatisfied
from xieshang.core.models import Event

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]


def _version(html: str, action: str) -> str:
    form = html.split(f'id="act-{action}"', 1)[1]
    return re.search(r'name="version" value="(\d+)"', form).group(1)


def test_keeping_the_answer_after_another_tab_replied_says_so_and_keeps_the_text(client, world):
    issue, _code = _replied_and_unsatisfied(world)
    client.force_login(world["liaison"])
    page = client.get(reverse("residents:detail", args=[issue.pk])).content.decode()
    # Tab A: a new reply.
    done = client.post(
        reverse("residents:act", args=[issue.pk, "rehandle"]),
        {"rehandle-reply": "已联系物业，明天上门维修路灯。", "version": _version(page, "rehandle")},
    )
    assert done.status_code == 302
    # Tab B, still showing the page from before: keep the answer and close.
    refused = client.post(
        reverse("residents:act", args=[issue.pk, "review"]),
        {"review-reply": "维持原答复：已处理完毕。", "version": _version(page, "review")},
    )
    assert refused.status_code == 409
    html = refused.content.decode()
    top = html.split('id="issue-title"', 1)[0]
    assert "该事项在您打开此页后已有变动" in top and "本次操作未执行" in top
    assert "维持原答复：已处理完毕。</textarea>" in html
    # Not told the resident is still dissatisfied: the new reply is waiting for a rating.
    assert 'id="review-needed"' not in html
    assert not Event.objects.filter(verb="resident_issue.review_close").exists()
    issue.refresh_from_db()
    assert issue.answer == "已联系物业，明天上门维修路灯。" and issue.review_reply == ""
