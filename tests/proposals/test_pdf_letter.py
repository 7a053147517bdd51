"""The answer letter (答复函) as a real PDF in official-document layout, and who may read it."""

import datetime as dt
import io
from urllib.parse import unquote

import pytest
import time_machine
from pypdf import PdfReader

from tests.factories import DepartmentFactory, user_with_role
from tests.proposals.conftest import accepted
from tests.proposals.test_department_pages import (
    ANSWER_POST,
    ASSIGN_DAY,
    assigned,
    co_of,
    lead_of,
)
from xieshang.core import pdf as core_pdf
from xieshang.orgs.models import Role
from xieshang.proposals import pdf, services
from xieshang.proposals.models import Answer

A4_POINTS = (595.28, 841.89)


def answered(world, **kwargs) -> Answer:
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, **kwargs)
        return services.answer_submit(
            assignment=lead_of(proposal), actor=world.housing_clerk, **ANSWER_POST
        )


def read(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    # Lines break anywhere in Chinese text: compare without the line breaks.
    return reader, "".join(text.split())


@pytest.mark.clause("C4.6")
def test_it_renders_the_answer_letter_as_an_a4_pdf_with_its_particulars(client, world):
    answer = answered(world, cosigners=["wang"])
    proposal = answer.assignment.proposal
    client.force_login(world.housing_clerk)
    response = client.get(f"/proposals/dept/answers/{answer.pk}/letter.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    reader, text = read(response.content)
    for expected in (
        proposal.number,  # 2026年平时提案第0001号
        proposal.title,
        "已解决或基本解决",  # the label of category A
        "签发人：王局长",
        "2026年3月2日",
        "区住房和城乡建设局",  # masthead and issuing body
        "区住建函〔2026〕12号",
        "张丽华委员、王建国委员：",
        "设立每部电梯15万元的财政补贴",
        "联系人：赵经办，联系电话：0571-12345678",
    ):
        assert expected in text, expected
    assert proposal.number == "2026年平时提案第0001号"
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width, 2), round(height, 2)) == A4_POINTS


def test_it_lets_the_department_proposers_and_committee_read_the_letter_and_nobody_else(
    client, world
):
    answer = answered(world, cosigners=["wang"])
    url = f"/proposals/dept/answers/{answer.pk}/letter.pdf"
    for user in (world.housing_clerk, world.user("zhang"), world.user("wang"), world.reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 200, user
    for user in (world.education_clerk, world.user("li"), world.other_reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    assert client.get("/proposals/dept/answers/999999/letter.pdf").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def answered_with_co_handlers(world, *, views=(), returns=(), pending=()) -> Answer:
    """住建局 answers a proposal whose co-handlers sent their view (`views`), sent it back
    as not their job (`returns`) or have not answered yet (`pending`)."""
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = accepted(world)
        co = {
            name: DepartmentFactory(organisation=world.district, name=name)
            for name in (*views, *returns, *pending)
        }
        lead, *co_rows = services.proposal_assign(
            proposal=proposal, actor=world.reviewer, lead=world.housing, co=list(co.values())
        )
        for name, row in zip(co, co_rows, strict=True):
            clerk = user_with_role(Role.DEPARTMENT, world.district, department=co[name])
            if name in views:
                services.co_view_submit(assignment=row, actor=clerk, text=f"{name}的意见")
            elif name in returns:
                services.assignment_return(assignment=row, actor=clerk, reason="不属本单位职责")
        return services.answer_submit(assignment=lead, actor=world.housing_clerk, **ANSWER_POST)


@pytest.mark.clause("C4.6")
def test_the_letter_names_only_the_co_handlers_that_sent_their_view(world):
    answer = answered_with_co_handlers(
        world, views=["区财政局"], returns=["区民政局"], pending=["区交通运输局"]
    )
    _, text = read(pdf.answer_letter(answer))
    assert "收悉。经商区财政局，现答复如下：" in text
    assert "区民政局" not in text and "区交通运输局" not in text


@pytest.mark.clause("C4.6")
def test_the_letter_says_nothing_of_consulting_when_no_co_handler_sent_its_view(world):
    answer = answered_with_co_handlers(world, returns=["区民政局"], pending=["区交通运输局"])
    _, text = read(pdf.answer_letter(answer))
    assert "经商" not in text
    assert "收悉。现答复如下：" in text


def test_it_names_the_co_handler_and_gives_the_file_a_chinese_name(world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=True)
        services.co_view_submit(
            assignment=co_of(proposal), actor=world.education_clerk, text="建议统筹推进"
        )
        answer = services.answer_submit(
            assignment=lead_of(proposal), actor=world.housing_clerk, **ANSWER_POST
        )
    _, text = read(pdf.answer_letter(answer))
    assert "经商区教育局" in text
    assert (
        pdf.answer_letter_filename(answer) == "答复函-2026年平时提案第0001号-区住房和城乡建设局.pdf"
    )


def test_render_pdf_refuses_to_fetch_anything_outside_the_apps_static_files():
    fetcher = core_pdf._url_fetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("http://example.com/logo.png")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    css = (core_pdf.STATIC_DIR / "xs" / "site.css").as_uri()
    assert fetcher.fetch(css).read()


@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))
def test_the_letter_stays_chinese_when_the_user_browses_in_english(client, world):
    answer = answered(world)
    client.force_login(world.housing_clerk)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get(f"/proposals/dept/answers/{answer.pk}/letter.pdf")
    _, text = read(response.content)
    assert "现答复如下" in text


