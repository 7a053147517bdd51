"""Every official PDF is laid out as offices print documents (GB/T 9704-2012), measured from
the PDF itself: A4, the 版心 156 x 225 mm at 28 mm from the left and 37 mm from the top, 28
characters a line, the page number "— 1 —" under the 版心 on the right of odd pages and the
left of even ones, and the signature on the page of the last paragraph.

Each document type is built once through its own helper or view with factories; add a type
by adding a builder to DOCUMENTS."""

import datetime as dt
import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from xieshang.core.text import chinese_date

MM = 72 / 25.4  # points per millimetre
A4 = (595.28, 841.89)
LEFT, TOP, BOTTOM = 28.0, 37.0, 297.0 - 35.0  # the 版心, mm from the page's left and top
LINE = 225 / 22  # mm a line
# 70 characters without punctuation: the line breaks only where the line is full.
LONG = "政协委员深入基层倾听群众呼声" * 5
PAGE_NUMBER = re.compile(r"—\s*(\d+)\s*—")
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Run:
    page: int  # 1-based
    x: float  # mm from the left edge
    y: float  # baseline, mm from the top edge
    size: float  # pt
    text: str


@dataclass
class Measured:
    reader: PdfReader
    runs: list[Run]

    def page_text(self, page: int) -> str:
        return "".join("".join(r.text.split()) for r in self.runs if r.page == page)

    def page_numbers(self) -> list[Run]:
        return [r for r in self.runs if PAGE_NUMBER.fullmatch(r.text.strip())]

    def body(self) -> list[Run]:
        return [r for r in self.runs if not PAGE_NUMBER.fullmatch(r.text.strip())]


def measure(content: bytes) -> Measured:
    reader = PdfReader(io.BytesIO(content))
    runs: list[Run] = []
    for number, page in enumerate(reader.pages, 1):
        height = float(page.mediabox.height)

        def visit(text, cm, tm, font_dict, font_size, number=number, height=height):
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            size = font_size * tm[0] * cm[0]
            runs.append(Run(number, x / MM, (height - y) / MM, size, text))

        page.extract_text(visitor_text=visit)
    return Measured(reader, runs)


# --- The documents ------------------------------------------------------------------------


@dataclass
class Doc:
    build: Callable  # (client) -> PDF bytes
    long_paragraph: bool = True  # carries LONG as a paragraph of body text
    file_format: bool = False  # a 发文 document: masthead 35 mm down the 版心
    closing: str = ""  # the end of the last paragraph, kept with the signature
    signature: Callable | None = None  # () -> issuer + date as printed, in one string
    pages: int = 1  # at least
    inset: float = 0  # mm: a document of tables alone starts inside the cells' padding


def _answer_letter(client):
    from tests.proposals.conftest import World
    from tests.proposals.test_pdf_letter import answered
    from xieshang.proposals import pdf

    answer = answered(World())
    answer.text = "\n".join([LONG] * 12)
    answer.save(update_fields=["text"])
    return pdf.answer_letter(answer)


def _proposal_sheet(client):
    from tests.proposals.conftest import World, submitted
    from xieshang.proposals import pdf

    proposal = submitted(World(), facts="\n".join([LONG] * 3), suggestions=LONG)
    return pdf.proposal_sheet(proposal)


def _plan(client):
    from tests.consultation.conftest import World
    from xieshang.consultation.pdf import plan_pdf

    world = World()
    plan = world.passing_plan()
    plan.preface = "\n".join([LONG] * 3)
    plan.save(update_fields=["preface"])
    return plan_pdf(world.publish(plan))


def _issue(client):
    from tests.factories import make_org, user_with_role
    from tests.opinions.factories import make_opinion, member_user
    from xieshang.opinions.models import Opinion
    from xieshang.orgs.models import Level, Role

    city = make_org("示范市政协", Level.CITY)
    district = make_org("示范区政协", Level.DISTRICT, parent=city)
    office = user_with_role(Role.OFFICE, district)
    member = member_user(district, name="张委员")
    first = make_opinion(member, office=office, state=Opinion.Status.ACCEPTED, facts=LONG)
    second = make_opinion(
        member, office=office, state=Opinion.Status.ACCEPTED, title="关于农贸市场改造的建议"
    )
    client.force_login(office)
    assert (
        client.post("/opinions/issues/new/", {"opinions": [first.pk, second.pk]}).status_code == 302
    )
    first.refresh_from_db()
    return client.get(f"/opinions/issues/{first.issue_id}/pdf/").content


