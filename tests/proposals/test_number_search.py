"""A clerk finds a proposal by the number the pages show ("2026年平时提案第0146号"), by part
of it ("平时提案第0146号", "第0146号") or without the zero padding ("第146号"), in the list,
its total and the header search; a number is not cut into words the index cannot find."""

import re

import pytest
from django.urls import reverse

from tests.proposals.conftest import submitted
from xieshang.proposals.models import Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def numbered(world):
    interim = submitted(world, title="关于社区养老助餐点建设的建议")
    plenary = submitted(world, title="关于中小学课后服务的建议")
    other = submitted(world, title="关于背街小巷路灯改造的建议")
    # The number is written from the serial (numbering.format_number): the two agree.
    Proposal.objects.filter(pk=interim.pk).update(serial=146, number="2026年平时提案第0146号")
    Proposal.objects.filter(pk=plenary.pk).update(
        serial=146, number="第十五届第五次会议第0146号", kind=Proposal.Kind.PLENARY
    )
    Proposal.objects.filter(pk=other.pk).update(serial=1146, number="2026年平时提案第1146号")
    return interim, plenary, other


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("2026年平时提案第0146号", ["养老助餐"]),
        ("平时提案第0146号", ["养老助餐"]),
        ("第十五届第五次会议第0146号", ["课后服务"]),
        ("第0146号", ["养老助餐", "课后服务"]),
        ("第146号", ["养老助餐", "课后服务"]),
        (" 第 1146 号 ", ["路灯改造"]),
    ],
)
def test_the_list_finds_a_proposal_by_its_number(client, world, numbered, query, found):
    client.force_login(world.reviewer)
    page = client.get(reverse("proposals:index"), {"q": query}).content.decode()
    titles = ["养老助餐", "课后服务", "路灯改造"]
    assert [t for t in titles if t in page] == found
    assert f"共找到 {len(found)} 件" in page


def test_the_header_search_finds_it_too(client, world, numbered):
    client.force_login(world.reviewer)
    page = client.get(reverse("search"), {"q": "平时提案第0146号"}).content.decode()
    assert "养老助餐" in page and "课后服务" not in page


def test_a_list_with_nothing_for_every_word_offers_each_word_with_the_filters_kept(
    client, world, numbered
):
    client.force_login(world.reviewer)
    url = reverse("proposals:index")
    page = client.get(url, {"q": "养老助餐 殡葬改革", "status": "submitted"}).content.decode()
    assert "共找到 0 件" in page
    links = re.findall(r'id="search-narrower">.*?</p>', page, re.S)[0]
    offered = re.findall(r'href="\?([^"]+)"[^>]*>([^<]+)</a>', links)
    assert [word for _, word in offered] == ["养老", "助餐"]
    assert all("status=submitted" in query for query, _ in offered)
    followed = client.get(url + "?" + offered[1][0].replace("&amp;", "&")).content.decode()
    assert "共找到 1 件" in followed and "养老助餐" in followed
    # Under another status filter the words find nothing alone either: nothing offered.
    page = client.get(url, {"q": "养老助餐 殡葬改革", "status": "closed"}).content.decode()
    assert 'id="search-narrower"' not in page


def test_a_city_list_names_the_district_of_each_row_and_a_district_list_does_not(
    client, world, numbered
):
    from tests.factories import user_with_role
    from xieshang.orgs.models import Role

    url = reverse("proposals:index")
    client.force_login(world.reviewer)  # the district's own committee: its own series only
    assert "示范区政协" not in client.get(url).content.decode()
    client.force_login(user_with_role(Role.OFFICE, world.city))
    page = client.get(url).content.decode()
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)
    interim = next(row for row in rows if "养老助餐" in row)
    assert '<div class="small text-secondary">示范区政协</div>' in interim


def test_the_city_overdue_list_and_follow_up_queue_name_the_district_too(client, world):
    import datetime as dt

    from tests.factories import user_with_role
    from tests.proposals.conftest import accepted
    from xieshang.orgs.models import Role
    from xieshang.proposals import services

    proposal = accepted(world)
    (lead,) = services.proposal_assign(proposal=proposal, actor=world.reviewer, lead=world.housing)
    lead.task.due_date = dt.date(2020, 1, 6)
    lead.task.save(update_fields=["due_date"])
    city_office = user_with_role(Role.OFFICE, world.city)
    for user, shown in ((world.reviewer, False), (city_office, True)):
        client.force_login(user)
        for url in (reverse("proposals:overdue"), reverse("followups:queue")):
            page = client.get(url).content.decode()
            assert "区住房和城乡建设局" in page, url
            assert ('<div class="small text-secondary">示范区政协</div>' in page) is shown, url
            if shown:
                # Under the title, which a phone shows, not in the department's column.
                title_cell = re.search(r"<td[^>]*><a href=[^>]*>[^<]*</a>(.*?)</td>", page, re.S)
                assert "示范区政协" in title_cell.group(1), url