def test_the_letter_greets_once_when_the_clerks_text_opens_with_its_own_greeting(world):
    answer = answered(world, cosigners=["wang"])
    answer.text = "尊敬的张丽华委员、王建国委员：\n一、已将老旧小区加装电梯纳入年度民生实事。"
    _, text = read(pdf.answer_letter(answer))
    assert text.count("委员：") == 1
    assert "尊敬的张丽华委员、王建国委员：您提出的" in text
    # A first line ending in a colon that is no greeting stays in the text, after the
    # letter's own greeting and opening. (A lead-in of the clerk's own, 现将办理情况答复如下：,
    # repeats the letter's and is left out: tests/proposals/test_letter_wording.py.)
    answer.text = "关于简化加装电梯审批流程：\n一、已纳入年度民生实事。"
    _, text = read(pdf.answer_letter(answer))
    assert "张丽华委员、王建国委员：您提出的" in text
    assert "现答复如下：关于简化加装电梯审批流程：一、已纳入年度民生实事。" in text


@pytest.mark.clause("C4.6")
def test_a_co_handlers_view_sent_after_the_answer_is_not_claimed_in_the_letter(world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=True)
        answer = services.answer_submit(
            assignment=lead_of(proposal), actor=world.housing_clerk, **ANSWER_POST
        )
    with time_machine.travel(ASSIGN_DAY + dt.timedelta(days=3), tick=False):
        services.co_view_submit(
            assignment=co_of(proposal), actor=world.education_clerk, text="迟到的意见"
        )
    _, text = read(pdf.answer_letter(answer))
    assert "经商" not in text


@pytest.mark.clause("C4.6")
def test_a_draft_waiting_for_sign_off_is_marked_and_carries_no_signer_or_date(client, world):
    leader = user_with_role(
        Role.DEPARTMENT_LEADER, world.district, department=world.housing, full_name="王局长"
    )
    answer = answered(world)
    assert answer.sent_at is None  # waits for the leader
    client.force_login(world.housing_clerk)
    response = client.get(f"/proposals/dept/answers/{answer.pk}/letter.pdf")
    assert response.status_code == 200
    _, text = read(response.content)
    assert "待签发稿" in text and "待单位负责人签发，未送达" in text
    assert "签发人" not in text and "2026年3月2日" not in text
    assert "设立每部电梯15万元的财政补贴" in text  # the draft is there to be read
    assert "待签发稿" in unquote(response["Content-Disposition"])

    # Signed off, the letter is the real one: signer and date, and no mark.
    with time_machine.travel(ASSIGN_DAY + dt.timedelta(days=1), tick=False):
        services.answer_sign_off(answer=answer, actor=leader, expected_version=answer.version)
    response = client.get(f"/proposals/dept/answers/{answer.pk}/letter.pdf")
    _, text = read(response.content)
    assert "签发人：王局长" in text and "2026年3月3日" in text
    assert "待签发" not in text and "未送达" not in text
    assert "待签发稿" not in unquote(response["Content-Disposition"])


def test_the_outcome_line_stays_whole_beside_a_long_document_number(world):
    """办理结果 with a long category beside 区住建函〔2026〕88号: the category is not broken
    mid-phrase beside the number; the number goes below, flush right."""
    answer = answered(world)
    answer.category, answer.doc_number = "B", "区住建函〔2026〕188号"
    answer.save(update_fields=["category", "doc_number"])
    reader = PdfReader(io.BytesIO(pdf.answer_letter(answer)))
    lines = [line.strip() for line in reader.pages[0].extract_text().splitlines()]
    assert "办理结果：B类（正在解决或已列入计划）" in lines, lines[:6]
    assert "区住建函〔2026〕188号" in lines, lines[:6]
