"""Invited department heads and Party/government leaders read the consultation activity they
were invited to, as an invited member does, without the committee's reading right
(`consultation.policies.can_view_activity`; C2.5: invited leaders take part). Those not
invited, a department's clerk, a homonym (a member, staff elsewhere or in the same
organisation: a leader is matched by the account the office linked, never by name), get no
page."""

import datetime as dt

import pytest

from tests.factories import user_with_role
from xieshang.consultation import services
from xieshang.consultation.models import ActivityForm
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(leader_activity, leader):
    """Held, everyone attending; the invited leader's account linked by the office when
    inviting them."""
    return leader_activity(account=leader, held=True, minutes="与会人员讨论了住房保障")


def _status(client, user, activity) -> int:
    client.force_login(user)
    return client.get(f"/consultation/activities/{activity.pk}/").status_code


def test_an_invited_department_head_reads_the_activity(client, world, activity):
    head = user_with_role(
        Role.DEPARTMENT_LEADER, world.district, department=world.housing, full_name="住建局长"
    )
    client.force_login(head)
    response = client.get(f"/consultation/activities/{activity.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "与会人员讨论了住房保障" in html
    assert 'id="participant-table"' not in html and "登记出席情况" not in html


def test_the_account_named_as_the_departments_leader_reads_it_too(client, world, activity):
    named = user_with_role(
        Role.DEPARTMENT, world.district, department=world.housing, full_name="分管副局长"
    )
    world.housing.leader_user = named
    world.housing.save(update_fields=["leader_user"])
    assert _status(client, named, activity) == 200


def test_an_invited_leader_reads_it_through_the_linked_account(client, world, activity, leader):
    assert _status(client, leader, activity) == 200


def test_a_namesake_among_the_staff_does_not(client, world, activity):
    # Same name, a staff role in the same organisation: only the linked account is invited.
    namesake = user_with_role(Role.ORGANISATION_DEPT, world.district, full_name="李书记")
    assert _status(client, namesake, activity) == 404


def test_a_leader_recorded_by_name_only_is_nobody_s_account(client, world, activity):
    unlinked = services.activity_create(
        organisation=world.district,
        actor=world.office,
        title="教育专题协商",
        form=ActivityForm.SPECIAL,
        date=dt.date(2026, 9, 29),
        place="区政协三楼会议室",
    )
    services.activity_add_participants(
        activity=unlinked, actor=world.office, leaders=[("王部长", "区委常委")]
    )
    wang = user_with_role(Role.ORGANISATION_DEPT, world.district, full_name="王部长")
    assert _status(client, wang, unlinked) == 404


@pytest.mark.parametrize(
    "who",
    ["clerk", "other_department_head", "member_homonym", "leader_elsewhere", "other_name"],
)
def test_those_not_invited_get_no_page(client, world, activity, who):
    user = {
        "clerk": lambda: world.housing_clerk,
        "other_department_head": lambda: user_with_role(
            Role.DEPARTMENT_LEADER, world.district, department=world.education, full_name="教育局长"
        ),
        "member_homonym": lambda: user_with_role(Role.MEMBER, world.district, full_name="李书记"),
        "leader_elsewhere": lambda: user_with_role(
            Role.ORGANISATION_DEPT, world.other, full_name="李书记"
        ),
        "other_name": lambda: user_with_role(
            Role.ORGANISATION_DEPT, world.district, full_name="王部长"
        ),
    }[who]()
    assert _status(client, user, activity) == 404
