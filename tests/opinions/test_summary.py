"""社情民意信息工作年度情况 (issue 12): the yearly summary reproduces exactly the counts of items
driven through the services — received by source, edited and published in issues, reported
up and adopted per level (by hand and through the referral path), leaders' instructions and
their feedback, the members most adopted — on the page and in the PDF; the statistics chart
and the big screen show the same numbers."""

import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import user_with_role
from tests.html import table_rows
from tests.opinions.factories import make_opinion, member_user
from xieshang.followups import services as followups
from xieshang.followups.models import Task
from xieshang.opinions import services, summary
from xieshang.opinions.charts import screen_panel
from xieshang.opinions.models import Adoption, AdoptionLevel, Opinion
from xieshang.orgs.models import Role

S = Opinion.Status
L = AdoptionLevel
M = Adoption.Mode
pytestmark = pytest.mark.django_db


def adopt(opinion, actor, level, mode=M.STANDALONE):
    services.adoption_record(
        opinion=opinion, actor=actor, level=level, mode=mode, adopted_on=timezone.localdate()
    )


@pytest.fixture
def known(world):
    """Six items of the district's year (and one of the neighbouring district), through the
    services: four published in three issues, one rejected, one waiting; adopted at the
    district by hand, at the city through the referral path and by hand, forwarded to the
    province; two instructions on one item, one of whose tasks has written feedback."""
    office, m1, m2 = world["office"], world["member"], world["other_member"]
    a = make_opinion(m1, office=office, state=S.ACCEPTED, title="关于加装电梯的建议")
    c = make_opinion(m2, office=office, state=S.ACCEPTED, title="关于口袋公园的建议")
    services.issue_publish(organisation=world["district"], opinions=[a, c], actor=office)
    b = make_opinion(m1, office=office, state=S.PUBLISHED, title="关于公交线路的建议")
    services.opinion_report(opinion=b, actor=office, upward=True, party=True)
    referral = followups.open_referral(b)
    followups.referral_adopt(referral=referral, actor=world["city_office"])
    adopt(b, office, L.PROVINCE, M.FORWARDED)
    adopt(a, office, L.DISTRICT)
    adopt(c, office, L.DISTRICT)
    # An item of a democratic party, entered by the office, with no member author.
    f = services.opinion_create(
        organisation=world["district"],
        actor=office,
        title="关于菜市场秩序的建议",
        suggestions="建议加强管理。",
        source_type=Opinion.SourceType.PARTY,
        source_body="民盟区委会",
    )
    services.opinion_submit(opinion=f, actor=office)
    services.opinion_accept(opinion=f, actor=office)
    services.issue_publish(organisation=world["district"], opinions=[f], actor=office)
    adopt(f, office, L.CITY)
    # Written by both members: one item, not two.
    d = services.opinion_create(
        organisation=world["district"],
        actor=m1.user,
        title="关于学位供给的建议",
        suggestions="建议扩大学位。",
        authors=[m1, m2],
    )
    services.opinion_submit(opinion=d, actor=m1.user)
    e = make_opinion(m2, state=S.SUBMITTED, title="关于某内部事务的建议")
    services.opinion_reject(opinion=e, actor=office, reason="不属于社情民意范围。")
    make_opinion(m1, title="草稿不计")
    for leader in ("王书记", "李区长"):
        services.instruction_record(
            opinion=c,
            actor=office,
            leader=leader,
            level="district",
            instructed_on=timezone.localdate(),
            text="请研究落实。",
            departments=[world["dept"]],
        )
    task = Task.objects.filter(department=world["dept"]).order_by("id").first()
    followups.feedback_submit(task=task, text="已组织实施。", actor=world["clerk"])
    neighbour = member_user(world["other_district"], name="王委员")
    make_opinion(neighbour, state=S.SUBMITTED, title="邻区的信息")
    return timezone.localdate().year


