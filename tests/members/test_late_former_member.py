"""A member who leaves office (辞去委员, 撤销委员资格, 届满: `members.services._exit`) keeps a
login that reads their own past records — proposals, 社情民意, duty file, certificates — and
acts as a member no more: no new proposal, no co-signing, no new 社情民意, no sign-in
(`core.access.acting_member`; the 政协委员 role grants nothing without a seat)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.proposals.conftest import World, draft, submitted
from xieshang.core import access
from xieshang.core.audit import TransitionError
from xieshang.members import services as members
from xieshang.opinions import services as opinions
from xieshang.proposals import services as proposals
from xieshang.proposals.models import Proposal, Signer

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C5.10")]

EXITS = [members.membership_resign, members.membership_revoke, members.membership_end_term]


@pytest.fixture
def world(db):
    return World()


def leave(world, key, exit=members.membership_resign):
    seat = world.members[key].memberships.get()
    exit(membership=seat, actor=world.office, reason="本人申请", on_date=dt.date(2026, 3, 1))
    user = world.user(key)
    access.forget(user)
    return user


@pytest.mark.parametrize("exit", EXITS)
def test_a_former_member_drafts_no_new_proposal(world, client, exit):
    user = leave(world, "zhang", exit)
    with pytest.raises(PermissionDenied):
        draft(world, key="zhang")
    client.force_login(user)
    assert client.get(reverse("proposals:create")).status_code == 403
    mine = client.get(reverse("proposals:mine"))
    assert mine.status_code == 200
    assert reverse("proposals:create") not in mine.content.decode()


def test_a_seated_member_still_drafts(world, client):
    client.force_login(world.user("zhang"))
    assert client.get(reverse("proposals:create")).status_code == 200
    assert reverse("proposals:create") in client.get(reverse("proposals:mine")).content.decode()


@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))
def test_a_draft_written_while_seated_is_not_sent_after_leaving(world):
    proposal = draft(world, key="zhang")
    leave(world, "zhang")
    with pytest.raises(TransitionError, match="不是在任委员"):
        proposals.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT


@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))
def test_a_former_member_cannot_accept_a_co_signing_invitation_but_may_decline(world, client):
    proposal = draft(world, key="zhang", cosigners=["wang", "li"])
    proposals.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    wang = leave(world, "wang", members.membership_end_term)
    with pytest.raises(TransitionError, match="不是在任委员"):
        proposals.signer_respond(proposal=proposal, actor=wang, confirm=True)
    # Through the page too: the refusal is said, nothing is confirmed.
    client.force_login(wang)
    url = reverse("proposals:act", args=[proposal.pk, "cosign_confirm"])
    response = client.post(url, follow=True)
    assert "不是在任委员" in response.content.decode()
    assert proposal.signers.get(member=world.members["wang"]).status == Signer.Status.INVITED
    # Declining lets the proposal go on without them.
    proposals.signer_respond(proposal=proposal, actor=world.user("wang"), confirm=False)
    assert proposal.signers.get(member=world.members["wang"]).status == Signer.Status.DECLINED


def test_a_former_member_submits_no_new_social_conditions_item(world, client):
    user = leave(world, "li", members.membership_revoke)
    assert not access.can(user, "opinions.submit")
    assert not access.can(user, "consultation.topic_submit")
    with pytest.raises(PermissionDenied):
        opinions.opinion_create(
            organisation=world.district, actor=user, title="关于公交线路的建议", suggestions="增开"
        )
    client.force_login(user)
    assert client.get(reverse("opinions:create")).status_code == 403
    mine = client.get(reverse("opinions:mine"))
    assert mine.status_code == 200  # their own items stay readable
    assert reverse("opinions:create") not in mine.content.decode()


def test_a_draft_item_written_while_seated_is_not_sent_after_leaving(world):
    user = world.user("li")
    item = opinions.opinion_create(
        organisation=world.district, actor=user, title="关于公交线路的建议", suggestions="增开"
    )
    user = leave(world, "li")
    with pytest.raises(TransitionError, match="不是在任委员"):
        opinions.opinion_submit(opinion=item, actor=user)


def test_the_seated_members_role_still_grants_its_permissions(world):
    user = world.user("li")
    assert access.can(user, "opinions.submit")
    assert access.can(user, "consultation.topic_submit")


@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))
def test_a_former_member_still_reads_their_old_proposal(world, client):
    proposal = submitted(world, key="zhang", cosigners=["wang"])
    zhang = leave(world, "zhang")
    wang = leave(world, "wang", members.membership_end_term)
    for user in (zhang, wang):
        client.force_login(user)
        page = client.get(proposal.get_absolute_url())
        assert page.status_code == 200
        assert proposal.title in page.content.decode()
        assert proposal.title in client.get(reverse("proposals:mine")).content.decode()


def test_my_information_says_the_member_has_left(world, client):
    client.force_login(world.user("zhang"))
    assert 'id="former-member"' not in client.get(reverse("members:me")).content.decode()
    client.force_login(leave(world, "zhang"))
    body = client.get(reverse("members:me")).content.decode()
    assert 'id="former-member"' in body
    assert "不能再撰写或提交提案" in body


def test_a_former_member_cannot_sign_in_to_a_meeting_they_were_invited_to(db):
    from tests.meetings.factories import at
    from tests.meetings.factories import world as meetings_world
    from xieshang.meetings import services as meetings
    from xieshang.meetings.models import Attendance, MeetingKind
    from xieshang.meetings.services.attendance import SignInRefused

    w = meetings_world()
    gone, seated = w.member("王委员"), w.member("李委员")
    meeting = w.meeting(MeetingKind.SYMPOSIUM, day=dt.date(2026, 3, 16), hours=(9, 12))
    sitting = meeting.sittings.get()
    members.membership_resign(
        membership=gone.memberships.get(),
        actor=w.office,
        reason="本人申请",
        on_date=dt.date(2026, 3, 10),
    )
    token, now = meetings.signin_token(sitting), at(dt.date(2026, 3, 16), 8, 50)
    with pytest.raises(SignInRefused, match="不是在任委员"):
        meetings.signin_by_token(sitting=sitting, token=token, user=gone.user, now=now)
    meetings.signin_by_token(sitting=sitting, token=token, user=seated.user, now=now)
    assert list(Attendance.objects.values_list("invitation__member__name", flat=True)) == ["李委员"]


@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))
def test_a_former_member_is_offered_only_to_decline_a_co_signing_invitation(world, client):
    proposal = draft(world, key="zhang", cosigners=["wang", "li"])
    proposals.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    confirm = reverse("proposals:act", args=[proposal.pk, "cosign_confirm"])
    decline = reverse("proposals:act", args=[proposal.pk, "cosign_decline"])
    client.force_login(world.user("li"))  # still seated: both buttons
    for url in (reverse("proposals:detail", args=[proposal.pk]), reverse("proposals:cosign")):
        page = client.get(url).content.decode()
        assert confirm in page and decline in page
    wang = leave(world, "wang", members.membership_end_term)
    client.force_login(wang)
    for url in (reverse("proposals:detail", args=[proposal.pk]), reverse("proposals:cosign")):
        page = client.get(url).content.decode()
        assert confirm not in page and decline in page
        assert "您已不是在任委员，不能再提交提案或确认联名。" in page


def test_the_security_administrator_sees_that_the_accounts_member_has_left(world, client):
    from tests.factories import user_with_role
    from xieshang.orgs.models import Role

    secadmin = user_with_role(Role.SECURITY_ADMIN, world.district, full_name="安全员")
    client.force_login(secadmin)
    url = reverse("user_detail", args=[world.user("zhang").pk])
    assert 'id="former-member"' not in client.get(url).content.decode()
    leave(world, "zhang")
    page = client.get(url).content.decode()
    assert 'id="former-member"' in page and "本人已不是在任委员" in page


def test_a_former_member_submits_no_plenary_speech(db):
    from django.utils import timezone

    from tests.meetings.factories import world as meetings_world
    from xieshang.meetings import services as meetings

    w = meetings_world()
    gone, seated = w.member("王委员"), w.member("李委员")
    plenary = w.plenary(day=timezone.localdate() + dt.timedelta(days=10))
    members.membership_resign(
        membership=gone.memberships.get(),
        actor=w.office,
        reason="本人申请",
        on_date=timezone.localdate(),
    )
    with pytest.raises(TransitionError, match="不是在任委员"):
        meetings.speech_submit(
            meeting=plenary, actor=gone.user, title="关于河道治理", body="建议。"
        )
    speech = meetings.speech_submit(
        meeting=plenary, actor=seated.user, title="关于河道治理", body="建议。"
    )
    assert speech.member == seated and plenary.speeches.count() == 1
