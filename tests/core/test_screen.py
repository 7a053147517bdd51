"""数据大屏 (issue 12): the chairman's office's wall display — key figures and charts of
every domain the viewer may see, rolled up over their organisation's subtree (C2.9), and
refreshing itself."""

import json
import re

import pytest
from django.urls import reverse

from tests.factories import user_with_role
from tests.proposals.conftest import World, accepted, submitted
from xieshang.orgs.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.9")]


@pytest.fixture
def world(db):
    return World()


def data(html: str, chart_id: str) -> dict:
    block = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', html)
    return json.loads(block.group(1))


def test_the_office_sees_the_proposal_figures_of_its_subtree_only(world, client):
    accepted(world, title="关于优化公交线路的建议")
    submitted(world, title="关于增设社区养老食堂的建议")
    client.force_login(world.office)
    html = client.get(reverse("screen")).content.decode()
    assert "示范区政协" in html and "提案工作" in html
    review = data(html, "chart-review")
    assert dict(zip(review["labels"], review["series"][0]["data"], strict=True))["立案"] == 1
    assert sum(review["series"][0]["data"]) == 2
    # The other district's office sees none of them.
    other = user_with_role(Role.OFFICE, world.other_district)
    client.force_login(other)
    html = client.get(reverse("screen")).content.decode()
    assert "另一区政协" in html
    assert "chart-review-data" not in html  # no proposals: the chart says so instead
    assert "审查结果：暂无数据。" in html


def test_the_page_refreshes_itself_every_five_minutes(world, client):
    client.force_login(world.chair)
    html = client.get(reverse("screen")).content.decode()
    assert 'hx-trigger="every 300s"' in html and 'hx-select="#screen-body"' in html
    assert '<meta http-equiv="refresh" content="300">' in html  # without JavaScript
    assert 'data-bs-theme="dark"' in html


def test_the_party_office_sees_consultation_but_not_proposals(world, client):
    party = user_with_role(Role.PARTY_OFFICE, world.district)
    client.force_login(party)
    html = client.get(reverse("screen")).content.decode()
    assert "协商工作" in html and "提案工作" not in html


def test_a_member_or_a_department_may_not_open_it(world, client):
    for user in (world.user("zhang"), world.housing_clerk):
        client.force_login(user)
        assert client.get(reverse("screen")).status_code == 403
        assert reverse("screen") not in client.get(reverse("home")).content.decode()
    client.force_login(world.chair)
    assert reverse("screen") in client.get(reverse("home")).content.decode()  # a home card


def test_the_page_takes_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    client.force_login(world.office)
    client.get(reverse("screen"))  # warm the settings cache
    with django_assert_max_num_queries(60) as first:
        client.get(reverse("screen"))
    for n in range(3):
        accepted(world, title=f"关于第{n}个社区的建议")
    with django_assert_max_num_queries(len(first)):
        client.get(reverse("screen"))


def test_the_domain_pages_chart_their_own_tables(world, client):
    client.force_login(world.office)
    html = client.get(reverse("duty:evaluation")).content.decode()
    scores = data(html, "chart-duty-scores")
    assert sum(scores["series"][0]["data"]) == 3  # the three seated members
    assert scores["labels"] == ["<60分", "≥60且<80分", "≥80且<90分", "≥90分"]
    assert 'aria-label="共3名委员：得分≥90分的0人，&lt;60分的3人。"' in html


def test_the_heading_over_every_domains_figures_is_the_years_work_not_members_duty(world, client):
    # The heading stands over proposals, consultation, meetings and members' duty alike;
    # 委员履职 is one panel below it, so it is not "Duty figures".
    from django.utils import timezone

    year = timezone.localdate().year
    client.force_login(world.office)
    html = client.get(reverse("screen")).content.decode()
    assert f"{year}年度工作数据" in html and "年度履职数据" not in html
    client.cookies["django_language"] = "en"
    html = client.get(reverse("screen")).content.decode()
    assert f"Work figures {year}" in html and "Duty figures" not in html


def test_the_duty_panel_says_it_counts_the_committees_own_members(world, client):
    """The other panels add up the subtree; members' duty is each committee's own, and a city
    office read "完成最低履职要求 0" beside its districts' proposals without knowing so."""
    client.force_login(user_with_role(Role.OFFICE, world.city))
    html = client.get(reverse("screen")).content.decode()
    assert "委员履职（本级）" in html
    client.force_login(world.office)
    html = client.get(reverse("screen")).content.decode()
    assert "委员履职" in html and "委员履职（本级）" not in html
