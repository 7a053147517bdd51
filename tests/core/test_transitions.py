"""The guarded state change and the optimistic version check every workflow uses."""

import datetime as dt

import pytest
from django.db import transaction

from tests.factories import MemberFactory, TermFactory, UserFactory, make_org, seat
from xieshang.core.audit import (
    StaleEdit,
    TransitionError,
    history,
    lock,
    save_versioned,
    transition,
)
from xieshang.core.models import Event
from xieshang.members.models import Member, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership():
    org = make_org()
    member = MemberFactory(organisation=org)
    return seat(member, TermFactory(organisation=org))


def test_it_moves_the_state_and_writes_one_event(membership):
    clerk = UserFactory(full_name="李文书")
    with transaction.atomic():
        row = lock(Membership, membership.pk)
        transition(
            row,
            to=Membership.Status.RESIGNED,
            allowed_from=[Membership.Status.ACTIVE],
            actor=clerk,
            verb="membership.resign",
            note="本人申请辞去委员",
        )
    membership.refresh_from_db()
    assert membership.status == Membership.Status.RESIGNED
    event = history(membership).get()
    assert (event.actor, event.actor_name, event.verb) == (clerk, "李文书", "membership.resign")
    assert (event.from_state, event.to_state) == ("active", "resigned")
    assert event.note == "本人申请辞去委员"
    assert event.organisation is None or event.organisation == membership.member.organisation


def test_it_refuses_a_change_from_the_wrong_state_and_leaves_no_trace(membership):
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.REVOKED)
    before = Event.objects.count()
    with pytest.raises(TransitionError) as excinfo, transaction.atomic():
        row = lock(Membership, membership.pk)
        transition(
            row,
            to=Membership.Status.RESIGNED,
            allowed_from=[Membership.Status.ACTIVE],
            actor=None,
            verb="membership.resign",
        )
    assert "撤销委员资格" in str(excinfo.value)  # the message names the current state
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REVOKED
    assert Event.objects.count() == before


def test_it_rolls_back_the_event_when_the_transaction_fails(membership):
    before = Event.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        row = lock(Membership, membership.pk)
        transition(
            row,
            to=Membership.Status.TERM_ENDED,
            allowed_from=[Membership.Status.ACTIVE],
            actor=None,
            verb="membership.term_end",
        )
        raise RuntimeError("later step failed")
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
    assert Event.objects.count() == before


def test_it_refuses_a_stale_edit():
    member = MemberFactory(name="王小明")
    first = Member.objects.get(pk=member.pk)
    second = Member.objects.get(pk=member.pk)
    first.employer = "区教育局"
    save_versioned(first, expected_version=first.version, fields=["employer"])
    second.employer = "区财政局"
    with pytest.raises(StaleEdit) as excinfo:
        save_versioned(second, expected_version=second.version, fields=["employer"])
    assert "已在其他窗口或由他人修改" in str(excinfo.value)
    member.refresh_from_db()
    assert member.employer == "区教育局"
    assert member.version == 2


def test_the_event_trail_is_append_only(membership):
    event = Event.objects.create(
        verb="test.event", created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    event.note = "tampered"
    with pytest.raises(Exception, match="append-only"):
        event.save()
    with pytest.raises(Exception, match="append-only"):
        event.delete()


def test_an_inbox_link_never_leaves_the_site(client):
    from xieshang.core.models import Notification

    user = UserFactory()
    evil = Notification.objects.create(recipient=user, title="钓鱼", url="//evil.example/x")
    good = Notification.objects.create(recipient=user, title="提案", url="/proposals/1/")
    client.force_login(user)
    assert client.post(f"/inbox/{evil.pk}/read/")["Location"] == "/inbox/"
    assert client.post(f"/inbox/{good.pk}/read/")["Location"] == "/proposals/1/"
    Notification.objects.create(recipient=user, title="再一条")
    client.post("/inbox/read-all/")
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