def _decision(client):
    from tests.duty.test_awards import World as AwardsWorld
    from tests.duty.test_awards import Y
    from xieshang.duty import awards

    world = AwardsWorld()
    cands = awards.candidates(world.org, Y)
    picks = [(t, cs[0].ref, "") for t, cs in cands.items()]
    com = awards.commendation_propose(
        organisation=world.org, year=Y, picks=picks, actor=world.office, version=None
    )
    awards.commendation_submit(commendation=com, actor=world.office)
    awards.commendation_approve(commendation=com, actor=world.chair)
    awards.commendation_publish(
        commendation=com, actor=world.office, doc_number="示政协发〔2026〕3号"
    )
    client.force_login(world.office)
    return client.get(reverse("duty:commendation_document", args=[com.pk])).content


def _certificate(client):
    from tests.duty.factories import YEAR, record, setting
    from xieshang.duty.models import DutyKind

    _org, _term, _office, member = setting()
    for month in range(1, 13):
        record(member, DutyKind.INSPECTION, date=dt.date(YEAR, month, 9), title="河湖长制视察")
    client.force_login(member.user)
    return client.post(
        reverse("duty:certificate"), {"start_date": f"{YEAR}-01-01", "end_date": f"{YEAR}-12-31"}
    ).content


def _annual_report(client):
    from tests.duty.factories import YEAR, record, setting
    from xieshang.duty.models import DutyKind

    _org, _term, _office, member = setting()
    day = dt.date(YEAR - 1, 3, 2)
    record(member, DutyKind.PLENARY_HALF_DAY, date=day, quantity=4, title="区政协全体会议")
    record(member, DutyKind.INSPECTION, date=day, title="河湖长制视察")
    client.force_login(member.user)
    return client.get(reverse("duty:my_report"), {"year": YEAR - 1}).content


def _roster(client):
    from tests.nominations.factories import nominate, open_round, world

    w = world()
    r = open_round(w)
    for name in ["王五", "丁一", "马六"]:
        nominate(w, r, "无党派", name)
    client.force_login(w.orgdept)
    return client.get(f"/nominations/{r.pk}/roster.pdf").content


def _work_report(client):
    from tests.factories import make_org
    from xieshang.proposals.report import report_pdf_bytes, work_report

    return report_pdf_bytes(work_report(make_org(), 2026))


def _opinion_summary(client):
    from tests.factories import make_org
    from xieshang.opinions.summary import opinion_summary
    from xieshang.opinions.views_summary import summary_pdf_bytes

    return summary_pdf_bytes(opinion_summary(make_org(), 2026))


def _consultation_summary(client):
    summary = pytest.importorskip("xieshang.consultation.summary")
    views = pytest.importorskip("xieshang.consultation.views_summary")
    from tests.factories import make_org

    return views.summary_pdf_bytes(summary.work_report(make_org(), 2026))


def _assessment(client):
    from tests.factories import make_org, user_with_role
    from xieshang.orgs.models import Role

    client.force_login(user_with_role(Role.SUPERVISOR, make_org()))
    return client.get("/followups/assessment/?year=2026&format=pdf").content


def _today_signed(issuer="示范区政协"):
    return lambda: issuer + chinese_date(timezone.localdate())


DOCUMENTS = {
    "answer_letter": Doc(
        _answer_letter,
        closing="欢迎继续提出宝贵意见。",
        signature=lambda: "区住房和城乡建设局2026年3月2日",
        pages=2,
    ),
    "proposal_sheet": Doc(_proposal_sheet),
    "consultation_plan": Doc(
        _plan,
        file_format=True,
        closing="附件：示范区政协2027年度协商工作计划",
        signature=lambda: "中共示范区委员会办公室2026年11月20日",
        pages=2,
    ),
    "opinions_issue": Doc(_issue),
    "awards_decision": Doc(
        _decision,
        long_paragraph=False,
        file_format=True,
        closing="作出新的贡献。",
        signature=_today_signed(),
    ),
    "duty_certificate": Doc(
        _certificate,
        long_paragraph=False,
        closing="请所在单位予以支持。",
        signature=_today_signed(),
    ),
    "duty_annual_report": Doc(_annual_report, long_paragraph=False, signature=_today_signed()),
    "nominations_roster": Doc(_roster, long_paragraph=False, signature=_today_signed()),
    "proposals_work_report": Doc(_work_report, long_paragraph=False, signature=_today_signed()),
    "opinions_summary": Doc(_opinion_summary, long_paragraph=False, signature=_today_signed()),
    "consultation_summary": Doc(
        _consultation_summary, long_paragraph=False, signature=_today_signed()
    ),
    "followups_assessment": Doc(
        _assessment, long_paragraph=False, inset=2, signature=_today_signed()
    ),
}


