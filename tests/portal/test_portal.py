"""The public portal: published proposal answers, without any contact detail."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.proposals.conftest import PROPOSAL_TEXT, World
from xieshang.core import scheduler
from xieshang.proposals import services
from xieshang.proposals.models import Answer, Assignment, Proposal, Signer

S = Proposal.Status
PUBLISHED = dt.datetime(2026, 7, 1, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(db):
    return World()


def answered(world, *, title=PROPOSAL_TEXT["title"], published=True, **extra):
    """An answered proposal by 张丽华 with 王建国 as confirmed co-signer and an answer
    letter of 住建局 whose text mentions its contact person and phone."""
    fields = {**PROPOSAL_TEXT, "title": title, **extra}
    proposal = Proposal.objects.create(
        organisation=world.district,
        year=2026,
        number=f"2026年平时提案第{Proposal.objects.count() + 1:04d}号",
        status=S.ANSWERED,
        first_proposer=world.members["zhang"],
        published_at=PUBLISHED if published else None,
        **fields,
    )
    Signer.objects.create(
        proposal=proposal, member=world.members["wang"], status=Signer.Status.CONFIRMED
    )
    Signer.objects.create(
        proposal=proposal, member=world.members["li"], status=Signer.Status.DECLINED
    )
    assignment = Assignment.objects.create(
        proposal=proposal,
        department=world.housing,
        role=Assignment.Role.LEAD,
        status=Assignment.Status.ANSWERED,
    )
    Answer.objects.create(
        assignment=assignment,
        category="B",
        text=(
            "我局已将老旧小区加装电梯纳入年度计划，财政补贴办法正在制定。\n"
            "如有疑问请与王小明联系，电话13812345678，邮箱wxm@zjj.example.gov.cn。"
            "联系人：赵六，办公电话：0571-87654321。"
        ),
        signed_by="陈局长",
        contact_person="王小明",
        contact_phone="0571-88886666",
        sent_at=timezone.now(),
    )
    return proposal


def test_the_portal_is_public_and_shows_no_staff_navigation(client, world):
    answered(world)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "关于加快老旧小区加装电梯的建议" in text
    assert "工作台" not in text and "退出登录" not in text
    assert 'name="language"' in text  # the language switch
    # A resident's three ways in are on the page itself, not only in the sideways menu.
    actions = re.search(r'id="portal-actions">(.*?)</div>', text, re.S).group(1)
    for name in (
        "residents_public:submit",
        "consultation_public:submit",
        "consultation_public:lookup",
    ):
        assert f'href="{reverse(name)}"' in actions, name
    # Strict CSP: no inline scripts or styles, nothing from another host.
    assert not re.search(r"<script(?![^>]*\bsrc=)", text)
    assert "style=" not in text
    assert "http://" not in text and "https://" not in text


@pytest.mark.clause("C4.6")
def test_a_published_answer_shows_text_department_category_and_proposer_names(client, world):
    proposal = answered(world)
    response = client.get(reverse("portal:proposal", args=[proposal.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert proposal.number in text
    assert PROPOSAL_TEXT["suggestions"] in text
    assert "区住房和城乡建设局" in text
    assert "B类" in text and "正在解决或已列入计划" in text
    assert "纳入年度计划" in text
    assert "张丽华、王建国" in text
    assert "李明" not in text  # declined to co-sign


def test_the_public_never_sees_a_contact_detail(client, world):
    proposal = answered(
        world,
        facts="我区老旧小区多为六层无电梯。本人手机 139 0000 1111，可随时联系。",
    )
    zhang = world.members["zhang"]
    zhang.email = "zhang@example.com"
    zhang.save()
    text = client.get(reverse("portal:proposal", args=[proposal.pk])).content.decode()
    for secret in [
        "王小明",  # the answer's contact person, named in its text
        "0571-88886666",  # the answer's contact phone
        "13812345678",
        "wxm@zjj.example.gov.cn",
        "赵六",
        "0571-87654321",
        "139 0000 1111",
        "陈局长",
        zhang.phone,
        zhang.email,
        world.members["wang"].phone,
        zhang.address,
    ]:
        assert secret not in text, secret
    assert "联系人：***" in text
    assert "可随时联系" in text  # the rest of the sentence stays


@pytest.mark.parametrize(
    "change",
    [
        {"published_at": None},
        {"office_withheld": True},
        {"proposer_opt_out": True},
        {"is_public_interest": False},
        {"status": S.ASSIGNED},
    ],
)
def test_an_unpublished_answer_is_a_404_and_not_listed(client, world, change):
    proposal = answered(world)
    Proposal.objects.filter(pk=proposal.pk).update(**change)
    assert client.get(reverse("portal:proposal", args=[proposal.pk])).status_code == 404
    listing = client.get(reverse("portal:proposals")).content.decode()
    assert proposal.title not in listing
    assert proposal.title not in client.get(reverse("portal:home")).content.decode()


def test_the_list_searches_by_words_and_pages(client, world):
    answered(world)
    answered(
        world,
        title="关于增设社区托育点的建议",
        facts="婴幼儿托育服务供给不足。",
        analysis="普惠托位少。",
        suggestions="新建社区托育点。",
    )
    url = reverse("portal:proposals")
    found = client.get(url, {"q": "托育"}).content.decode()
    assert "关于增设社区托育点的建议" in found
    assert "加装电梯的建议" not in found
    assert "共找到 1 件" in found
    nothing = client.get(url, {"q": "殡葬改革"}).content.decode()
    assert "没有找到符合条件的提案答复" in nothing
    too_long = client.get(url, {"q": "长" * 60})
    assert too_long.status_code == 400
    for i in range(20):
        answered(world, title=f"关于老旧小区改造的建议（{i}）")
    page2 = client.get(url, {"page": 2}).content.decode()
    assert "第 2 / 2 页" in page2


def test_nothing_with_every_word_offers_the_words_that_find_answers_alone(client, world):
    answered(world, title="关于增设社区托育点的建议", facts="婴幼儿托育服务供给不足。")
    url = reverse("portal:proposals")
    page = client.get(url, {"q": "托育 殡葬改革"}).content.decode()
    assert "没有找到符合条件的提案答复" in page
    assert re.findall(r'href="\?q=([^"]+)"[^>]*>([^<]+)</a>', page) == [
        ("%E6%89%98%E8%82%B2", "托育")
    ]
    # A word found only in an unpublished proposal is not offered: the portal's rows only.
    answered(world, title="关于殡葬改革的建议", published=False)
    page = client.get(url, {"q": "托育 殡葬改革"}).content.decode()
    assert [w for _, w in re.findall(r'href="\?q=([^"]+)"[^>]*>([^<]+)</a>', page)] == ["托育"]
    assert 'id="search-narrower"' not in client.get(url, {"q": "殡葬改革"}).content.decode()


def test_the_list_finds_an_answer_by_its_proposal_number(client, world):
    # The fixture numbers proposals as the product does: the serial with the series' text.
    first = answered(world, serial=1)
    answered(world, title="关于增设社区托育点的建议", serial=2)
    url = reverse("portal:proposals")
    for query in (first.number, "平时提案第0001号", "第1号"):
        found = client.get(url, {"q": query}).content.decode()
        assert first.title in found and "关于增设社区托育点的建议" not in found, query
        assert "共找到 1 件" in found, query


@pytest.mark.parametrize("n", [3, 30])
def test_the_list_asks_a_fixed_number_of_queries(client, world, n, django_assert_num_queries):
    for i in range(n):
        answered(world, title=f"关于老旧小区改造的建议（{i}）")
    with django_assert_num_queries(2):  # count, page
        response = client.get(reverse("portal:proposals"))
    assert response.content.decode().count("关于老旧小区改造的建议") == min(n, 20)


def test_the_publication_job_is_registered_and_publishes_due_answers(world, client):
    assert "proposals.publish_due" in scheduler.registry()
    with time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)):
        proposal = services.proposal_create(
            actor=world.user("zhang"), organisation=world.district, **PROPOSAL_TEXT
        )
        services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
        services.proposal_accept(proposal=proposal, actor=world.reviewer)
        (lead,) = services.proposal_assign(
            proposal=proposal, actor=world.reviewer, lead=world.housing
        )
        services.answer_submit(
            assignment=lead,
            actor=world.housing_clerk,
            category="A",
            text="已完成加装电梯审批流程简化。",
            signed_by="陈局长",
            contact_person="王小明",
            contact_phone="0571-88886666",
        )
        assert scheduler.run_job("proposals.publish_due") == 0  # not yet due
    url = reverse("portal:proposal", args=[proposal.pk])
    assert client.get(url).status_code == 404
    with time_machine.travel(dt.datetime(2026, 4, 15, 2, 0, tzinfo=dt.UTC)):
        assert scheduler.run_job("proposals.publish_due") == 1
        assert scheduler.run_job("proposals.publish_due") == 0  # idempotent
    proposal.refresh_from_db()
    assert timezone.localtime(proposal.published_at).date() == dt.date(2026, 4, 15)
    text = client.get(url).content.decode()
    assert "已完成加装电梯审批流程简化" in text
    assert "王小明" not in text and "0571-88886666" not in text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's partial index")
def test_the_published_list_and_its_count_can_be_read_off_their_index(world):
    """The index `proposal_published` carries `published_proposals()`'s filter as its
    condition: if the two drift apart, PostgreSQL can no longer use it and a province's
    portal sorts every published answer for each page again."""
    from xieshang.portal.selectors import published_proposals

    answered(world)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    page = published_proposals().order_by("-published_at", "-id")[:20]
    assert "proposal_published" in page.explain()
    assert "proposal_published" in published_proposals().values("pk").explain()
