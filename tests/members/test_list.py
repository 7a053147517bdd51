import re

import pytest
from django.urls import reverse

from xieshang.core.models import Event
from xieshang.members.models import Membership
from xieshang.orgs.models import Level, Role

from ..factories import make_org
from .factories import committee, party

pytestmark = pytest.mark.django_db

OFFICIAL_ORDER = "丁 卜 于 万 马 王 孔 石 田 刘 孙 李 杨 张 陈 周 赵 黄 彭 董 蔡 潘".split()


def names_on_page(response) -> list[str]:
    return [seat.member.name for seat in response.context["page"].object_list]


def test_it_lists_members_in_official_surname_stroke_order(client):
    """Published order of surnames (一画, 二画 …, ties by first strokes 横竖撇点折)."""
    c = committee()
    given = "明"
    for surname in reversed(OFFICIAL_ORDER):  # created in the wrong order on purpose
        c.member(surname + given)
    client.force_login(c.clerk)
    response = client.get(reverse("members:list"))
    assert names_on_page(response) == [s + given for s in OFFICIAL_ORDER]


def test_it_sorts_by_pinyin_when_asked(client):
    c = committee()
    for name in ("张三", "安娜", "王五"):
        c.member(name)
    client.force_login(c.clerk)
    response = client.get(reverse("members:list"), {"order": "pinyin"})
    assert names_on_page(response) == ["安娜", "王五", "张三"]


def test_it_shows_only_the_current_term_by_default(client):
    c = committee()
    c.member("王现任")
    old = c.org.terms.get(number=14)
    from ..factories import MemberFactory, seat

    former = MemberFactory(organisation=c.org, name="李往届")
    seat(former, old)
    client.force_login(c.clerk)
    assert names_on_page(client.get(reverse("members:list"))) == ["王现任"]
    response = client.get(reverse("members:list"), {"term": old.pk})
    assert names_on_page(response) == ["李往届"]


def test_it_filters_by_sector_party_committee_status_and_text(client):
    c = committee()
    c.member("王经济", employer="示范区发展集团")
    c.member("李教育", sector=c.sector2, committees=[c.committee2], party=party("中国民主同盟"))
    c.member("张辞职", status=Membership.Status.RESIGNED)
    client.force_login(c.clerk)
    url = reverse("members:list")
    assert names_on_page(client.get(url, {"sector": c.sector2.pk})) == ["李教育"]
    assert names_on_page(client.get(url, {"party": party("中国民主同盟").pk})) == ["李教育"]
    assert names_on_page(client.get(url, {"committee": c.committee2.pk})) == ["李教育"]
    assert names_on_page(client.get(url, {"status": "resigned"})) == ["张辞职"]
    assert names_on_page(client.get(url, {"q": "发展集团"})) == ["王经济"]
    assert names_on_page(client.get(url, {"q": "李"})) == ["李教育"]


def test_it_does_not_accept_another_districts_sector_as_filter(client):
    a, b = committee("甲区政协"), committee("乙区政协")
    a.member("王甲")
    b.member("李乙")
    client.force_login(a.clerk)
    response = client.get(reverse("members:list"), {"sector": b.sector.pk})
    assert names_on_page(response) == []


def test_it_keeps_a_district_clerk_to_their_own_district(client):
    a, b = committee("甲区政协"), committee("乙区政协")
    a.member("王甲")
    b.member("李乙")
    client.force_login(a.clerk)
    response = client.get(reverse("members:list"))
    assert names_on_page(response) == ["王甲"]
    assert "李乙" not in response.content.decode()


def test_it_shows_a_city_clerk_the_members_of_its_districts(client):
    city = committee("示范市政协", level=Level.CITY)
    a = committee("甲区政协", parent=city.org)
    b = committee("乙区政协", parent=city.org)
    other_city = make_org("他市政协", level=Level.CITY)
    elsewhere = committee("他区政协", parent=other_city)
    city.member("赵市")
    a.member("王甲")
    b.member("李乙")
    elsewhere.member("钱外")
    client.force_login(city.clerk)
    response = client.get(reverse("members:list"))
    assert sorted(names_on_page(response)) == sorted(["赵市", "王甲", "李乙"])
    # Each district's member says which committee they sit on; the city's own do not.
    rows = {
        name: row
        for row in re.findall(r"<tr>.*?</tr>", response.content.decode(), re.S)
        for name in ("赵市", "王甲", "李乙")
        if name in row
    }
    assert '<div class="small text-secondary">甲区政协</div>' in rows["王甲"]
    assert '<div class="small text-secondary">乙区政协</div>' in rows["李乙"]
    assert "示范市政协" not in rows["赵市"]
    # Its export holds its own members only, and the page says so beside the button.
    assert "导出 Excel 只含本级政协的委员" in response.content.decode()
    client.force_login(a.clerk)
    assert (
        "导出 Excel 只含本级政协的委员" not in client.get(reverse("members:list")).content.decode()
    )