EXPECTED = [
    ("收到社情民意信息", 6, None),
    ("其中：委员报送", 5, 83.3),
    ("其中：党派团体报送", 1, 16.7),
    ("其中：界别报送", 0, 0.0),
    ("其中：专门委员会报送", 0, 0.0),
    ("其中：机关工作人员报送", 0, 0.0),
    ("录用编发", 4, 66.7),
    ("已编入期刊", 4, 66.7),
    ("编发期刊（期）", 3, None),
    ("不予录用", 1, 16.7),
    ("尚在审核", 1, 16.7),
    ("报送上级政协", 1, 16.7),
    ("报送党委", 1, 16.7),
    ("报送政府", 0, 0.0),
    ("被采用", 4, 66.7),
    ("区级采用", 2, None),
    ("市级采用", 2, None),
    ("省级采用", 1, None),
    ("全国采用", 0, None),
    ("获领导批示", 1, 16.7),
    ("领导批示（件次）", 2, None),
    ("批示落实任务", 2, None),
    ("已书面反馈", 1, 50.0),
    ("其中已办结", 0, 0.0),
    ("尚未反馈", 1, 50.0),
    ("其中已超期", 0, 0.0),
]
# (level, items, standalone, forwarded)
LEVELS = [("区级", 2, 2, 0), ("市级", 2, 2, 0), ("省级", 1, 0, 1), ("全国", 0, 0, 0)]


@pytest.mark.clause("C2.9")
def test_the_summary_counts_exactly_what_the_services_did(world, known):
    s = summary.opinion_summary(world["district"], known)
    assert s.table() == EXPECTED
    assert [(r.label, r.items, r.standalone, r.forwarded) for r in s.levels] == LEVELS
    assert [(c.name, c.adopted, c.accepted) for c in s.contributors] == [
        ("张委员", 2, 2),
        ("李委员", 1, 1),
    ]
    # The city counts everything below it (the roll-up); the neighbour only its own item.
    assert summary.opinion_summary(world["city"], known).received == 7
    assert summary.opinion_summary(world["other_district"], known).table()[0] == (
        "收到社情民意信息",
        1,
        None,
    )
    assert summary.opinion_summary(world["district"], known - 1).received == 0


def test_the_summary_takes_a_fixed_number_of_queries(world, known, django_assert_max_num_queries):
    # Six, and the two content types when the process has not looked them up yet.
    with django_assert_max_num_queries(8):
        summary.opinion_summary(world["district"], known)
    # More items, members and adoptions: still the same number of queries.
    office = world["office"]
    for i, name in enumerate(["钱委员", "赵委员", "王委员甲"]):
        extra = member_user(world["district"], name=name)
        item = make_opinion(extra, office=office, state=S.PUBLISHED, title=f"补充信息{i}")
        adopt(item, office, L.NATIONAL)
    with django_assert_max_num_queries(8):
        s = summary.opinion_summary(world["district"], known)
    assert s.level(L.NATIONAL).items == 3
    # Most adopted first; as many adopted, by the strokes of the surname (王 李 赵 钱).
    assert [c.name for c in s.contributors] == ["张委员", "王委员甲", "李委员", "赵委员", "钱委员"]


