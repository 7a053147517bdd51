"""提案工作情况报告 (C4.6): the report's table is reproduced exactly from proposals driven
through the services, the PDF says the same, and the figures page charts the same numbers."""

import io
import json
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.proposals.conftest import accepted, submitted
from xieshang.orgs import config
from xieshang.proposals import report, rules, services
from xieshang.proposals.models import Proposal, Rating

S = Proposal.Status
pytestmark = [pytest.mark.clause("C4.6"), pytest.mark.clause("C2.9")]


def answered_with(world, category, dept=None, clerk=None, **kwargs):
    proposal = accepted(world, **kwargs)
    (lead,) = services.proposal_assign(
        proposal=proposal, actor=world.reviewer, lead=dept or world.housing
    )
    answer = services.answer_submit(
        assignment=lead,
        actor=clerk or world.housing_clerk,
        category=category,
        text="已研究落实。",
        signed_by="王局长",
        contact_person="赵科长",
        contact_phone="0571-8888",
    )
    return proposal, answer


def evaluate(world, answer, result, key="zhang"):
    services.evaluation_submit(
        answer=answer,
        actor=world.user(key),
        process=Rating.SATISFIED,
        result=result,
        comment="" if result != Rating.UNSATISFIED else "未解决。",
    )


@pytest.fixture
def known(world):
    """Ten proposals of the year with known outcomes, all through the services."""
    submitted(world, title="关于增设社区养老食堂的建议")  # still in review
    open_one = accepted(world, title="关于优化公交线路的建议")  # accepted, not yet answered
    _p, a1 = answered_with(world, "A", title="关于加装电梯的建议")
    _p, a2 = answered_with(world, "A", title="关于改造老旧管网的建议")
    _p, b1 = answered_with(
        world, "B", world.education, world.education_clerk, title="关于扩大学位供给的建议"
    )
    answered_with(world, "C", title="关于建设口袋公园的建议")
    evaluate(world, a1, Rating.SATISFIED)
    evaluate(world, a2, Rating.BASICALLY)
    evaluate(world, b1, Rating.UNSATISFIED)
    merged = submitted(world, title="关于公交线路优化的建议")
    services.proposal_merge(proposal=merged, into=open_one, actor=world.reviewer)
    to_opinion = submitted(world, title="关于改进办事窗口的建议")
    services.proposal_convert(
        proposal=to_opinion, to=S.TO_OPINION, actor=world.reviewer, note="宜作意见建议。"
    )
    to_info = submitted(world, title="关于菜市场秩序的建议")
    services.proposal_convert(
        proposal=to_info, to=S.TO_INFO, actor=world.reviewer, note="宜作社情民意。"
    )
    rejected = submitted(world, title="关于某党派内部事务的建议")
    reason = config.get(world.district, rules.REJECT_REASONS)[3]
    services.proposal_reject(proposal=rejected, actor=world.reviewer, reason=reason)
    services.key_shortlist(proposal=open_one, actor=world.reviewer)
    services.key_approve(proposal=open_one, actor=world.chair, leading_leader="陈副主席")
    return open_one.year


EXPECTED = [
    ("收到提案", 10, None),
    ("经审查立案", 5, 50.0),
    ("并案处理", 1, 10.0),
    ("转为意见建议", 1, 10.0),
    ("转为社情民意信息", 1, 10.0),
    ("不予立案", 1, 10.0),
    ("尚在审查", 1, 10.0),
    ("退回修改", 0, 0.0),
    ("已答复", 4, 80.0),
    ("A类答复（已解决或基本解决）", 2, 50.0),
    ("B类答复（正在解决或已列入计划）", 1, 25.0),
    ("C类答复（因条件限制留作参考）", 1, 25.0),
    ("满意和基本满意评价", 2, 66.7),
    ("重点提案", 1, 20.0),
]


def test_the_report_table_is_reproduced_exactly_from_the_records(world, known):
    # The city above sees the district's proposals too (the roll-up, C2.9).
    for org in (world.district, world.city):
        assert report.work_report(org, known).table() == EXPECTED
    assert report.work_report(world.other_district, known).table()[0] == ("收到提案", 0, None)


