"""A group leader (组长) reaches their group's activities from the pages they land on: the
menu's 会议活动 opens 我的会议, whose tabs lead to the meetings list (where 新建会议活动
is). Before, that tab was the office's only and the leader had to type the address."""

import pytest

from xieshang.orgs.models import Role, RoleAssignment

from .factories import world

pytestmark = pytest.mark.django_db

LIST_TAB = 'href="/meetings/">'


def test_a_group_leaders_my_meetings_page_links_to_the_list_they_run(client):
    w = world()
    leader = w.member("李组长", group=w.group)
    RoleAssignment.objects.create(user=leader.user, organisation=w.org, role=Role.GROUP_LEADER)
    w.group.leader = leader
    w.group.save(update_fields=["leader"])
    client.force_login(leader.user)
    mine = client.get("/meetings/mine/").content.decode()
    assert LIST_TAB in mine
    listed = client.get("/meetings/")
    assert listed.status_code == 200 and 'href="/meetings/new/' in listed.content.decode()


def test_a_member_who_runs_nothing_sees_no_list_tab(client):
    w = world()
    plain = w.member("王委员", group=w.group)
    client.force_login(plain.user)
    assert LIST_TAB not in client.get("/meetings/mine/").content.decode()
    assert client.get("/meetings/")["Location"] == "/meetings/mine/"
