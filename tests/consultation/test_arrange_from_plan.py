"""A published plan's items are arranged from the plan: each item links to a new activity
with the item, its title and its form filled in, so the clerk adds only the date and place
and the activity's form is the one planned (found: the link was missing, the item had to be
picked from a list of every year's items and its title and form typed again)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from xieshang.consultation.models import Activity, ActivityForm


@pytest.mark.clause("C2.8")
def test_an_item_of_the_published_plan_is_arranged_from_the_plan(world, client):
    # This year's plan: a past year's items are not offered (`attachable_plan_items`).
    this_year = timezone.localdate().year
    plan = world.publish(world.passing_plan(year=this_year))
    item = plan.items.get(title="民营经济发展协商座谈")
    client.force_login(world.office)
    page = client.get(f"/consultation/plans/{plan.pk}/").content.decode()
    link = f"/consultation/activities/new/?item={item.pk}"
    assert link in page

    form = client.get(link).content.decode()
    assert re.search(r'name="title"[^>]*value="民营经济发展协商座谈"', form)
    chosen = re.search(r'<select name="form".*?</select>', form, re.S).group(0)
    assert re.search(r'value="symposium"[^>]*selected', chosen)
    assert re.search(rf'value="{item.pk}"[^>]*selected', form)

    response = client.post(
        "/consultation/activities/new/",
        {
            "organisation": world.district.pk,
            "plan_item": item.pk,
            "title": "民营经济发展协商座谈",
            "form": ActivityForm.SYMPOSIUM,
            "date": dt.date(this_year, 12, 10).isoformat(),
            "place": "区政协",
        },
    )
    assert response.status_code == 302
    assert Activity.objects.get(plan_item=item).form == ActivityForm.SYMPOSIUM


def test_a_draft_plan_and_a_reader_get_no_arrange_link(world, client):
    plan = world.passing_plan(year=2027)
    client.force_login(world.office)
    assert (
        "/consultation/activities/new/?item="
        not in client.get(f"/consultation/plans/{plan.pk}/").content.decode()
    )
    world.publish(plan)
    client.force_login(world.party_office)
    assert (
        "/consultation/activities/new/?item="
        not in client.get(f"/consultation/plans/{plan.pk}/").content.decode()
    )
