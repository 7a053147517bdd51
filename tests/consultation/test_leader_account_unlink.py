"""The office unlinks an invited Party/government leader's platform account (a wrong account,
a leader who left office) at any stage of the activity, as it links one: the row, its title
and attendance stay, the unlinking is audited, and the leader reads nothing of the activity
through the platform until an account is linked again (`policies.can_view_activity` matches
an invited leader by the linked account alone)."""

import re

import pytest

from xieshang.consultation import services
from xieshang.consultation.models import Participant
from xieshang.core.models import Event

pytestmark = pytest.mark.django_db
A = Participant.Attendance


def _ids(event) -> dict:
    """The event's data without the note's phrase (the note is checked as text)."""
    return {k: v for k, v in event.data.items() if k != "note_phrase"}


@pytest.fixture
def held(leader_activity, leader):
    """Held, 李书记 linked to `leader` when invited, and excused."""
    return leader_activity(
        account=leader, held=True, attendance={Participant.Kind.LEADER: A.EXCUSED}
    )


def _url(activity) -> str:
    return f"/consultation/activities/{activity.pk}/"


def _leader_row(activity) -> Participant:
    return activity.participants.get(kind=Participant.Kind.LEADER)


@pytest.mark.clause("C2.5")
def test_the_office_unlinks_the_account_and_the_leader_then_reads_nothing(
    client, world, held, leader
):
    client.force_login(leader)
    assert client.get(_url(held)).status_code == 200

    client.force_login(world.office)
    page = client.get(_url(held)).content.decode()
    section = page[page.index('id="leader-accounts"') :]
    # The page says what unlinking does, and asks before doing it.
    assert "解除关联后，该领导在重新关联账号前不能通过平台查看本活动" in section
    unlink = re.search(r"<form[^>]*data-unlink[^>]*>", section)
    assert unlink and 'data-confirm="解除李书记的平台账号关联？' in unlink.group(0)
    assert 'name="unlink" value="1"' in section
    # The picker is labelled as the choice it is, not as the linked account shown beside it.
    assert re.search(r'<label class="form-label"[^>]*>选择账号 ', section)

    row = _leader_row(held)
    response = client.post(f"{_url(held)}leader-account/", {"participant": row.pk, "unlink": "1"})
    assert response.status_code == 302
    row.refresh_from_db()
    # Bookkeeping only: the same row, its title and attendance untouched.
    assert (row.user, row.title, row.attendance) == (None, "区委副书记", A.EXCUSED)
    assert held.participants.count() == 3

    event = Event.objects.filter(verb="activity.leader_unlink").get()
    assert event.actor == world.office and event.object_id == str(held.pk)
    assert _ids(event) == {
        "participant": row.pk,
        "from_user": leader.pk,
        "to_user": None,
    }
    assert "李书记" in event.note and leader.username in event.note and "→ 未关联" in event.note

    page = client.get(response.url).content.decode()
    assert "已解除李书记的平台账号关联；重新关联账号前，该领导不能在平台上查看本活动。" in page
    row_html = page[page.index(f'id="leader-{row.pk}"') :]
    assert "未关联" in row_html[: row_html.index("</tr>")]
    assert "data-unlink" not in page  # nothing left to unlink

    client.force_login(leader)
    assert client.get(_url(held)).status_code == 404

    # Linked again, the leader reads it again.
    services.participant_link_account(
        activity=held, actor=world.office, participant=row, account=leader
    )
    assert client.get(_url(held)).status_code == 200


def test_a_planned_activitys_leader_is_unlinked_too(client, world, leader_activity, leader):
    activity = leader_activity(account=leader)
    row = _leader_row(activity)
    client.force_login(world.office)
    post = {"participant": row.pk, "unlink": "1"}
    assert client.post(f"{_url(activity)}leader-account/", post).status_code == 302
    assert _leader_row(activity).user is None
    client.force_login(leader)
    assert client.get(_url(activity)).status_code == 404


def test_unlinking_a_row_without_an_account_records_nothing(client, world, leader_activity):
    activity = leader_activity(held=True)
    row = _leader_row(activity)
    client.force_login(world.office)
    post = {"participant": row.pk, "unlink": "1"}
    assert client.post(f"{_url(activity)}leader-account/", post).status_code == 302
    assert not Event.objects.filter(verb="activity.leader_unlink").exists()


def test_only_who_edits_the_participants_unlinks(client, world, held, leader):
    row = _leader_row(held)
    post = {"participant": row.pk, "unlink": "1"}
    client.force_login(world.party_office)  # reads the activity, does not run it
    assert client.post(f"{_url(held)}leader-account/", post).status_code == 403
    client.force_login(world.other_office)
    assert client.post(f"{_url(held)}leader-account/", post).status_code == 404
    client.force_login(leader)  # reads it as the invited leader, runs nothing
    assert client.post(f"{_url(held)}leader-account/", post).status_code == 404
    member_row = held.participants.get(kind=Participant.Kind.MEMBER)
    client.force_login(world.office)
    response = client.post(
        f"{_url(held)}leader-account/", {"participant": member_row.pk, "unlink": "1"}
    )
    assert response.status_code == 400
    assert "该参加人员不是本活动的受邀党政领导" in response.content.decode()
    assert _leader_row(held).user == leader
    assert not Event.objects.filter(verb="activity.leader_unlink").exists()
