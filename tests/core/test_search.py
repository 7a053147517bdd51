"""The header search: every kind in the user's own scope, grouped, with labels, validated."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.factories import MemberFactory, TermFactory, UserFactory, make_org, seat, user_with_role
from xieshang.consultation.models import Topic
from xieshang.core.models import Event
from xieshang.meetings.models import Meeting, MeetingKind
from xieshang.opinions.models import Opinion
from xieshang.orgs.models import Level, Role, RoleAssignment
from xieshang.proposals.models import Proposal
from xieshang.residents.models import ResidentIssue

P = Proposal.Status


class World:
    def __init__(self):
        self.city = make_org("示范市政协", Level.CITY)
        self.a = make_org("甲区政协", Level.DISTRICT, parent=self.city)
        self.b = make_org("乙区政协", Level.DISTRICT, parent=self.city)
        self.street = make_org("城关街道", Level.STREET, parent=self.a)
        self.term_a = TermFactory(organisation=self.a)
        self.term_b = TermFactory(organisation=self.b)
        self.office = user_with_role(Role.OFFICE, self.a, username="office_a")
        self.staff = user_with_role(Role.COMMITTEE_STAFF, self.a, username="staff_a")
        self.office_b = user_with_role(Role.OFFICE, self.b, username="office_b")
        self.zhang = self._member("张丽华", "13900000001", "zhang")
        self.wang = self._member("王建国", "13900000002", "wang")
        self.li_b = MemberFactory(organisation=self.b, name="张丽娟", phone="13900000003")
        seat(self.li_b, self.term_b)

    def _member(self, name, phone, username):
        user = UserFactory(username=username, full_name=name)
        RoleAssignment.objects.create(user=user, organisation=self.a, role=Role.MEMBER)
        member = MemberFactory(organisation=self.a, name=name, phone=phone, user=user)
        seat(member, self.term_a)
        return member

    def proposal(self, title, *, org=None, status=P.SUBMITTED, by=None, number=""):
        # A number is written from its serial (numbering.format_number): keep them agreeing.
        serial = int(re.search(r"第0*(\d+)号$", number)[1]) if number else None
        return Proposal.objects.create(
            organisation=org or self.a,
            year=2026,
            title=title,
            status=status,
            number=number,
            serial=serial,
            first_proposer=by,
            created_by=by.user if by else None,
        )


@pytest.fixture
def world(db):
    return World()


def results(client, q):
    response = client.get(reverse("search"), {"q": q})
    return response, response.content.decode()


def headings(body: str) -> list[str]:
    """The group headings, without their count badges."""
    found = re.findall(r'<h2 class="h5"[^>]*>(.*?)</span></h2>', body)
    return [re.sub(r"\s+\d+\+?$", "", re.sub(r"<[^>]+>", "", h).strip()) for h in found]


def test_office_finds_every_kind_of_its_own_district_only(world, client):
    w = world
    w.proposal("关于加装电梯的建议", number="第十五届第五次会议第0001号")
    w.proposal("乙区加装电梯的提案", org=w.b)
    Topic.objects.create(
        organisation=w.a, title="老旧小区加装电梯议题", source="cppcc", proposer_name="办公室"
    )
    Topic.objects.create(
        organisation=w.b, title="乙区电梯议题", source="cppcc", proposer_name="办公室"
    )
    Opinion.objects.create(
        organisation=w.a,
        year=2026,
        title="电梯维修资金难以使用",
        suggestions="简化程序",
        status=Opinion.Status.SUBMITTED,
    )
    start = timezone.now() + dt.timedelta(days=3)
    Meeting.objects.create(
        organisation=w.a,
        kind=MeetingKind.choices[0][0],
        title="加装电梯专题协商会",
        start=start,
        end=start + dt.timedelta(hours=2),
        status=Meeting.Status.PUBLISHED,
    )
    ResidentIssue.objects.create(
        organisation=w.street,
        ticket="R20260001",
        check_code_hash="x",
        title="小区电梯经常停运",
        description="……",
        channel="portal",
    )
    client.force_login(w.office)
    response, body = results(client, "  电梯 ")
    assert response.status_code == 200
    assert headings(body) == ["提案", "协商议题", "社情民意", "会议活动", "群众诉求"]
    for title in ["关于加装电梯的建议", "老旧小区加装电梯议题", "电梯维修资金难以使用"]:
        assert title in body
    assert "加装电梯专题协商会" in body and "小区电梯经常停运" in body
    assert "乙区" not in body
    # Each result's status in words, never the stored code.
    for label in ["待审查", "议题库", "待审核", "已通知", "待受理"]:
        assert label in body
    assert ">submitted<" not in body and ">published<" not in body


def test_the_results_are_the_same_whether_the_index_is_told_the_scope_or_not(
    world, client, monkeypatch
):
    """In a narrow scope the proposals, meetings and members read only the entries of the
    user's organisations (`access.NARROW_SCOPE`); what each user finds is the same as when
    every entry is read, their own part outside the scope included."""
    from xieshang.core import access
    from xieshang.meetings.models import Invitation
    from xieshang.proposals.models import Signer

    w = world
    w.proposal("关于加装电梯的建议")
    cosigned = w.proposal("乙区加装电梯的提案", org=w.b)
    Signer.objects.create(proposal=cosigned, member=w.zhang, status=Signer.Status.CONFIRMED)
    w.proposal("乙区电梯安全的提案", org=w.b)
    start = timezone.now() + dt.timedelta(days=3)
    meetings = [
        Meeting.objects.create(
            organisation=org,
            kind=MeetingKind.choices[0][0],
            title=f"{org.name}电梯专题协商会",
            start=start,
            end=start + dt.timedelta(hours=2),
            status=Meeting.Status.PUBLISHED,
        )
        for org in (w.a, w.b, w.b)
    ]
    Invitation.objects.create(meeting=meetings[1], member=w.zhang)  # another district's
    MemberFactory(organisation=w.b, name="电梯公司王经理", employer="乙区电梯公司")
    city_office = user_with_role(Role.OFFICE, w.city, username="office_city")

    def bodies():
        found = {}
        for user in (w.office, w.zhang.user, w.office_b, city_office):
            client.force_login(user)
            body = results(client, "电梯")[1]
            # What differs between any two responses: the masked CSRF token, the nonce.
            found[user.username] = re.sub(
                r'(csrfmiddlewaretoken" value="|X-CSRFToken": "|nonce=")[^"]*', r"\1", body
            )
        return found

    monkeypatch.setattr(access, "NARROW_SCOPE", 2)  # every scope told to the index
    told = bodies()
    monkeypatch.setattr(access, "NARROW_SCOPE", -1)  # none
    assert bodies() == told
    assert "乙区加装电梯的提案" in told["zhang"] and "乙区政协电梯专题协商会" in told["zhang"]
    assert "乙区电梯安全的提案" not in told["zhang"]
    assert told["office_city"].count("乙区政协电梯专题协商会") == 2


def test_number_fields_are_searched(world, client):
    world.proposal("关于加装电梯的建议", number="第十五届第五次会议第0001号")
    ResidentIssue.objects.create(
        organisation=world.street,
        ticket="R20260077",
        check_code_hash="x",
        title="路灯不亮",
        description="……",
        channel="portal",
    )
    client.force_login(world.office)
    assert "关于加装电梯的建议" in results(client, "第0001号")[1]
    body = results(client, "r20260077")[1]  # case-insensitive
    assert "路灯不亮" in body and headings(body) == ["群众诉求"]


def test_member_sees_own_draft_never_another_members(world, client):
    w = world
    w.proposal("张委员的电梯草稿", status=P.DRAFT, by=w.zhang)
    w.proposal("王委员的电梯草稿", status=P.DRAFT, by=w.wang)
    Opinion.objects.create(
        organisation=w.a, year=2026, title="王委员的电梯社情草稿", suggestions="……"
    )
    client.force_login(w.zhang.user)
    body = results(client, "电梯")[1]
    assert "张委员的电梯草稿" in body and "草稿" in body
    assert "王委员的电梯草稿" not in body and "王委员的电梯社情草稿" not in body
    # A member has no members list: no members group even for a matching name.
    assert "委员" not in headings(results(client, "王建国")[1])
    # Nor does the office see anyone's draft.
    client.force_login(w.office)
    body = results(client, "电梯草稿")[1]
    assert "张委员的电梯草稿" not in body and "王委员的电梯草稿" not in body


def test_members_are_scoped_and_masked_as_on_the_list(world, client):
    w = world
    client.force_login(w.staff)  # members.view without members.view_pii
    body = results(client, "张丽")[1]
    assert headings(body) == ["委员"]
    assert "张丽华" in body and "139****0001" in body and "13900000001" not in body
    assert "张丽娟" not in body  # another district's member
    assert not Event.objects.filter(verb="pii.view").exists()
    client.force_login(w.office)  # members.view_pii: the number in full, and logged
    body = results(client, "张丽")[1]
    assert "13900000001" in body
    assert Event.objects.filter(verb="pii.view", actor=w.office).count() == 1


def test_short_long_and_empty_queries(world, client):
    client.force_login(world.office)
    response, body = results(client, "电")
    assert response.status_code == 200 and "搜索词至少 2 个字" in body
    assert 'id="search-results"' not in body
    response, body = results(client, "")
    assert response.status_code == 200 and "请输入要搜索的" in body
    response, body = results(client, "电" * 51)
    assert response.status_code == 400 and "最多 50 个字" in body
    response, body = results(client, "没有这样的内容")
    assert response.status_code == 200 and "没有找到与“没有这样的内容”相关的内容" in body
    assert headings(body) == []


def test_nothing_with_every_word_offers_the_words_that_find_something_alone(world, client):
    w = world
    w.proposal("关于增设社区助餐点的建议")
    w.proposal("关于老年人助餐补贴的建议", org=w.b)  # another district: out of scope
    client.force_login(w.office)
    response, body = results(client, "老年人助餐")
    assert response.status_code == 200 and headings(body) == []
    assert "没有同时包含“老年人助餐”中全部词语的内容" in body
    offered = re.findall(r'<a [^>]*href="\?q=([^"]+)"[^>]*>([^<]+)</a>', body)
    # 老年人 alone finds only the other district's proposal: not offered.
    assert [word for _, word in offered] == ["助餐"]
    response, body = results(client, "助餐")
    assert headings(body) == ["提案"] and "关于增设社区助餐点的建议" in body
    # The other district's office finds both words in one proposal: nothing to narrow.
    client.force_login(w.office_b)
    body = results(client, "老年人助餐")[1]
    assert "关于老年人助餐补贴的建议" in body and 'id="search-narrower"' not in body
    # No word finds anything alone: the plain message, no suggestions.
    client.force_login(w.office)
    body = results(client, "火星探测卫星")[1]
    assert "没有找到与“火星探测卫星”相关的内容" in body and 'id="search-narrower"' not in body


def test_anonymous_goes_to_login(client):
    response = client.get(reverse("search"), {"q": "电梯"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_ten_per_kind_then_a_link_to_the_list_with_the_query(world, client):
    for i in range(12):
        world.proposal(f"电梯提案{i:02d}")
    client.force_login(world.office)
    body = results(client, "电梯提案")[1]
    assert len(re.findall(r">电梯提案\d\d<", body)) == 10
    # Every year, as the hits above: the list alone would be this year's.
    assert 'href="/proposals/?q=%E7%94%B5%E6%A2%AF%E6%8F%90%E6%A1%88&amp;year="' in body
    # The list the link opens keeps the query.
    listed = client.get("/proposals/?q=%E7%94%B5%E6%A2%AF%E6%8F%90%E6%A1%88").content.decode()
    assert len(re.findall(r"电梯提案\d\d", listed)) >= 12


@pytest.mark.parametrize("rows", [2, 20])
def test_queries_per_search_stay_fixed(world, client, django_assert_max_num_queries, rows):
    w = world
    for i in range(rows):
        w.proposal(f"电梯提案{i}")
        Topic.objects.create(
            organisation=w.a, title=f"电梯议题{i}", source="cppcc", proposer_name="x"
        )
        member = MemberFactory(organisation=w.a, name=f"电梯委员{i}")
        seat(member, w.term_a)
    client.force_login(w.office)
    client.get(reverse("home"))  # the session and the user's roles, as on any page
    # Session (read, saved), user, roles, member-of, the unread count, the street convener
    # check, one query per kind (eight: nominations and budgets joined), the unmasked-phone
    # audit row: never one per row. The proposals' and the meetings' scope shares, and in a
    # narrow scope their organisations for the index: four more. On PostgreSQL a ranked kind
    # may also look up where its newest entries begin (once every few minutes per process):
    # five more at most.
    with django_assert_max_num_queries(22 if connection.vendor == "sqlite" else 27):
        body = results(client, "电梯")[1]
    assert "电梯提案" in body and "电梯议题" in body and "电梯委员" in body
