"""One person is invited to an activity once: a member who also holds a staff account (a
clerk of the Party committee's organisation department who sits on the CPPCC) is invited
either as a member or, through that account, as an invited Party/government leader, never
both. The first invitation stands; the second is refused naming it (docs/decisions.md)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from xieshang.consultation import services
from xieshang.consultation.models import ActivityForm, Participant
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


@pytest.fixture
def both(world):
    """张丽华, a sitting member whose login also holds a staff role (so the leader-account
    picker offers it)."""
    member = world.members[0]
    RoleAssignment.objects.create(
        user=member.user, organisation=world.district, role=Role.ORGANISATION_DEPT
    )
    return member


def _url(activity) -> str:
    return f"/consultation/activities/{activity.pk}/"


@pytest.mark.clause("C2.5")
def test_a_member_invited_as_a_member_is_not_linked_as_a_leader_too(client, world, activity, both):
    client.force_login(world.office)
    url = _url(activity)
    assert client.post(f"{url}participants/", {"members": [both.pk]}).status_code == 302
    response = client.post(f"{url}participants/", {"leader_accounts": [both.user.pk]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "已作为政协委员受邀参加本活动" in page and both.name in page
    assert list(activity.participants.values_list("kind", flat=True)) == [Participant.Kind.MEMBER]
    # Nor by linking an invited leader's row to that account afterwards.
    services.activity_add_participants(
        activity=activity, actor=world.office, leaders=[("李书记", "区委副书记")]
    )
    row = activity.participants.get(kind=Participant.Kind.LEADER)
    response = client.post(
        f"{url}leader-account/", {"participant": row.pk, "account": both.user.pk}
    )
    assert response.status_code == 400
    assert "已作为政协委员受邀参加本活动" in response.content.decode()
    row.refresh_from_db()
    assert row.user is None


@pytest.mark.clause("C2.5")
def test_a_member_whose_account_is_an_invited_leader_is_not_invited_as_a_member(
    world, activity, both
):
    services.activity_add_participants(
        activity=activity, actor=world.office, leader_accounts=[both.user]
    )
    for kwargs in ({"members": [both]}, {"committee": world.economy}):
        with pytest.raises(ValidationError, match="已关联本活动的受邀党政领导“张丽华”"):
            services.activity_add_participants(activity=activity, actor=world.office, **kwargs)
    assert activity.participants.filter(kind=Participant.Kind.MEMBER).count() == 0
    # The other members of the committee are invited once the office leaves her out.
    services.activity_add_participants(
        activity=activity, actor=world.office, members=world.members[1:3]
    )
    assert activity.participants.count() == 3


def test_both_at_once_is_refused(world, activity, both):
    with pytest.raises(ValidationError, match="不能同时作为政协委员和受邀党政领导"):
        services.activity_add_participants(
            activity=activity, actor=world.office, members=[both], leader_accounts=[both.user]
        )
    assert activity.participants.count() == 0


@pytest.mark.clause("C2.5")
def test_a_leader_typed_again_is_not_invited_twice(client, world, activity):
    """A clerk unsure the first click worked sent the same list again: the leader was added a
    second time and the activity counted 16 participants for 15 people. A two-character
    name aligned with a full-width space (李　红) is the same person as 李红."""
    client.force_login(world.office)
    url = f"{_url(activity)}participants/"
    assert client.post(url, {"leaders": "王建国，区委副书记\n李　红，副区长"}).status_code == 302
    client.post(url, {"leaders": "王建国，区委副书记\n李红 副区长\n李红，副区长"})
    leaders = activity.participants.filter(kind=Participant.Kind.LEADER)
    assert sorted(leaders.values_list("name", "title")) == [
        ("李红", "副区长"),
        ("王建国", "区委副书记"),
    ]
