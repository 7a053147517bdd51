"""The invitation form searches the organisation's units on the server (issue 14): the page
lists none, the picker finds them for whoever manages the meeting, and a unit of another
organisation is refused with what was typed kept."""

import pytest

from tests.factories import DepartmentFactory, make_org

from .factories import world

pytestmark = pytest.mark.django_db


def ask(client, status=200, **params):
    response = client.get("/pickers/meeting-departments/", params)
    assert response.status_code == status, response.status_code
    return [row["text"] for row in response.json()["results"]] if status == 200 else None


def test_the_invitation_form_searches_the_meetings_departments(client):
    w = world()
    DepartmentFactory(organisation=w.org, name="区住建局")
    DepartmentFactory(organisation=w.org, name="区教育局")
    foreign = DepartmentFactory(organisation=make_org("邻区政协"), name="邻区住建局")
    meeting = w.meeting(invite=False, publish=False)
    client.force_login(w.office)
    url = f"/meetings/{meeting.pk}/invite/"
    page = client.get(url).content.decode()
    assert f'data-picker-source="/pickers/meeting-departments/?meeting={meeting.pk}"' in page
    assert "区住建局" not in page
    assert ask(client, meeting=meeting.pk, q="zjj") == ["区住建局"]
    assert ask(client, meeting=meeting.pk, q="邻区") == []
    client.force_login(w.chair)  # sees the meeting, does not manage it
    ask(client, status=404, meeting=meeting.pk)
    client.force_login(w.office)
    leaders = "张明 区委副书记"
    response = client.post(url, {"departments": [foreign.pk], "leaders": leaders})
    assert response.status_code in {200, 400}
    page = response.content.decode()
    assert "选择一个有效的选项" in page and leaders in page and "邻区住建局" not in page
    assert not meeting.invitations.exists()
    # Without JavaScript: the typed name is looked up.
    response = client.post(url, {"departments__q": "区教育局"})
    assert response.status_code == 302
    assert meeting.invitations.count() == 1


def test_a_leaders_name_aligned_with_a_full_width_space_stays_one_name(client):
    """Official lists align a two-character name with a full-width space (李　红): the invite
    box read 李 as the name and 红 副区长 as the post, and the attendance register printed
    so. The same leader typed twice in one list is invited once."""
    w = world()
    meeting = w.meeting(invite=False, publish=False)
    client.force_login(w.office)
    response = client.post(
        f"/meetings/{meeting.pk}/invite/",
        {"leaders": "张明 区委副书记\n李　红 副区长\n李红 副区长"},
    )
    assert response.status_code == 302
    assert sorted(meeting.invitations.values_list("name", "title")) == [
        ("张明", "区委副书记"),
        ("李红", "副区长"),
    ]
