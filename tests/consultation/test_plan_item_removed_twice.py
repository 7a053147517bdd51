"""Removing a plan item that another window (or a colleague) already removed brings the
clerk back to the plan with what happened, not to a 404 that reads as if the plan were
gone or closed to them."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C2.4")
def test_removing_an_item_removed_meanwhile_says_so_on_the_plan(client, world):
    plan = world.passing_plan()
    item = plan.items.first()
    client.force_login(world.office)
    url = f"/consultation/plans/{plan.pk}/items/{item.pk}/remove/"
    first = client.post(url, {"version": plan.version}, follow=True)
    assert "已删除计划事项。" in first.content.decode()
    again = client.post(url, {"version": plan.version}, follow=True)
    assert again.status_code == 200
    assert again.redirect_chain[-1][0].startswith(f"/consultation/plans/{plan.pk}/")
    assert "该计划事项已不在计划中，可能已在其他窗口删除。" in again.content.decode()
