"""Review outcomes read in English as what became of a proposal ("Rejected", "Merged",
"Returned for revision"), not as the reviewer's buttons ("Reject", "Merge"), though the
Chinese word is the same: on the figures page's overview, its review chart, its Excel, the
proposals list's status. The buttons keep their verbs; Chinese is unchanged."""

import io
import json
import re

from django.urls import reverse
from openpyxl import load_workbook

from tests.proposals.conftest import accepted, submitted
from xieshang.proposals import services
from xieshang.proposals.models import Proposal

OUTCOMES = [
    "Accepted",
    "Merged",
    "Converted to opinions",
    "Converted to social-conditions information",
    "Rejected",
    "Returned for revision",
]
VERBS = ["Accept", "Merge", "Convert to opinion", "Reject", "Return for revision"]


def every_outcome(world) -> dict[str, Proposal]:
    into = accepted(world, title="关于加装电梯的建议")
    made = {"accepted": into}
    made["merged"] = services.proposal_merge(
        proposal=submitted(world, title="关于老旧小区电梯的建议"), into=into, actor=world.reviewer
    )
    for to in (Proposal.Status.TO_OPINION, Proposal.Status.TO_INFO):
        made[to] = services.proposal_convert(
            proposal=submitted(world, title=f"关于{to}的建议"),
            to=to,
            actor=world.reviewer,
            note="不属于提案范围。",
        )
    made["rejected"] = services.proposal_reject(
        proposal=submitted(world, title="关于不予立案的建议"),
        actor=world.reviewer,
        reason="违反宪法和法律法规的",
    )
    made["returned"] = services.proposal_return(
        proposal=submitted(world, title="关于退回修改的建议"), actor=world.reviewer, note="请补充。"
    )
    return made


def headers(html: str, table_id: str) -> list[str]:
    table = html[html.index(f'id="{table_id}"') :]
    head = table[: table.index("</thead>")]
    return [
        re.sub(r"<[^>]+>|\s+", " ", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", head)
    ]


def test_the_english_figures_name_review_outcomes_as_outcomes(client, world):
    every_outcome(world)
    client.force_login(world.office)
    client.cookies["django_language"] = "en"
    url = reverse("proposals:figures") + f"?organisation={world.district.pk}"
    html = client.get(url).content.decode()
    overview = headers(html, "session-figures")
    assert all(label in overview for label in OUTCOMES), overview
    assert not set(VERBS) & set(overview), overview
    review = json.loads(re.search(r'id="chart-review-data"[^>]*>(.*?)</script>', html).group(1))
    assert review["labels"] == [*OUTCOMES[:5], "Awaiting review", "Returned for revision"]
    assert dict(zip(review["labels"], review["series"][0]["data"], strict=True))["Rejected"] == 1

    # The Excel: the overview's columns and each proposal's status and review result.
    book = load_workbook(io.BytesIO(client.get(reverse("proposals:figures_export")).content))
    overview_sheet, proposals_sheet = book.worksheets[1], book.worksheets[2]
    first = [c.value for c in next(overview_sheet.iter_rows(max_row=1))]
    assert all(label in first for label in OUTCOMES) and not set(VERBS) & set(first), first
    rows = [[c.value for c in r] for r in proposals_sheet.iter_rows()]
    rejected = dict(
        zip(rows[0], next(r for r in rows if r[1] == "关于不予立案的建议"), strict=True)
    )
    assert rejected["Status"] == rejected["Review result"] == "Rejected", rejected

    # Chinese: the same words as before.
    client.cookies["django_language"] = "zh-hans"
    html = client.get(url).content.decode()
    overview = headers(html, "session-figures")
    assert ["立案", "并案", "转意见建议", "转社情民意", "不予立案", "退回修改"] == overview[3:9]


def test_an_english_list_says_rejected_and_the_reviewers_buttons_keep_their_verbs(client, world):
    every_outcome(world)
    waiting = submitted(world, title="关于待审查的建议")
    client.force_login(world.reviewer)
    client.cookies["django_language"] = "en"
    listing = client.get("/proposals/?status=rejected").content.decode()
    assert re.findall(r'data-label="Status">([^<]+)<', listing) == ["Rejected"]
    assert ">Reject<" not in listing.split("</select>", 1)[-1]
    page = client.get(f"/proposals/{waiting.pk}/").content.decode()
    # The reviewer's actions are still what the reviewer does.
    assert re.search(r">\s*Accept\s*<", page) and re.search(r">\s*Reject\s*<", page)


def test_english_counts_and_lists_of_key_proposals_say_key_proposals(client, world):
    proposal = accepted(world)
    services.key_shortlist(proposal=proposal, actor=world.reviewer)
    client.force_login(world.office)
    client.cookies["django_language"] = "en"
    url = reverse("proposals:figures") + f"?organisation={world.district.pk}"
    assert "Key proposals" in headers(client.get(url).content.decode(), "session-figures")
    client.force_login(world.reviewer)
    page = client.get(reverse("proposals:key_list")).content.decode()
    assert re.search(r"<title>Key proposals\b", page), page[:300]
    assert re.search(r'aria-current="page"[^>]*>Key proposals<', page)
    # Chinese is unchanged.
    client.cookies["django_language"] = "zh-hans"
    assert (
        '<h1 class="h4">重点提案</h1>' in client.get(reverse("proposals:key_list")).content.decode()
    )


def test_english_history_lines_name_review_decisions_as_outcomes(client, world):
    made = every_outcome(world)
    client.force_login(world.reviewer)
    client.cookies["django_language"] = "en"
    for status, outcome in zip(
        ["accepted", "merged", "to_opinion", "to_info", "rejected", "returned"],
        OUTCOMES,
        strict=True,
    ):
        page = client.get(f"/proposals/{made[status].pk}/").content.decode()
        history = re.search(r'<ol[^>]*id="history">(.*?)</ol>', page, re.S).group(1)
        verbs = re.findall(r"· ([^(（<—]+?)\s*(?:[(（<—]|$)", history, re.M)
        assert outcome in verbs, (status, verbs)
        assert not set(VERBS) & set(verbs), (status, verbs)
