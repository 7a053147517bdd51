"""A department invited to an activity by its head (the participant row has no account) is
told when the activity is rearranged, through the department's responsible leaders, who
open the activity page the notice links to."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import UserFactory, user_with_role
from xieshang.consultation import services
from xieshang.core.models import Notification
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C2.5")
def test_an_invited_departments_leaders_are_told_of_a_new_date(world, leader_activity, client):
    head = user_with_role(
        Role.DEPARTMENT_LEADER, world.district, department=world.housing, full_name="住建局长"
    )
    named = UserFactory(full_name="住建副局长")  # named as its leader, with no role
    world.housing.leader_user = named
    world.housing.save(update_fields=["leader_user"])
    activity = leader_activity()
    services.activity_edit(
        activity=activity,
        actor=world.office,
        expected_version=activity.version,
        date=dt.date(2026, 10, 15),
    )
    told = Notification.objects.filter(title__contains="协商活动安排有变")
    recipients = {n.recipient_id for n in told}
    assert {head.pk, named.pk, world.members[0].user_id} <= recipients
    # The clerk cannot open the activity page, so is not sent a link to it.
    assert world.housing_clerk.pk not in recipients

    notice = told.get(recipient=head)
    assert "区政协三楼会议室" in notice.body
    client.force_login(head)
    assert client.get(notice.url).status_code == 200
    assert notice.url == reverse("consultation:activity", args=[activity.pk])


def test_another_departments_leader_is_not_told(world, leader_activity):
    other = user_with_role(
        Role.DEPARTMENT_LEADER, world.district, department=world.education, full_name="教育局长"
    )
    activity = leader_activity()
    services.activity_edit(
        activity=activity, actor=world.office, expected_version=activity.version, place="报告厅"
    )
    assert not Notification.objects.filter(recipient=other).exists()
