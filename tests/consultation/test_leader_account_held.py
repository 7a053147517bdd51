"""The office links (or changes) an invited Party/government leader's platform account at any
stage of the activity, the held one included: the migration left the existing leader rows
unlinked, and a held activity's leaders would otherwise never read it again. Namesake staff
accounts are offered for the office to confirm, never linked by themselves; each link is
audited."""

import re

import pytest

from tests.factories import user_with_role
from xieshang.consultation import services
from xieshang.consultation.models import Participant
from xieshang.core.models import Event
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db
A = Participant.Attendance


def _ids(event) -> dict:
    """The event's data without the note's phrase (the note is checked as text)."""
    return {k: v for k, v in event.data.items() if k != "note_phrase"}


@pytest.fixture
def held(leader_activity):
    """A held activity whose invited leader 李书记 was recorded by name only (as every leader
    row was before accounts could be linked) and excused."""
    return leader_activity(held=True, attendance={Participant.Kind.LEADER: A.EXCUSED})


def _url(activity) -> str:
    return f"/consultation/activities/{activity.pk}/"


def _leader_row(activity) -> Participant:
    return activity.participants.get(kind=Participant.Kind.LEADER)


@pytest.mark.clause("C2.5")
def test_the_office_links_a_held_activitys_leader_who_then_reads_it(client, world, held):
    li = user_with_role(Role.ORGANISATION_DEPT, world.district, full_name="李书记", username="lisj")
    url = _url(held)
    client.force_login(li)
    assert client.get(url).status_code == 404  # unlinked: the name alone opens nothing

    client.force_login(world.office)
    page = client.get(url).content.decode()
    assert 'id="leader-accounts"' in page
    assert (
        f'data-picker-source="/pickers/consultation-leader-accounts/?organisation={world.district.pk}"'
        in page
    )
    row = _leader_row(held)
    response = client.post(f"{url}leader-account/", {"participant": row.pk, "account": li.pk})
    assert response.status_code == 302
    row.refresh_from_db()
    # Bookkeeping only: the same row, its title and attendance untouched.
    assert (row.user, row.title, row.attendance) == (li, "区委副书记", A.EXCUSED)
    assert held.participants.count() == 3  # the member, the department head, the leader

    event = Event.objects.filter(verb="activity.leader_account").get()
    assert event.actor == world.office and event.object_id == str(held.pk)
    assert _ids(event) == {
        "participant": row.pk,
        "from_user": None,
        "to_user": li.pk,
    }
    assert "李书记" in event.note and "未关联" in event.note and "lisj" in event.note

    client.force_login(li)
    response = client.get(url)
    assert response.status_code == 200
    mine = re.search(r'id="my-attendance">.*?<strong>(.*?)</strong>', response.content.decode())
    assert mine and mine.group(1) == "请假"


def test_the_office_changes_a_linked_account_and_the_change_is_audited(client, world, held):
    wrong = user_with_role(Role.ORGANISATION_DEPT, world.district, full_name="李书记", username="a")
    right = user_with_role(Role.PARTY_OFFICE, world.district, full_name="李书记", username="b")
    row = _leader_row(held)
    services.participant_link_account(
        activity=held, actor=world.office, participant=row, account=wrong
    )
    client.force_login(world.office)
    post = {"participant": row.pk, "account": right.pk}
    assert client.post(f"{_url(held)}leader-account/", post).status_code == 302
    row.refresh_from_db()
    assert row.user == right
    event = Event.objects.filter(verb="activity.leader_account").latest("id")
    assert _ids(event) == {
        "participant": row.pk,
        "from_user": wrong.pk,
        "to_user": right.pk,
    }
    client.force_login(wrong)
    assert client.get(_url(held)).status_code == 404


def test_a_namesake_is_suggested_but_linked_only_when_confirmed(client, world, held):
    li = user_with_role(Role.ORGANISATION_DEPT, world.district, full_name="李书记", username="lisj")
    namesake = user_with_role(
        Role.PARTY_OFFICE, world.district, full_name="李书记", username="lisj2"
    )
    user_with_role(Role.ORGANISATION_DEPT, world.other, full_name="李书记", username="elsewhere")
    client.force_login(world.office)
    page = client.get(_url(held)).content.decode()
    section = page[page.index('id="leader-accounts"') :]
    buttons = re.findall(r'name="account" value="(\d+)"><button[^>]*>(.*?)</button>', section)
    # Both staff namesakes of the district, labelled with username and unit; not the other
    # district's, and nothing linked by itself.
    assert {pk for pk, _label in buttons} == {str(li.pk), str(namesake.pk)}
    labels = dict(buttons)
    assert labels[str(li.pk)] == f"关联李书记（lisj，{world.district.name}）"
    assert "elsewhere" not in section
    assert _leader_row(held).user is None
    assert not Event.objects.filter(verb="activity.leader_account").exists()
    client.force_login(li)
    assert client.get(_url(held)).status_code == 404

    client.force_login(world.office)
    row = _leader_row(held)
    client.post(f"{_url(held)}leader-account/", {"participant": row.pk, "account": li.pk})
    assert _leader_row(held).user == li
    page = client.get(_url(held)).content.decode()
    section = page[page.index('id="leader-accounts"') :]
    assert "data-suggestions" not in section  # linked: nothing more to suggest


def test_the_accounts_are_labelled_with_their_unit_in_the_picker(client, world):
    user_with_role(Role.ORGANISATION_DEPT, world.district, full_name="李书记", username="lisj")
    client.force_login(world.office)
    response = client.get(
        "/pickers/consultation-leader-accounts/", {"organisation": world.district.pk, "q": "李"}
    )
    texts = [row["text"] for row in response.json()["results"]]
    assert texts == [f"李书记（lisj，{world.district.name}）"]


def test_only_who_edits_the_participants_links_an_account(client, world, held):
    li = user_with_role(Role.ORGANISATION_DEPT, world.district, full_name="李书记")
    row = _leader_row(held)
    post = {"participant": row.pk, "account": li.pk}
    client.force_login(world.party_office)  # reads the activity, does not run it
    page = client.get(_url(held)).content.decode()
    assert 'id="leader-accounts"' not in page
    assert client.post(f"{_url(held)}leader-account/", post).status_code == 403
    client.force_login(world.other_office)
    assert client.post(f"{_url(held)}leader-account/", post).status_code == 404
    client.force_login(li)
    assert client.post(f"{_url(held)}leader-account/", post).status_code == 404
    assert _leader_row(held).user is None
    assert not Event.objects.filter(verb="activity.leader_account").exists()


def test_refused_links_say_why_and_change_nothing(client, world, held):
    outsider = user_with_role(Role.ORGANISATION_DEPT, world.other, full_name="李书记")
    member_row = held.participants.get(kind=Participant.Kind.MEMBER)
    row = _leader_row(held)
    client.force_login(world.office)
    url = f"{_url(held)}leader-account/"
    response = client.post(url, {"participant": row.pk, "account": outsider.pk})
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    response = client.post(url, {"participant": row.pk})
    assert response.status_code == 400 and "请选择该领导的平台账号" in response.content.decode()
    li = user_with_role(Role.ORGANISATION_DEPT, world.district, full_name="李书记")
    response = client.post(url, {"participant": member_row.pk, "account": li.pk})
    assert response.status_code == 400
    assert "该参加人员不是本活动的受邀党政领导" in response.content.decode()
    assert _leader_row(held).user is None
    assert not Event.objects.filter(verb="activity.leader_account").exists()