@pytest.mark.clause("C2.9")
def test_the_page_and_the_pdf_say_the_same_numbers(world, known, client):
    client.force_login(world["office"])
    response = client.get(reverse("opinions:summary"), {"year": known})
    assert response.status_code == 200
    html = response.content.decode()
    assert "示范区政协" in html and f"{known}年度社情民意信息工作情况" in html
    table = table_rows(html, "summary-table")
    assert table == [
        [item, str(n), "—" if share is None else str(share)] for item, n, share in EXPECTED
    ]
    levels = table_rows(html, "summary-levels")
    assert levels == [[label, *map(str, counts)] for label, *counts in LEVELS]
    assert table_rows(html, "summary-contributors") == [
        ["1", "张委员", "2", "2"],
        ["2", "李委员", "1", "1"],
    ]
    assert "共收到社情民意信息6篇，其中委员报送5篇，党派团体报送1篇。" in html
    assert "共有4篇信息被采用，被采用率66.7%，其中区级采用2篇，市级采用2篇，省级采用1篇。" in html
    assert f'href="/opinions/summary/pdf/?year={known}"' in html

    response = client.get(reverse("opinions:summary_pdf"), {"year": known})
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    assert f"{known}年度社情民意信息工作情况" in text
    assert "共收到社情民意信息6篇，其中委员报送5篇，党派团体报送1篇。" in text
    assert "录用编发4篇，录用编发率66.7%；全年编发《社情民意》3期，编入期刊4篇。" in text
    assert "获领导批示1篇、2件次，交办落实任务2项，已书面反馈1项" in text
    for item, n, share in EXPECTED:
        assert f"{item}{n}{'—' if share is None else share}" in text
    for label, items, standalone, forwarded in LEVELS:
        assert f"{label}{items}{standalone}{forwarded}" in text
    assert "1张委员22" in text and "2李委员11" in text


@pytest.mark.clause("C2.9")
def test_the_statistics_chart_and_the_big_screen_show_the_summarys_numbers(world, known, client):
    s = summary.opinion_summary(world["district"], known)
    client.force_login(world["office"])
    html = client.get(reverse("opinions:stats"), {"year": known}).content.decode()
    assert f'href="/opinions/summary/?year={known}"' in html
    block = re.search(
        r'<script id="chart-opinion-adoption-data" type="application/json">(.*?)</script>', html
    )
    spec = json.loads(block.group(1))
    assert dict(zip(spec["labels"], spec["series"][0]["data"], strict=True)) == {
        "报送": s.received,
        "录用编发": s.accepted,
        "区级采用": 2,
        "市级采用": 2,
        "省级采用": 1,
        "全国采用": 0,
    }
    # The co-authored item is one item on the chart, not one per author.
    assert s.received == 6
    panel = screen_panel(world["office"], world["district"], known)
    assert dict(panel.figures) == {"报送": 6, "录用编发": 4, "获批示": 1}


def test_the_office_and_leaders_read_it_others_get_403(world, known, client):
    chair = user_with_role(Role.CHAIR, world["district"], full_name="区政协主席")
    client.force_login(chair)
    assert client.get(reverse("opinions:summary"), {"year": known}).status_code == 200
    for user in (world["member"].user, world["clerk"], world["party_office"]):
        client.force_login(user)
        assert client.get(reverse("opinions:summary"), {"year": known}).status_code == 403
        assert client.get(reverse("opinions:summary_pdf"), {"year": known}).status_code == 403
    # The neighbouring district's office does not read this district's summary.
    client.force_login(world["other_office"])
    query = {"year": known, "organisation": world["district"].pk}
    assert client.get(reverse("opinions:summary"), query).status_code == 403
    assert client.get(reverse("opinions:summary_pdf"), query).status_code == 403
    # The city's office reads the district's.
    client.force_login(world["city_office"])
    html = client.get(reverse("opinions:summary"), query).content.decode()
    assert "共收到社情民意信息6篇" in html
    assert f"?organisation={world['district'].pk}&amp;year={known}" in html


@pytest.mark.parametrize("year", ["abc", "1900", "20266", "２０２６"])
def test_a_bad_year_is_a_400_saying_what_is_expected(world, client, year):
    client.force_login(world["office"])
    for name in ("opinions:summary", "opinions:summary_pdf"):
        response = client.get(reverse(name), {"year": year})
        assert response.status_code == 400
        assert "年份（year）应为 1949 至 2100 之间的整数。" in response.content.decode()