def test_the_report_takes_a_fixed_number_of_queries(world, known, django_assert_num_queries):
    # The figures (this year: counted live) and the key proposals in two queries (the own
    # level's organisations, then their key proposals: not a scan of every proposal below).
    with django_assert_num_queries(11):
        r = report.work_report(world.district, known)
        r.table()
        keys = r.key_proposals
    assert [p.title for p in keys] == ["关于优化公交线路的建议"]


def test_the_page_and_the_pdf_say_the_same_numbers(world, known, client):
    client.force_login(world.office)
    query = {"organisation": world.district.pk, "year": known}
    page = client.get(reverse("proposals:work_report"), query).content.decode()
    assert "共收到提案10件。经审查，立案5件，占50.0%" in page
    assert "已答复4件，占立案总数的80.0%" in page
    assert "（陈副主席领办）" in page
    response = client.get(reverse("proposals:work_report_pdf"), query)
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    assert f"关于{known}年度提案工作情况的报告" in text
    assert "共收到提案10件" in text and "立案5件，占50.0%" in text
    assert "A类（已解决或基本解决）2件" in text
    assert "提案人对办理结果表示满意和基本满意的占66.7%" in text
    for item, n, share in EXPECTED:
        assert f"{item}{n}{share if share is not None else '—'}" in text


def test_the_figures_page_charts_the_reports_numbers(world, known, client):
    client.force_login(world.office)
    html = client.get(
        reverse("proposals:figures"), {"organisation": world.district.pk, "year": known}
    ).content.decode()
    block = re.search(
        r'<script id="chart-review-data" type="application/json">(.*?)</script>', html
    )
    spec = json.loads(block.group(1))
    assert dict(zip(spec["labels"], spec["series"][0]["data"], strict=True)) == {
        "立案": 5,
        "并案": 1,
        "转意见建议": 1,
        "转社情民意": 1,
        "不予立案": 1,
        "待审查": 1,
        "退回修改": 0,
    }
    # The canvas is labelled with the summary; the numbers are in a table as well.
    assert 'role="img" aria-label="审查结果：共10件，其中立案最多，为5件。"' in html
    assert "<summary>查看数据表</summary>" in html
    categories = re.search(
        r'<script id="chart-categories-data" type="application/json">(.*?)</script>', html
    )
    assert json.loads(categories.group(1))["series"][0]["data"] == [2, 1, 1]
    # Received per category and per month come from one grouped query of the same records.
    months = re.search(
        r'<script id="chart-proposal-months-data" type="application/json">(.*?)</script>', html
    )
    assert sum(json.loads(months.group(1))["series"][0]["data"]) == 10
    # Every proposal here is 张丽华's, who sits for the China Democratic League.
    parties = re.search(
        r'<script id="chart-proposal-parties-data" type="application/json">(.*?)</script>', html
    )
    spec = json.loads(parties.group(1))
    assert dict(zip(spec["labels"], spec["series"][0]["data"], strict=True)) == {"中国民主同盟": 10}


def test_the_pdfs_signature_never_stands_alone_on_its_last_page(world, known, client):
    """GB/T 9704: the 落款 shares its page with the last paragraph. Each key proposal adds a
    line to the report, so one of these lengths once pushed the signature alone onto a new
    page."""
    client.force_login(world.office)
    query = {"organisation": world.district.pk, "year": known}
    for n in range(8):
        proposal = accepted(world, title=f"关于进一步完善第{n + 1}个街道社区居家养老服务设施的建议")
        services.key_shortlist(proposal=proposal, actor=world.reviewer)
        services.key_approve(proposal=proposal, actor=world.chair, leading_leader="陈副主席")
        response = client.get(reverse("proposals:work_report_pdf"), query)
        pages = PdfReader(io.BytesIO(response.content)).pages
        last = re.sub(r"\s+", "", pages[-1].extract_text())
        assert "满意率为" in last, (n, len(pages), last)
        # The figures table is set closer than the text: with its note and the signature it
        # follows the text onto the next page, not onto a page of its own and then a third.
        assert len(pages) == 2, (n, len(pages))


