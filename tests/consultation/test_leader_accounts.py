"""The office links an invited Party/government leader to their platform account on the
participants form (a server-searched picker of the organisation's staff accounts, labelled
with the username so namesakes are told apart); that link, never the name, is what lets the
leader read the activity (`consultation.policies.can_view_activity`)."""

import datetime as dt

import pytest

from tests.factories import user_with_role
from xieshang.consultation import services
from xieshang.consultation.models import ActivityForm, Participant
from xieshang.core.models import Event
from xieshang.orgs.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(world):
    return services.activity_create(
        organisation=world.district,
        actor=world.office,
        title="民营经济发展协商座谈",
        form=ActivityForm.SYMPOSIUM,
        place="政协三楼会议室",
        date=dt.date(2026, 9, 28),
    )


def ask(client, status=200, **params):
    response = client.get("/pickers/consultation-leader-accounts/", params)
    assert response.status_code == status
    return [row["text"] for row in response.json()["results"]] if status == 200 else None


@pytest.mark.clause("C2.5")
def test_the_office_picks_the_leaders_account_among_namesakes(client, world, activity):
    li = user_with_role(Role.ORGANISATION_DEPT, world.district, full_name="李书记", username="lisj")
    namesake = user_with_role(
        Role.ORGANISATION_DEPT, world.district, full_name="李书记", username="lisj2"
    )
    user_with_role(Role.ORGANISATION_DEPT, world.other, full_name="李书记", username="elsewhere")
    client.force_login(world.office)
    url = f"/consultation/activities/{activity.pk}/"
    org = world.district.pk
    page = client.get(url).content.decode()
    assert f'data-picker-source="/pickers/consultation-leader-accounts/?organisation={org}"' in page
    assert "lisj" not in page
    # Staff of the organisation only (not its members, not another district's staff).
    unit = world.district.name
    assert set(ask(client, organisation=org, q="李书记")) == {
        f"李书记（lisj，{unit}）",
        f"李书记（lisj2，{unit}）",
    }
    assert ask(client, organisation=org, q=world.members[0].name) == []

    response = client.post(
        f"{url}participants/", {"leaders": "李书记，区委副书记", "leader_accounts": [li.pk]}
    )
    assert response.status_code == 302
    row = activity.participants.get()
    assert (row.kind, row.name, row.title, row.user) == (
        Participant.Kind.LEADER,
        "李书记",
        "区委副书记",
        li,
    )
    client.force_login(li)
    assert client.get(url).status_code == 200
    client.force_login(namesake)
    assert client.get(url).status_code == 404


def test_an_invited_leader_without_an_account_is_linked_later(client, world, activity):
    services.activity_add_participants(
        activity=activity, actor=world.office, leaders=[("王部长", "区委常委")]
    )
    wang = user_with_role(Role.ORGANISATION_DEPT, world.district, full_name="王部长")
    url = f"/consultation/activities/{activity.pk}/"
    client.force_login(wang)
    assert client.get(url).status_code == 404
    client.force_login(world.office)
    assert client.post(f"{url}participants/", {"leader_accounts": [wang.pk]}).status_code == 302
    row = activity.participants.get()  # the same row, now linked: no second 王部长
    assert (row.title, row.user) == ("区委常委", wang)
    event = Event.objects.filter(verb="activity.participants").latest("id")
    assert "王部长" in event.note
    client.force_login(wang)
    assert client.get(url).status_code == 200


def test_an_account_from_elsewhere_is_refused_and_the_typed_leaders_kept(client, world, activity):
    outsider = user_with_role(Role.ORGANISATION_DEPT, world.other, full_name="赵书记")
    client.force_login(world.office)
    response = client.post(
        f"/consultation/activities/{activity.pk}/participants/",
        {"leaders": "周书记，区委副书记", "leader_accounts": [outsider.pk]},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "选择一个有效的选项" in page and "周书记，区委副书记" in page
    assert activity.participants.count() == 0


def test_only_those_who_run_the_activities_search_the_accounts(client, world):
    client.force_login(world.other_office)
    ask(client, status=403, organisation=world.district.pk)
    ask(client, status=404, organisation=0)


@pytest.mark.clause("C2.5")
def test_a_leader_who_is_also_a_member_is_offered_by_the_staff_role(client, world, activity):
    """A staff account that also holds a 政协委员 role (a 副县长 seated by sector) is offered
    and linked by its leader role: the link lets it read this activity as the invited leader,
    as it would a staff-only account. A member's account, or a member here with a staff role
    only in another district, is not."""
    deputy = user_with_role(
        Role.GOVERNMENT_OFFICE, world.district, full_name="钱副区长", username="qianfu"
    )
    RoleAssignment.objects.create(user=deputy, organisation=world.district, role=Role.MEMBER)
    elsewhere = user_with_role(Role.MEMBER, world.district, full_name="钱副区长", username="qian2")
    RoleAssignment.objects.create(
        user=elsewhere, organisation=world.other, role=Role.ORGANISATION_DEPT
    )
    client.force_login(world.office)
    # Labelled by the staff role's unit, not the member role's.
    assert ask(client, organisation=world.district.pk, q="钱") == [
        f"钱副区长（qianfu，{world.district.name}）"
    ]
    url = f"/consultation/activities/{activity.pk}/"
    response = client.post(
        f"{url}participants/", {"leaders": "钱副区长，副区长", "leader_accounts": [deputy.pk]}
    )
    assert response.status_code == 302
    assert activity.participants.get().user == deputy
    client.force_login(deputy)
    assert client.get(url).status_code == 200
