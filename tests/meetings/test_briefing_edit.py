"""A higher node's clerk corrects a draft briefing before sending it down (C2.9, C2.14):
the draft is edited in place and audited; a save over a draft changed in another tab is
refused with the typing kept; a published briefing is not edited; a lower node cannot."""

import datetime as dt

import pytest

from xieshang.core.models import Event
from xieshang.meetings.models import Briefing
from xieshang.orgs.models import Level, Role

from ..factories import TermFactory, make_org, user_with_role

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.9")]


@pytest.fixture
def city():
    city = make_org("示范市政协", Level.CITY)
    TermFactory(organisation=city, number=15, start_date=dt.date(2022, 1, 10))
    district = make_org("甲区政协", parent=city)
    office = user_with_role(Role.OFFICE, city, full_name="市政协办公室")
    district_office = user_with_role(Role.OFFICE, district, full_name="甲区办公室")
    return city, office, district, district_office


def _draft(client):
    client.post(
        "/meetings/briefings/new/",
        {
            "title": "关于年终总结的通只",
            "source": "市政协办公室",
            "body": "请报送。",
            "kind": "notice",
        },
    )
    return Briefing.objects.get()


def _form(client, briefing):
    page = client.get(f"/meetings/briefings/{briefing.pk}/edit/")
    assert page.status_code == 200
    return page.context["form"].initial["expected"]


def test_a_draft_is_corrected_and_the_edit_audited(client, city):
    _city, office, _district, _ = city
    client.force_login(office)
    briefing = _draft(client)
    page = client.get(f"/meetings/briefings/{briefing.pk}/").content.decode()
    assert f"/meetings/briefings/{briefing.pk}/edit/" in page
    expected = _form(client, briefing)
    response = client.post(
        f"/meetings/briefings/{briefing.pk}/edit/",
        {
            "title": "关于年终总结的通知",
            "source": "市政协办公室",
            "body": "请于20日前报送。",
            "kind": "notice",
            "expected": expected,
        },
    )
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert briefing.title == "关于年终总结的通知" and briefing.body == "请于20日前报送。"
    event = Event.objects.get(verb="briefing.edit")
    assert event.data["changes"]["title"] == ["关于年终总结的通只", "关于年终总结的通知"]


def test_a_save_over_a_newer_draft_is_refused_and_the_typing_kept(client, city):
    _city, office, _district, _ = city
    client.force_login(office)
    briefing = _draft(client)
    old = _form(client, briefing)
    # Another tab saves first.
    client.post(
        f"/meetings/briefings/{briefing.pk}/edit/",
        {
            "title": "第二个窗口的标题",
            "source": "",
            "body": "请报送。",
            "kind": "notice",
            "expected": old,
        },
    )
    response = client.post(
        f"/meetings/briefings/{briefing.pk}/edit/",
        {
            "title": "第一个窗口的标题",
            "source": "",
            "body": "我写了很长的正文。",
            "kind": "notice",
            "expected": old,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "我写了很长的正文。" in html and "其他窗口" in html
    briefing.refresh_from_db()
    assert briefing.title == "第二个窗口的标题"
    # Saving again (the form now carries the newer draft) goes over it on purpose.
    again = response.context["form"].data["expected"]
    client.post(
        f"/meetings/briefings/{briefing.pk}/edit/",
        {
            "title": "第一个窗口的标题",
            "source": "",
            "body": "我写了很长的正文。",
            "kind": "notice",
            "expected": again,
        },
    )
    briefing.refresh_from_db()
    assert briefing.title == "第一个窗口的标题"


def test_published_or_lower_node_cannot_edit(client, city):
    _city, office, district, district_office = city
    client.force_login(office)
    briefing = _draft(client)
    expected = _form(client, briefing)
    client.post(
        f"/meetings/briefings/{briefing.pk}/publish/", {"to": "nodes", "nodes": [district.pk]}
    )
    response = client.post(
        f"/meetings/briefings/{briefing.pk}/edit/",
        {"title": "改过", "source": "", "body": "改过", "kind": "notice", "expected": expected},
    )
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert briefing.title == "关于年终总结的通只"
    client.force_login(district_office)
    assert client.get(f"/meetings/briefings/{briefing.pk}/edit/").status_code == 404


def test_audit_and_reminder_say_what_happened(client, city):
    """Drafting is not recorded as publishing; a reminder reads as one in the inbox."""
    from xieshang.core.models import Notification

    _city, office, district, district_office = city
    client.force_login(office)
    briefing = _draft(client)
    assert Event.objects.filter(verb="briefing.create").count() == 1
    assert not Event.objects.filter(verb="briefing.publish").exists()
    client.post(
        f"/meetings/briefings/{briefing.pk}/publish/", {"to": "nodes", "nodes": [district.pk]}
    )
    assert Event.objects.filter(verb="briefing.publish").count() == 1
    client.post(f"/meetings/briefings/{briefing.pk}/remind/")
    titles = [str(n.title) for n in Notification.objects.filter(recipient=district_office)]
    assert any(t.startswith("上级通知") for t in titles)
    assert any(t.startswith("请签收上级通知") for t in titles)


def test_the_list_shows_how_many_lower_nodes_signed(client, city):
    """The sender follows the receipts from its list: nodes signed of nodes sent."""
    _city, office, district, district_office = city
    client.force_login(office)
    briefing = _draft(client)
    client.post(
        f"/meetings/briefings/{briefing.pk}/publish/", {"to": "nodes", "nodes": [district.pk]}
    )
    listed = client.get("/meetings/briefings/").content.decode()
    assert "单位签收 0 / 1" in listed
    client.force_login(district_office)
    client.post(f"/meetings/briefings/{briefing.pk}/read/")
    client.force_login(office)
    listed = client.get("/meetings/briefings/").content.decode()
    assert "单位签收 1 / 1" in listed


def test_a_briefing_sent_only_down_shows_no_empty_member_receipts(client, city):
    _city, office, district, _district_office = city
    client.force_login(office)
    briefing = _draft(client)
    client.post(
        f"/meetings/briefings/{briefing.pk}/publish/", {"to": "nodes", "nodes": [district.pk]}
    )
    page = client.get(f"/meetings/briefings/{briefing.pk}/").content.decode()
    assert "下级阅读情况" in page and "阅读回执" not in page
