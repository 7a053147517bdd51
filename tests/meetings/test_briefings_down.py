"""C2.9 notices down the tree: a city sends a briefing, notice or work arrangement to all or
chosen lower nodes; each node's office signs for it and may pass it on to its members; the
city sees who has not read it and reminds them, once a day."""

import datetime as dt

import pytest

from xieshang.core.models import Event, Notification
from xieshang.meetings import services
from xieshang.meetings.models import Briefing, BriefingNodeReceipt, BriefingReceipt
from xieshang.orgs.models import Level, Role

from ..factories import MemberFactory, TermFactory, make_org, seat, user_with_role

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.9")]

LIST_QUERIES = 8
# With, once, the committees below the city office's node (what its writes stop at).
DETAIL_QUERIES = 9


def district(city, name, members=2):
    org = make_org(name, parent=city)
    term = TermFactory(organisation=org, number=15, start_date=dt.date(2022, 1, 10))
    for i in range(members):
        seat(MemberFactory(organisation=org, name=f"{name[:2]}委员{i}"), term)
    office = user_with_role(Role.OFFICE, org, full_name=f"{name}办公室")
    return org, office


@pytest.fixture
def tree():
    city = make_org("示范市政协", Level.CITY)
    TermFactory(organisation=city, number=15, start_date=dt.date(2022, 1, 10))
    city_office = user_with_role(Role.OFFICE, city, full_name="市政协办公室")
    a, a_office = district(city, "甲区政协")
    b, b_office = district(city, "乙区政协")
    c, c_office = district(city, "丙区政协")
    return city, city_office, (a, a_office), (b, b_office), (c, c_office)


def draft(client, kind="notice"):
    client.post(
        "/meetings/briefings/new/",
        {
            "title": "关于开展年度调研的通知",
            "source": "市政协办公室",
            "body": "请各区报送。",
            "kind": kind,
        },
    )
    return Briefing.objects.get()


def test_a_notice_goes_to_chosen_nodes_which_sign_and_pass_it_on(client, tree):
    city, city_office, (a, a_office), (b, b_office), (c, c_office) = tree
    client.force_login(city_office)
    briefing = draft(client)
    assert briefing.kind == Briefing.Kind.NOTICE
    a_clerk = user_with_role(Role.OFFICE, a, full_name="甲区政协办公室文书")
    assert "甲区政协" in client.get(f"/meetings/briefings/{briefing.pk}/").content.decode()
    client.post(
        f"/meetings/briefings/{briefing.pk}/publish/",
        {"to": "nodes", "nodes": [a.pk, b.pk]},
    )
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.PUBLISHED and briefing.recipients_count == 0
    assert set(briefing.node_receipts.values_list("organisation__name", flat=True)) == {
        "甲区政协",
        "乙区政协",
    }
    assert Notification.objects.filter(recipient=a_office, title__contains="上级通知").exists()
    assert not Notification.objects.filter(recipient=c_office).exists()

    # The district office sees it in its own list, marked as from the higher node.
    client.force_login(a_office)
    listed = client.get("/meetings/briefings/").content.decode()
    assert "关于开展年度调研的通知" in listed and "上级来文：示范市政协" in listed
    assert "未签收" in listed
    client.post(f"/meetings/briefings/{briefing.pk}/read/")
    receipt = BriefingNodeReceipt.objects.get(briefing=briefing, organisation=a)
    assert receipt.read_at is not None and receipt.read_by == a_office
    assert Event.objects.filter(verb="briefing.node_read").count() == 1
    # Signed for by one clerk: the node's notice no longer waits unread for its other clerk.
    assert Notification.objects.get(recipient=a_clerk).read_at is not None
    client.post(f"/meetings/briefings/{briefing.pk}/pass-on/")
    assert BriefingReceipt.objects.filter(briefing=briefing, member__organisation=a).count() == 2
    client.post(f"/meetings/briefings/{briefing.pk}/pass-on/")  # once only
    assert BriefingReceipt.objects.filter(briefing=briefing).count() == 2
    briefing.refresh_from_db()
    assert briefing.recipients_count == 2

    # A node not addressed sees nothing of it.
    client.force_login(c_office)
    assert client.get(f"/meetings/briefings/{briefing.pk}/").status_code == 404
    assert client.post(f"/meetings/briefings/{briefing.pk}/read/").status_code == 404
    assert "关于开展年度调研的通知" not in client.get("/meetings/briefings/").content.decode()

    # The publisher sees who has not read it and reminds them, once a day.
    client.force_login(city_office)
    html = client.get(f"/meetings/briefings/{briefing.pk}/").content.decode()
    assert "下发 2 个单位，未读 1 个" in html
    assert "未读单位：乙区政协" in html
    client.post(f"/meetings/briefings/{briefing.pk}/remind/")
    client.post(f"/meetings/briefings/{briefing.pk}/remind/")
    notes = Notification.objects.filter(recipient=b_office).count()
    assert notes == 2  # the notice and one reminder
    assert not Notification.objects.filter(recipient=a_office, dedupe_key__contains="remind")
    # Signing for it settles the node's notice and its reminders, and no other node's.
    unread = Notification.objects.filter(read_at=None, url=f"/meetings/briefings/{briefing.pk}/")
    assert unread.filter(recipient=b_office).count() == 2
    client.force_login(b_office)
    client.get(f"/meetings/briefings/{briefing.pk}/")
    client.post(f"/meetings/briefings/{briefing.pk}/read/")
    assert not unread.filter(recipient=b_office).exists()


