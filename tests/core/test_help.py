"""使用帮助 (/help/): a newcomer of any role finds what their role does here and where it
starts. Each user sees only the sections of the roles they hold, every link in the help
opens for them (no 403, 404 or redirect), and the deadlines quoted are their organisation's
rules in force, not the national defaults."""

import re

import pytest
from django.urls import reverse

from tests.factories import (
    CommitteeFactory,
    DepartmentFactory,
    MemberFactory,
    TermFactory,
    make_org,
    user_with_role,
)
from xieshang.orgs import config
from xieshang.orgs.models import ActivityGroup, Level, Role

pytestmark = pytest.mark.django_db

# The pages every login reaches whatever its roles: checked once, not for each role.
COMMON = {reverse("inbox"), reverse("search"), reverse("password_change")}


def _user_for(role: str):
    """A user holding `role` as the product sets them up: a department's clerk for that
    department, committee staff for their committee, a member with their member record, a
    group leader leading a group, a liaison officer in a street."""
    org = make_org()
    TermFactory(organisation=org)
    kwargs = {}
    where = org
    if role in (Role.DEPARTMENT, Role.DEPARTMENT_LEADER):
        kwargs["department"] = DepartmentFactory(organisation=org)
    elif role in (Role.COMMITTEE_STAFF, Role.PROPOSAL_COMMITTEE):
        kwargs["committee"] = CommitteeFactory(organisation=org)
    elif role == Role.LIAISON:
        where = make_org("城关街道", level=Level.STREET, parent=org)
    user = user_with_role(role, where, **kwargs)
    if role in (Role.MEMBER, Role.GROUP_LEADER):
        member = MemberFactory(organisation=org, user=user)
        if role == Role.GROUP_LEADER:
            ActivityGroup.objects.create(organisation=org, name="第一活动小组", leader=member)
    return user, org


def _help_content(html: str) -> str:
    return re.search(r'<article id="help-content">(.*?)</article>', html, re.S).group(1)


def test_each_role_sees_its_own_section_and_every_link_in_it_opens(client):
    checked_common = False
    for role in Role.values:
        user, _org = _user_for(role)
        client.force_login(user)
        response = client.get(reverse("help"))
        assert response.status_code == 200, role
        content = _help_content(response.content.decode())
        sections = set(re.findall(r'<section[^>]* id="help-([a-z_]+)"', content))
        assert sections == {role, "common"}, role
        links = set(re.findall(r'<a [^>]*href="([^"]+)"', content))
        # At least one place to start besides the pages everyone has.
        assert links - COMMON - {reverse("meetings:calendar")}, role
        for href in sorted(links):
            if href in COMMON and checked_common:
                continue
            assert client.get(href).status_code == 200, (role, href)
        checked_common = True
        client.logout()


def test_it_quotes_the_organisations_own_deadline_and_asks_anonymous_to_log_in(client):
    response = client.get(reverse("help"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))

    user, org = _user_for(Role.PROPOSAL_COMMITTEE)
    client.force_login(user)
    assert "自提交之日起10个工作日内" in client.get(reverse("help")).content.decode()
    config.set_value(org, "proposals.review_working_days", 7, actor=user)
    html = client.get(reverse("help")).content.decode()
    assert "自提交之日起7个工作日内" in html
    # The home page and the user menu lead to it.
    home = client.get(reverse("home")).content.decode()
    assert home.count(f'href="{reverse("help")}"') == 2
