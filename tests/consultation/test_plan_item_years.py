"""The activity form offers the plan items of this year's published plan and of the plans
ahead, not those of a year gone (found: every past year's items were listed, and the plan of
a year gone still offered 安排活动 on each item)."""

import pytest
from django.utils import timezone

from xieshang.consultation.models import ActivityForm


@pytest.mark.clause("C2.8")
def test_the_activity_form_offers_this_and_the_coming_years_plan_items(world, client):
    this_year = timezone.localdate().year
    past, current, ahead = (
        world.publish(world.passing_plan(year=year))
        for year in (this_year - 1, this_year, this_year + 1)
    )
    client.force_login(world.office)
    page = client.get("/consultation/activities/new/").content.decode()
    for year in (this_year, this_year + 1):
        assert f"{year}·民营经济发展协商座谈" in page
    assert f"{this_year - 1}·" not in page
    # This year's first.
    assert page.index(f"{this_year}·") < page.index(f"{this_year + 1}·")

    old_item = past.items.get(title="民营经济发展协商座谈")
    response = client.post(
        "/consultation/activities/new/",
        {
            "organisation": world.district.pk,
            "plan_item": old_item.pk,
            "title": "民营经济发展协商座谈",
            "form": ActivityForm.SYMPOSIUM,
            "date": f"{this_year - 1}-12-10",
            "place": "区政协",
        },
    )
    assert response.status_code == 400 and "plan_item" in response.context["form"].errors
    assert not old_item.activities.exists()

    # The past year's plan no longer offers 安排活动; this year's and next year's do.
    arrange = "/consultation/activities/new/?item="
    assert arrange not in client.get(f"/consultation/plans/{past.pk}/").content.decode()
    for plan in (current, ahead):
        assert arrange in client.get(f"/consultation/plans/{plan.pk}/").content.decode()
