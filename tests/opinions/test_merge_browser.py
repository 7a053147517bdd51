"""The office types its note in the review box, then merges from the similar items: the
note goes with the merge (the item's 审核意见, the notice to its authors)."""

import pytest

from tests.conftest import login
from tests.opinions.factories import make_opinion
from xieshang.core.models import Notification
from xieshang.opinions.models import Opinion

S = Opinion.Status


@pytest.mark.browser
@pytest.mark.clause("C3.2")
@pytest.mark.django_db(transaction=True)
def test_the_note_typed_before_merging_is_kept_and_told(page, world):
    first = make_opinion(world["member"], state=S.SUBMITTED, title="关于老旧小区加装电梯补贴的建议")
    second = make_opinion(
        world["other_member"], state=S.SUBMITTED, title="关于老旧小区加装电梯补贴标准的建议"
    )
    office = world["office"]
    office.username = "office_b"
    office.save()
    login(page, "office_b")
    page.goto(page.base_url + f"/opinions/{second.pk}/")
    page.get_by_label("意见").fill("与第一篇同一小区，一并跟进")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.locator("#similar-opinions").get_by_role("button", name="合并到此篇").click()
    page.wait_for_load_state()
    assert asked and "合并" in asked[0]
    assert "已合并至" in page.content()
    second.refresh_from_db()
    assert second.status == S.MERGED and second.merged_into_id == first.pk
    assert second.review_note == "与第一篇同一小区，一并跟进"
    told = Notification.objects.get(recipient=world["other_member"].user, title__contains="已合并")
    assert "与第一篇同一小区，一并跟进" in told.body
