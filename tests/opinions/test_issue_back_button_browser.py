"""The editor publishes an issue, presses Back and clicks 编发新一期 again: the browser must
not tick, by position, the item that moved into the first row, publishing an item nobody chose."""

import pytest

from tests.conftest import login
from tests.opinions.factories import make_opinion
from xieshang.opinions.models import Issue, Opinion


@pytest.mark.browser
@pytest.mark.clause("C4.7")
@pytest.mark.django_db(transaction=True)
def test_back_then_publish_again_does_not_publish_the_item_nobody_ticked(page, world):
    office = world["office"]
    office.username = "bianji"
    office.save()
    other = make_opinion(
        world["other_member"], office=office, state=Opinion.Status.ACCEPTED, title="第二篇未选的"
    )
    chosen = make_opinion(
        world["member"], office=office, state=Opinion.Status.ACCEPTED, title="第一篇选中的"
    )
    login(page, "bianji")
    page.goto(page.base_url + "/opinions/queue/?state=accepted")
    # Newest first: the chosen one is the first row; after it is published, the other one is.
    page.get_by_label("第一篇选中的").check()
    page.get_by_role("button", name="编发新一期").click()
    page.wait_for_url("**/opinions/issues/*/")
    page.go_back()
    page.wait_for_load_state()
    page.get_by_role("button", name="编发新一期").click()
    page.wait_for_load_state()
    other.refresh_from_db()
    assert other.status == Opinion.Status.ACCEPTED
    assert Issue.objects.count() == 1
    assert chosen.pk in set(Issue.objects.get().opinions.values_list("pk", flat=True))