@pytest.mark.parametrize(
    ("today", "year"),
    [("2027-01-15", 2026), ("2027-02-28", 2026), ("2027-03-01", 2027), ("2026-12-06", 2026)],
)
def test_the_report_opens_on_the_year_just_ended_until_february(world, client, today, year):
    """Written for the plenary session early in the year: in January and February the
    report opens on the year just ended, not on the new year's few weeks; a year asked for
    is shown as asked."""
    import datetime as dt

    import time_machine

    day = dt.date.fromisoformat(today)
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 10), tick=False):
        client.force_login(world.office)
        page = client.get(reverse("proposals:work_report")).content.decode()
        assert f"{year}年度" in page.split("<h1", 1)[1].split("</h1>", 1)[0]
        asked = client.get(reverse("proposals:work_report"), {"year": day.year}).content.decode()
        assert f"{day.year}年度" in asked.split("<h1", 1)[1].split("</h1>", 1)[0]


def test_the_report_table_reads_as_counts_in_english(world, known, client):
    """The table's rows count proposals: "Rejected", "Returned for revision", not the review
    buttons' "Reject" and "Return for revision"; the PDF stays Chinese."""
    client.force_login(world.office)
    client.cookies["django_language"] = "en"
    query = {"organisation": world.district.pk, "year": known}
    page = client.get(reverse("proposals:work_report"), query).content.decode()
    cells = re.findall(r"<td[^>]*>([^<]+)</td>", page)
    for label in (
        "Converted to social-conditions information",
        "Rejected",
        "Returned for revision",
        "Key proposals",
    ):
        assert label in cells, label
    assert "Reject" not in cells and "Return for revision" not in cells


def test_a_year_without_proposals_prints_no_zero_percentages(world, client):
    """A year with nothing received (an empty year, the next one) says so in its text, not
    "立案0件，占0%" or "占立案总数的0%": a share of nothing is no percentage, as the table's
    "—" says; a year with proposals still all in review gives no answered share either."""
    client.force_login(world.office)
    query = {"organisation": world.district.pk, "year": 2031}
    page = client.get(reverse("proposals:work_report"), query).content.decode()
    assert "2031年度，示范区政协尚未收到提案。" in page
    assert "占0%" not in page and "占立案总数的" not in page
    response = client.get(reverse("proposals:work_report_pdf"), query)
    text = re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    )
    assert "尚未收到提案" in text and "占0%" not in text

    year = submitted(world, title="关于增设社区养老食堂的建议").year
    page = client.get(
        reverse("proposals:work_report"), {"organisation": world.district.pk, "year": year}
    ).content.decode()
    assert "共收到提案1件。经审查，立案0件，占0.0%" in page
    assert "尚无立案的提案。" in page and "占立案总数的" not in page


def test_the_reports_default_category_labels_are_in_the_readers_language(world, known, client):
    """In English the page names the default answer categories in English; the PDF, an
    official document, names them in Chinese whatever the clerk browses in (a tester's
    report read "A类（Solved or largely solved）45件"); an organisation's own labels stay as
    it typed them."""
    client.force_login(world.office)
    client.cookies["django_language"] = "en"
    query = {"organisation": world.district.pk, "year": known}
    page = client.get(reverse("proposals:work_report"), query).content.decode()
    assert "Kept for reference owing to present constraints" in page
    assert "因条件限制留作参考" not in page and "已解决或基本解决" not in page
    response = client.get(reverse("proposals:work_report_pdf"), query)
    text = re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    )
    assert "A类（已解决或基本解决）2件" in text
    assert "C类答复（因条件限制留作参考）1" in text
    assert "Solved" not in text and "reference" not in text
    # The page asked afterwards is still in the clerk's language.
    page = client.get(reverse("proposals:work_report"), query).content.decode()
    assert "Kept for reference owing to present constraints" in page
    config.set_value(
        world.district,
        rules.OUTCOME_CATEGORIES,
        [["A", "已办结"], ["B", "列入计划"], ["C", "留作参考"]],
        actor=world.office,
    )
    page = client.get(reverse("proposals:work_report"), query).content.decode()
    assert "已办结" in page and "留作参考" in page