def test_it_masks_phones_for_a_role_without_pii_permission(client):
    c = committee()
    member = c.member("王委员")
    chair = c.user(Role.CHAIR)
    client.force_login(chair)
    body = client.get(reverse("members:list")).content.decode()
    assert member.phone not in body
    assert member.phone[:3] + "****" + member.phone[-4:] in body
    assert not Event.objects.filter(verb="pii.view").exists()


def test_it_shows_and_logs_phones_for_the_office(client):
    c = committee()
    member = c.member("王委员")
    client.force_login(c.clerk)
    body = client.get(reverse("members:list")).content.decode()
    assert member.phone in body
    event = Event.objects.get(verb="pii.view")
    assert event.actor == c.clerk
    assert event.data == {"fields": ["phone"], "count": 1}


def test_it_refuses_the_list_to_a_role_without_members_view(client):
    c = committee()
    client.force_login(c.user(Role.DEPARTMENT))
    assert client.get(reverse("members:list")).status_code == 403


def test_it_pages_by_fifty(client):
    c = committee()
    for i in range(55):
        c.member("王" + "一二三四五六七八九十"[i % 10] + "甲乙丙丁戊己"[i // 10])
    client.force_login(c.clerk)
    first = client.get(reverse("members:list"))
    assert len(names_on_page(first)) == 50
    second = client.get(reverse("members:list"), {"page": 2})
    assert len(names_on_page(second)) == 5
    assert "第 1 / 2 页" in first.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_it_lists_members_with_a_fixed_number_of_queries(client, django_assert_num_queries, count):
    c = committee()
    for i in range(count):
        c.member(
            f"王{'一二三四五六七八九十'[i % 10]}{'甲乙丙'[i // 10]}",
            committees=[c.committee, c.committee2],
        )
    client.force_login(c.clerk)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("members:list"))
    assert len(names_on_page(response)) == count


# session, user, role assignments, organisations count, page count, the page's ids, its
# rows, committees, the access-log insert, unread count, the parties filter, and the session
# save (savepoint, update, release). Terms, sectors, committees and groups are searched on
# the server (core.pickers): none is listed, so none is queried. The categories (联系类别),
# which the list does not show, are not read (15 before 2026-12-05).
LIST_QUERIES = 14


def test_the_committees_column_names_every_committee_of_the_seat_or_a_dash(client):
    """专委会: a seat's committees joined by 、 in the committees' order, — for a seat in none."""
    c = committee()
    c.member("王两委", committees=[c.committee, c.committee2])
    c.member("李无委", committees=[])
    client.force_login(c.clerk)
    html = client.get(reverse("members:list")).content.decode()
    column = {
        name: re.findall(r'<td[^>]*data-label="专委会"[^>]*>([^<]*)</td>', row)
        for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)
        for name in ("王两委", "李无委")
        if name in row
    }
    both = [x.name for x in type(c.committee).objects.filter(organisation=c.org)]
    assert sorted(both) == ["教科卫体委员会", "经济委员会"]
    assert column == {"王两委": ["、".join(both)], "李无委": ["—"]}


def test_a_seat_that_ended_shows_when_beside_its_status(client):
    """The list says how a seat ended (辞去委员) and when, as the export's 退出日期 does."""
    import datetime as dt

    c = committee()
    c.member("丁一")
    c.member("李四", status=Membership.Status.RESIGNED, status_changed_on=dt.date(2026, 6, 30))
    client.force_login(c.clerk)
    html = client.get(reverse("members:list"), {"status": ""}).content.decode()
    row = html.split("李四")[1].split("</tr>")[0]
    assert "辞去委员" in row and "2026年6月30日" in row
    active = html.split("丁一")[1].split("</tr>")[0]
    assert "xs-exit-date" not in active
