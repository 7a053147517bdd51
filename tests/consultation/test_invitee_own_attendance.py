"""An invited department head or Party/government leader, reading the activity they were
invited to without the committee's reading right, sees their own invitation and attendance,
as an invited member does (`consultation.policies.own_participation`, matched as
`can_view_activity` matches them: the department's responsible leader, the
account the office linked to a leader)."""

import re

import pytest

from tests.factories import user_with_role
from xieshang.consultation import services
from xieshang.consultation.models import Participant
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db
A = Participant.Attendance


@pytest.fixture
def activity(leader_activity, leader):
    """Still planned; the invited leader's account linked by the office when inviting them."""
    return leader_activity(account=leader)


def _mine(client, user, activity) -> str | None:
    client.force_login(user)
    response = client.get(f"/consultation/activities/{activity.pk}/")
    assert response.status_code == 200
    found = re.search(r'id="my-attendance">.*?<strong>(.*?)</strong>', response.content.decode())
    return found and found.group(1)


@pytest.mark.clause("C2.5")
def test_invited_heads_and_leaders_see_their_own_invitation_and_attendance(
    client, world, activity, leader
):
    head = user_with_role(
        Role.DEPARTMENT_LEADER, world.district, department=world.housing, full_name="住建局长"
    )
    member = world.members[0].user
    assert _mine(client, head, activity) == "已邀请"
    assert _mine(client, leader, activity) == "已邀请"

    kinds = {p.kind: p.pk for p in activity.participants.all()}
    services.activity_hold(
        activity=activity,
        actor=world.office,
        attendance={
            kinds[Participant.Kind.DEPARTMENT_HEAD]: A.ATTENDED,
            kinds[Participant.Kind.LEADER]: A.EXCUSED,
            kinds[Participant.Kind.MEMBER]: A.ABSENT,
        },
    )
    assert _mine(client, head, activity) == "出席"
    assert _mine(client, leader, activity) == "请假"
    assert _mine(client, member, activity) == "缺席"


def test_the_account_named_as_the_departments_leader_sees_it_too(client, world, activity):
    named = user_with_role(
        Role.DEPARTMENT, world.district, department=world.housing, full_name="分管副局长"
    )
    world.housing.leader_user = named
    world.housing.save(update_fields=["leader_user"])
    assert _mine(client, named, activity) == "已邀请"
