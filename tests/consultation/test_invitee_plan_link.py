"""An invited member reads the activity's plan item as text: the plan's page is the
committee's (they would get a 404 there), so the page offers no link to it; staff get the
link."""

import datetime as dt

import pytest
from django.urls import reverse

from xieshang.consultation import services
from xieshang.consultation.models import ActivityForm

pytestmark = pytest.mark.django_db


def test_an_invited_member_reads_the_plan_item_without_a_dead_link(world, client):
    plan = world.publish(world.passing_plan())
    item = plan.items.get(title="民营经济发展协商座谈")
    activity = services.activity_create(
        organisation=world.district,
        actor=world.office,
        title="民营经济发展协商座谈会",
        form=ActivityForm.SYMPOSIUM,
        date=dt.date(2027, 5, 18),
        place="区政协",
        plan_item=item,
    )
    services.activity_add_participants(
        activity=activity, actor=world.office, members=world.members[:1]
    )
    plan_url = reverse("consultation:plan", args=[plan.pk])
    page_url = reverse("consultation:activity", args=[activity.pk])

    client.force_login(world.members[0].user)
    page = client.get(page_url).content.decode()
    assert "2027·民营经济发展协商座谈" in page
    assert plan_url not in page
    assert client.get(plan_url).status_code == 404

    client.force_login(world.office)
    assert plan_url in client.get(page_url).content.decode()