def test_all_lower_nodes_and_only_below(client, tree):
    city, city_office, (a, a_office), (b, _), (c, _) = tree
    client.force_login(city_office)
    briefing = draft(client, kind="arrangement")
    client.post(f"/meetings/briefings/{briefing.pk}/publish/", {"to": "all_nodes"})
    assert briefing.node_receipts.count() == 3
    # A district cannot send up or sideways.
    other = services.briefing_create(
        organisation=a, actor=a_office, title="区里的安排", source="", body="内容"
    )
    with pytest.raises(services.ValidationError):
        services.briefing_publish(briefing=other, actor=a_office, to_members=False, nodes=[b])
    with pytest.raises(services.ValidationError):
        services.briefing_publish(briefing=other, actor=a_office, to_members=False, nodes=[city])


def test_publishing_without_a_choice_still_goes_to_the_members(client, tree):
    city, city_office, (a, a_office), *_ = tree
    client.force_login(a_office)
    briefing = draft(client, kind="briefing")
    client.post(f"/meetings/briefings/{briefing.pk}/publish/")
    briefing.refresh_from_db()
    assert briefing.recipients_count == 2 and not briefing.node_receipts.exists()


@pytest.mark.parametrize("n", [2, 6])
def test_list_and_receipts_query_counts_do_not_grow(client, tree, n, django_assert_num_queries):
    city, city_office, (a, a_office), *_ = tree
    for i in range(n):
        b = services.briefing_create(
            organisation=city, actor=city_office, title=f"通知{i}", source="", body="内容"
        )
        services.briefing_publish(briefing=b, actor=city_office, to_members=False, all_nodes=True)
    client.force_login(a_office)
    client.get("/meetings/briefings/")
    with django_assert_num_queries(LIST_QUERIES):
        html = client.get("/meetings/briefings/").content.decode()
    assert html.count("上级来文") == n
    client.force_login(city_office)
    client.get(f"/meetings/briefings/{b.pk}/")
    with django_assert_num_queries(DETAIL_QUERIES):
        html = client.get(f"/meetings/briefings/{b.pk}/").content.decode()
    assert "下发 3 个单位，未读 3 个" in html


def test_a_node_sees_only_its_own_briefings_and_those_sent_to_it(client, tree):
    city, city_office, (a, a_office), *_ = tree
    own = services.briefing_create(
        organisation=a, actor=a_office, title="甲区自己的通报", source="", body="内容"
    )
    client.force_login(city_office)
    assert "甲区自己的通报" not in client.get("/meetings/briefings/").content.decode()
    assert client.get(f"/meetings/briefings/{own.pk}/").status_code == 404
    client.force_login(a_office)
    assert "甲区自己的通报" in client.get("/meetings/briefings/").content.decode()


def test_the_briefings_tab_is_shown_exactly_to_those_whose_page_opens(client, tree):
    from tests.factories import UserFactory

    city, city_office, (a, a_office), *_ = tree
    # Committee staff see meetings but neither publish nor receive briefings (C2.14).
    staff = user_with_role(Role.COMMITTEE_STAFF, a, full_name="经济委员会干事")
    member = MemberFactory(organisation=a, name="甲区委员", user=UserFactory())
    for user, opens in ((a_office, True), (member.user, True), (staff, False)):
        client.force_login(user)
        tabs = client.get("/meetings/mine/").content.decode()
        assert ('href="/meetings/briefings/"' in tabs) is opens, user
        assert client.get("/meetings/briefings/").status_code == (200 if opens else 404), user
