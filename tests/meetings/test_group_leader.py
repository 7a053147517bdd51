"""A group leader (组长) organises their activity group's activities (SPEC, People and
roles; Meetings: "committee and group activities", invitations "by group"): they set one up
for the group they lead, invite its members (the whole group or by name) and nobody else,
and run it; another group's activity, or any other meeting, stays out of their hands
(docs/decisions.md 2026-12-05 afternoon)."""

import pytest
from django.core.exceptions import PermissionDenied

from xieshang.meetings import services
from xieshang.meetings.models import Meeting, MeetingKind
from xieshang.orgs.models import ActivityGroup, Role, RoleAssignment

from .factories import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    w = world()
    w.other_group = ActivityGroup.objects.create(organisation=w.org, name="第二活动小组")
    w.leader = w.member("李组长", group=w.group)
    RoleAssignment.objects.create(user=w.leader.user, organisation=w.org, role=Role.GROUP_LEADER)
    w.group.leader = w.leader
    w.group.save(update_fields=["leader"])
    w.mate = w.member("王组员", group=w.group)
    w.outsider = w.member("赵外组", group=w.other_group)
    return w


def _form(w, **extra):
    return {
        "kind": MeetingKind.GROUP,
        "title": "小组学习会",
        "activity_group": w.group.pk,
        "location": "小组活动室",
        "start": "2026-04-01T14:00",
        "end": "2026-04-01T16:00",
        "mode": Meeting.Mode.COMPULSORY,
        **extra,
    }


def test_a_group_leader_sets_up_their_groups_activity_and_invites_its_members(client, w):
    client.force_login(w.leader.user)
    page = client.get("/meetings/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "第一活动小组" in html and "第二活动小组" not in html
    assert 'value="plenary"' not in html and 'name="committee"' not in html
    response = client.post("/meetings/new/", _form(w))
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get(title="小组学习会")
    assert (meeting.kind, meeting.activity_group, meeting.status) == (
        MeetingKind.GROUP,
        w.group,
        Meeting.Status.DRAFT,
    )
    # Their list shows the draft they run, with the button to set up another.
    listed = client.get("/meetings/").content.decode()
    assert "小组学习会" in listed and 'href="/meetings/new/' in listed

    invite = client.get(f"/meetings/{meeting.pk}/invite/").content.decode()
    assert 'name="groups"' in invite and 'name="member_names"' in invite
    assert 'name="all_members"' not in invite and 'name="leaders"' not in invite
    added = client.post(
        f"/meetings/{meeting.pk}/invite/", {"groups": [w.group.pk], "all_members": "on"}
    )
    assert added.status_code == 302
    invited = set(meeting.invitations.values_list("member__name", flat=True))
    assert invited == {"李组长", "王组员"}  # "all members" is not theirs to ask for

    refused = client.post(f"/meetings/{meeting.pk}/invite/", {"member_names": "赵外组"})
    assert refused.status_code == 400
    assert "不在本小组" in refused.content.decode() and "赵外组" in refused.content.decode()
    assert not meeting.invitations.filter(member=w.outsider).exists()
    assert client.post(f"/meetings/{meeting.pk}/publish/").status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED


def test_a_group_leader_cannot_set_up_anything_else(client, w):
    client.force_login(w.leader.user)
    for change in (
        {"kind": MeetingKind.PLENARY},
        {"activity_group": w.other_group.pk},
        {"kind": MeetingKind.COMMITTEE, "committee": w.committee.pk},
    ):
        assert client.post("/meetings/new/", _form(w, **change)).status_code == 400
    assert not Meeting.objects.exists()
    # Nor invite beyond the group through the service.
    meeting = services.meeting_create(
        organisation=w.org,
        actor=w.leader.user,
        kind=MeetingKind.GROUP,
        title="小组调研",
        activity_group=w.group,
        start=w.meeting(invite=False, publish=False).start,
        end=w.meeting(invite=False, publish=False).end,
    )
    for criteria in (
        services.InviteCriteria(all_members=True),
        services.InviteCriteria(groups=[w.other_group]),
        services.InviteCriteria(roles=[Role.CHAIR]),
    ):
        with pytest.raises(PermissionDenied):
            services.invite(meeting=meeting, actor=w.leader.user, criteria=criteria)


def test_another_groups_activity_and_the_offices_meetings_stay_out_of_reach(client, w):
    theirs = w.meeting(
        MeetingKind.GROUP, activity_group=w.other_group, title="二组活动", invite=False
    )
    symposium = w.meeting(title="协商座谈会")
    mine = w.meeting(MeetingKind.GROUP, activity_group=w.group, title="一组活动", invite=False)
    client.force_login(w.leader.user)
    assert client.get(f"/meetings/{theirs.pk}/edit/").status_code == 404
    assert client.get(f"/meetings/{theirs.pk}/invite/").status_code == 404
    assert client.get(f"/meetings/{symposium.pk}/invite/").status_code == 404
    # Their own group's activity, set up by the office, they run; it cannot become a plenary.
    assert client.get(f"/meetings/{mine.pk}/invite/").status_code == 200
    response = client.post(
        f"/meetings/{mine.pk}/edit/",
        {**_form(w, kind=MeetingKind.PLENARY, title="一组活动"), "version": mine.version},
    )
    assert response.status_code == 400
    mine.refresh_from_db()
    assert mine.kind == MeetingKind.GROUP
    listed = client.get("/meetings/").content.decode()
    assert "一组活动" in listed and "二组活动" not in listed


def test_a_member_who_leads_no_group_still_cannot_set_up_meetings(client, w):
    client.force_login(w.mate.user)
    assert client.get("/meetings/new/").status_code == 403