def test_the_stats_and_summary_member_columns_read_member_in_english(world, known, client):
    """One member a row: the column is "Member", as in the duty lists, not the menu's "Members";
    the page, its Excel and the summary agree."""
    from openpyxl import load_workbook

    client.force_login(world["office"])
    client.cookies["django_language"] = "en"
    for name in ("opinions:stats", "opinions:summary"):
        html = client.get(reverse(name), {"year": known}).content.decode()
        heads = re.findall(r"<thead>(.*?)</thead>", html, re.S)
        assert any(">Member</th>" in h for h in heads), name
        assert not any("Members" in h for h in heads), name
    xlsx = client.get(reverse("opinions:stats"), {"year": known, "format": "xlsx"}).content
    assert load_workbook(io.BytesIO(xlsx)).worksheets[0]["A1"].value == "Member"


@pytest.mark.clause("C2.9")
def test_the_summary_says_of_which_before_the_first_source_and_level_with_items(world, client):
    """A year with no member's item: the sentence still reads "其中党派团体报送1篇"."""
    office = world["office"]
    item = services.opinion_create(
        organisation=world["district"],
        actor=office,
        title="关于菜市场秩序的建议",
        suggestions="建议加强管理。",
        source_type=Opinion.SourceType.PARTY,
        source_body="民盟区委会",
    )
    services.opinion_submit(opinion=item, actor=office)
    services.opinion_accept(opinion=item, actor=office)
    services.issue_publish(organisation=world["district"], opinions=[item], actor=office)
    adopt(item, office, L.CITY)
    client.force_login(office)
    html = client.get(reverse("opinions:summary"), {"year": item.year}).content.decode()
    assert "共收到社情民意信息1篇，其中党派团体报送1篇。" in html
    assert "共有1篇信息被采用，被采用率100.0%，其中市级采用1篇。" in html
    # In English the counts read "label: n", never "1 items".
    client.cookies["django_language"] = "en"
    html = client.get(reverse("opinions:summary"), {"year": item.year}).content.decode()
    assert "1 items" not in html
    assert "Items adopted: 1, an adoption rate of 100.0%, of which" in html
    # The appendix counts items reported, not the report form's "Report to …".
    assert "Reported to the higher-level CPPCC" in html and "Report to the" not in html


def test_the_statistics_submitted_column_reads_submitted_in_english(world, known, client):
    """报送 on the statistics is how many items were sent in, not the "Submit to" of the
    report form: the page, its chart and its Excel say "Submitted"."""
    from openpyxl import load_workbook

    client.force_login(world["office"])
    client.cookies["django_language"] = "en"
    html = client.get(reverse("opinions:stats"), {"year": known}).content.decode()
    assert "Submit to" not in html and ">Submitted</th>" in html
    xlsx = client.get(reverse("opinions:stats"), {"year": known, "format": "xlsx"}).content
    assert load_workbook(io.BytesIO(xlsx)).worksheets[0]["C1"].value == "Submitted"


@pytest.mark.parametrize(("today", "year"), [("2027-01-15", 2026), ("2027-03-01", 2027)])
def test_the_summary_opens_on_the_year_just_ended_until_february(world, client, today, year):
    import datetime as dt

    import time_machine

    day = dt.date.fromisoformat(today)
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 10), tick=False):
        client.force_login(world["office"])
        html = client.get(reverse("opinions:summary")).content.decode()
    assert f"{year}年度社情民意信息工作情况" in html


@pytest.mark.clause("C2.9")
def test_the_citys_summary_says_the_items_are_its_and_the_lower_nodes(world, known, client):
    """A city's summary counts its districts' items (the roll-up): its opening sentence says
    so, so a city's report does not claim a district's items as received by the city; a
    district's own summary reads as before."""
    client.force_login(world["city_office"])
    html = client.get(
        reverse("opinions:summary"), {"year": known, "organisation": world["city"].pk}
    ).content.decode()
    assert "及下级政协共收到社情民意信息7篇（其中下级政协7篇）" in html
    s = summary.opinion_summary(world["district"], known)
    assert s.from_lower == 0
    client.force_login(world["office"])
    html = client.get(reverse("opinions:summary"), {"year": known}).content.decode()
    assert "共收到社情民意信息6篇" in html and "下级政协" not in html
