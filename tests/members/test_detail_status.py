import datetime as dt

import pytest
from django.urls import reverse

from xieshang.core.audit import TransitionError
from xieshang.core.models import Event
from xieshang.members import services
from xieshang.members.models import Membership
from xieshang.orgs.models import Role

from .factories import committee, seat_of

pytestmark = pytest.mark.django_db


def test_it_shows_personal_data_to_the_office_and_logs_the_view(client):
    c = committee()
    member = c.member("王芳", address="示范区人民路100号3栋")
    client.force_login(c.clerk)
    body = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert member.phone in body
    assert member.id_number in body
    assert "示范区人民路100号3栋" in body
    event = Event.objects.get(verb="pii.view")
    assert event.actor == c.clerk
    assert event.object_id == str(member.pk)
    assert event.data["fields"] == ["address", "id_number", "phone"]


def test_it_masks_personal_data_for_a_role_without_pii_permission(client):
    c = committee()
    member = c.member("王芳", address="示范区人民路100号3栋")
    client.force_login(c.user(Role.PROPOSAL_COMMITTEE))
    body = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert member.phone not in body
    assert member.id_number not in body
    assert "人民路100号3栋" not in body
    assert member.phone[-4:] in body
    assert "个人信息已脱敏显示" in body
    assert not Event.objects.filter(verb="pii.view").exists()


def test_it_answers_404_for_another_districts_member(client):
    a, b = committee("甲区政协"), committee("乙区政协")
    theirs = b.member("李乙")
    client.force_login(a.clerk)
    assert client.get(reverse("members:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("members:detail", args=[999999])).status_code == 404


def test_it_shows_memberships_of_every_term(client):
    c = committee()
    member = c.member("王芳")
    from ..factories import seat

    seat(member, c.org.terms.get(number=14), status=Membership.Status.TERM_ENDED)
    client.force_login(c.clerk)
    body = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "第十五届" in body and "第十四届" in body
    assert "届满" in body and "经济委员会" in body


@pytest.mark.clause("C5.10")
@pytest.mark.parametrize(
    "to, verb",
    [
        (Membership.Status.RESIGNED, "membership.resign"),
        (Membership.Status.REVOKED, "membership.revoke"),
        (Membership.Status.TERM_ENDED, "membership.term_end"),
    ],
)
def test_it_records_an_exit_with_reason_and_date_and_keeps_the_history(client, to, verb):
    c = committee()
    member = c.member("王芳")
    client.force_login(c.clerk)
    membership = seat_of(member, c.term)
    response = client.post(
        reverse("members:membership_status", args=[member.pk, membership.pk]),
        {"to": to, "on_date": "2026-11-20", "reason": "本人申请"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == to
    assert membership.status_changed_on == dt.date(2026, 11, 20)
    assert membership.status_reason == "本人申请"
    event = Event.objects.get(verb=verb)
    assert (event.from_state, event.to_state) == ("active", to)
    assert event.note == "本人申请"
    assert event.organisation == c.org
    # The member stays, with the seat and its history, and shows in the list with the status.
    body = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "本人申请" in body and str(Membership.Status(to).label) in body
    listed = client.get(reverse("members:list"), {"status": to})
    assert [s.member for s in listed.context["page"].object_list] == [member]


@pytest.mark.clause("C5.10")
def test_it_refuses_a_second_exit_of_the_same_seat(client):
    c = committee()
    member = c.member("王芳")
    membership = seat_of(member, c.term)
    services.membership_resign(
        membership=membership, actor=c.clerk, reason="本人申请", on_date=dt.date(2026, 1, 5)
    )
    with pytest.raises(TransitionError):
        services.membership_revoke(
            membership=membership, actor=c.clerk, reason="违纪", on_date=dt.date(2026, 2, 1)
        )
    client.force_login(c.clerk)
    response = client.post(
        reverse("members:membership_status", args=[member.pk, membership.pk]),
        {"to": "revoked", "on_date": "2026-11-20", "reason": "违纪"},
        follow=True,
    )
    assert "不能执行此操作" in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.RESIGNED
    assert Event.objects.filter(verb__startswith="membership.").count() == 1


def test_it_requires_a_reason_for_an_exit(client):
    c = committee()
    member = c.member("王芳")
    membership = seat_of(member, c.term)
    client.force_login(c.clerk)
    response = client.post(
        reverse("members:membership_status", args=[member.pk, membership.pk]),
        {"to": "resigned", "on_date": "2026-11-20", "reason": ""},
        follow=True,
    )
    assert "状态未变更" in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE


def test_it_refuses_exits_to_roles_without_edit_and_hides_other_districts(client):
    a, b = committee("甲区政协"), committee("乙区政协")
    mine, theirs = a.member("王甲"), b.member("李乙")
    url = "members:membership_status"
    data = {"to": "resigned", "on_date": "2026-11-20", "reason": "x"}
    client.force_login(a.user(Role.CHAIR))
    assert (
        client.post(reverse(url, args=[mine.pk, seat_of(mine, a.term).pk]), data).status_code == 403
    )
    client.force_login(a.clerk)
    theirs_seat = seat_of(theirs, b.term)
    assert client.post(reverse(url, args=[theirs.pk, theirs_seat.pk]), data).status_code == 404
    assert seat_of(theirs, b.term).status == Membership.Status.ACTIVE


@pytest.mark.clause("C5.10")
def test_an_exit_is_dated_between_the_terms_start_and_today(client):
    """A date after today (the seat would end now, counted as served until then) or before
    the seat's term began is refused, with the reason, and the seat stays as it was; the
    form offers today on the product's clock."""
    from django.utils import timezone

    c = committee()
    member = c.member("王芳")
    membership = seat_of(member, c.term)
    client.force_login(c.clerk)
    url = reverse("members:membership_status", args=[member.pk, membership.pk])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for on_date, reason in (
        (tomorrow, "退出日期不能晚于今天。"),
        (dt.date(2021, 12, 31), "退出日期不能早于本届开始日期（2022年1月10日）。"),
    ):
        response = client.post(url, {"to": "resigned", "on_date": on_date, "reason": "本人申请"})
        assert reason in response.content.decode()
        membership.refresh_from_db()
        assert membership.status == Membership.Status.ACTIVE
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page
