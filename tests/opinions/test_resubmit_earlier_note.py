"""An item returned and submitted again shows the return's note as the earlier one (上次退回意见)
while the new review is pending, not as the review of what it says now; and 提交 on the item's
page says what comes next, as the create page does (已提交，请等待政协办公室审核。)."""

import re

import pytest

from tests.opinions.factories import make_opinion
from xieshang.opinions import services
from xieshang.opinions.models import Opinion

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C3.2")]
S = Opinion.Status


def note_label(page: str) -> str:
    match = re.search(
        r'<dt class="col-sm-2">([^<]*)</dt><dd class="col-sm-10" id="review-note">', page
    )
    return match.group(1) if match else ""


def test_a_resubmitted_item_shows_the_return_as_the_earlier_note(client, world):
    member = world["member"]
    opinion = make_opinion(member, state=S.SUBMITTED)
    services.opinion_return(opinion=opinion, actor=world["office"], note="请补充数据")
    client.force_login(member.user)
    page = client.get(f"/opinions/{opinion.pk}/").content.decode()
    assert note_label(page) == "审核意见" and "请补充数据" in page

    response = client.post(f"/opinions/{opinion.pk}/submit/", follow=True)
    page = response.content.decode()
    opinion.refresh_from_db()
    assert opinion.status == S.SUBMITTED
    assert "已提交，请等待政协办公室审核。" in page
    assert note_label(page) == "上次退回意见" and "请补充数据" in page

    # The office reads it so too while it reviews; once decided, the note is the new review's.
    client.force_login(world["office"])
    page = client.get(f"/opinions/{opinion.pk}/").content.decode()
    assert note_label(page) == "上次退回意见"
    services.opinion_accept(opinion=opinion, actor=world["office"], note="内容翔实")
    page = client.get(f"/opinions/{opinion.pk}/").content.decode()
    assert note_label(page) == "审核意见" and "内容翔实" in page