@pytest.fixture(scope="module")
def rendered():
    """Each document rendered once for the whole module (the database rows behind it are
    rolled back after the test that built it; the PDF bytes stay)."""
    return {}


@pytest.fixture
def document(request, rendered, db, client):
    kind = request.param
    if kind not in rendered:
        content = DOCUMENTS[kind].build(client)
        assert content[:5] == b"%PDF-", kind
        if dump := os.environ.get("XS_PDF_DUMP"):  # to look at them: a folder
            Path(dump, f"{kind}.pdf").write_bytes(content)
        rendered[kind] = measure(content)
    return DOCUMENTS[kind], rendered[kind]


each_document = pytest.mark.parametrize("document", list(DOCUMENTS), indirect=True)


# --- The checks ---------------------------------------------------------------------------


@each_document
def test_pages_are_a4_and_say_which_fonts_were_used(document):
    doc, m = document
    assert len(m.reader.pages) >= doc.pages
    for page in m.reader.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A4, abs=1)
    assert m.reader.metadata.subject.startswith("字体：")


@each_document
def test_text_starts_at_the_left_edge_and_top_of_the_text_area(document):
    doc, m = document
    body = m.body()
    assert min(r.x for r in body) == pytest.approx(LEFT + doc.inset, abs=1.5)
    assert max(r.y for r in body) < BOTTOM + 0.5  # nothing but the page number below
    first_page = [r for r in body if r.page == 1]
    top = min(r.y for r in first_page)
    masthead_top = TOP + 35 if doc.file_format else TOP
    assert masthead_top < top <= masthead_top + 20, top
    for page in range(2, len(m.reader.pages) + 1):
        runs = [r for r in body if r.page == page]
        if any(r.y < BOTTOM - 40 for r in runs):  # not a page of the 版记 alone
            # The first line of a following page is the first line of the 版心.
            assert TOP < min(r.y for r in runs) <= TOP + LINE + 0.5, page


@each_document
def test_a_line_of_body_text_holds_28_characters(document):
    doc, m = document
    lines: dict[tuple[int, float], str] = {}
    for r in m.body():
        if abs(r.size - 16) < 0.5:
            key = (r.page, round(r.y, 1))
            lines[key] = lines.get(key, "") + r.text
    counts = [len(CJK.findall(text)) for text in lines.values()]
    assert max(counts) <= 28
    if doc.long_paragraph:
        # The paragraph of 70 characters: 26 after the two-character indent, then 28.
        from_long = [len(t.strip()) for t in lines.values() if t.strip() in LONG * 2]
        assert 26 in from_long and 28 in from_long, from_long


@each_document
def test_page_numbers_sit_under_the_text_area_right_on_odd_pages_left_on_even(document):
    doc, m = document
    numbers = m.page_numbers()
    assert [int(PAGE_NUMBER.search(r.text).group(1)) for r in numbers][:2] == list(
        range(1, min(len(m.reader.pages), 2) + 1)
    )
    for run in numbers:
        assert BOTTOM + 7 < run.y < BOTTOM + 7 + 10, run  # 7 mm below the 版心
        assert abs(run.size - 14) < 0.5  # 4号
        if run.page % 2:
            assert run.x > 105, run  # right half: odd page
        else:
            assert run.x == pytest.approx(LEFT + 14 / MM, abs=1.5), run  # one character in


@each_document
def test_the_signature_stays_on_the_page_of_the_last_paragraph(document):
    doc, m = document
    if not doc.closing and doc.signature is None:
        pytest.skip("no signature")
    pages = range(1, len(m.reader.pages) + 1)
    if doc.closing:
        closing_pages = [p for p in pages if doc.closing in m.page_text(p)]
        assert closing_pages, doc.closing
    if doc.signature is not None:
        # The issuer and the date, not the 印发 line of the 版记 that repeats them.
        signature = re.compile(re.escape(doc.signature()) + "(?!印发)")
        signed = [p for p in pages if signature.search(m.page_text(p))]
        assert signed, doc.signature()
        if doc.closing:
            assert signed[-1] == closing_pages[-1]
