"""The answer letter writes its own opening (您提出的《…》收悉。…现答复如下：) and closing
thanks around the clerk's text. A clerk who typed a whole letter got each twice; the
answer form now says what the letter adds, and the letter leaves the clerk's own opening
and closing out. The answer after 重新办理 says it is one, instead of reading like the
first."""

import io

from pypdf import PdfReader

from tests.proposals.conftest import accepted
from xieshang.proposals import pdf, services
from xieshang.proposals.forms_department import AnswerForm
from xieshang.proposals.models import Rating

WHOLE_LETTER = "\n".join(
    [
        "尊敬的张丽华委员：",
        "您提出的《关于加快老旧小区加装电梯的建议》（2026年平时提案第0001号）收悉。"
        "经研究，现答复如下：",
        "一、已将老旧小区加装电梯纳入年度民生实事。",
        "二、设立每部电梯15万元的财政补贴。感谢您对住房和城乡建设工作的关心和支持！",
        "特此答复。",
    ]
)


def letter_text(answer) -> str:
    reader = PdfReader(io.BytesIO(pdf.answer_letter(answer)))
    # Lines break anywhere in Chinese text: compare without the line breaks.
    return "".join("".join(page.extract_text() for page in reader.pages).split())


def answer(world, assignment, text):
    return services.answer_submit(
        assignment=assignment,
        actor=world.housing_clerk,
        category="B",
        text=text,
        signed_by="王局长",
        contact_person="赵经办",
        contact_phone="0571-12345678",
    )


def test_a_letter_typed_whole_greets_opens_and_closes_once(world):
    proposal = accepted(world)
    (lead,) = services.proposal_assign(proposal=proposal, actor=world.reviewer, lead=world.housing)
    text = letter_text(answer(world, lead, WHOLE_LETTER))
    assert text.count("尊敬的张丽华委员") == 1
    assert text.count("收悉") == 1 and text.count("现答复如下") == 1
    assert "经研究" not in text
    assert text.count("感谢") == 1  # the letter's own closing
    assert "感谢您对我们工作的关心和支持，欢迎继续提出宝贵意见。" in text
    assert "特此答复" not in text
    # The answer itself is all there, the sentence before the thanks too.
    assert "一、已将老旧小区加装电梯纳入年度民生实事。" in text
    assert "二、设立每部电梯15万元的财政补贴。" in text
    assert "现答复如下：一、已将老旧小区加装电梯" in text


def test_a_lead_in_of_the_clerks_own_is_left_out(world):
    proposal = accepted(world)
    (lead,) = services.proposal_assign(proposal=proposal, actor=world.reviewer, lead=world.housing)
    text = letter_text(answer(world, lead, "现将办理情况答复如下：\n一、已纳入年度民生实事。"))
    assert "现将办理情况答复如下" not in text
    assert "收悉。现答复如下：一、已纳入年度民生实事。" in text


def test_the_answer_form_says_what_the_letter_adds():
    help_text = str(AnswerForm(categories={"A": "已解决"}).fields["text"].help_text)
    assert "只写答复正文" in help_text
    assert "收悉" in help_text and "致谢" in help_text


def test_the_answer_after_rehandling_says_so(world):
    proposal = accepted(world)
    (lead,) = services.proposal_assign(proposal=proposal, actor=world.reviewer, lead=world.housing)
    first = answer(world, lead, "一、已将老旧小区加装电梯纳入年度民生实事。")
    services.evaluation_submit(
        answer=first,
        actor=world.user("zhang"),
        process=Rating.SATISFIED,
        result=Rating.UNSATISFIED,
        comment="补贴标准过低。",
    )
    (again,) = services.proposal_rehandle(
        proposal=proposal, actor=world.reviewer, note="请研究提高补贴标准。"
    )
    second = answer(world, again, "经重新研究，补贴标准提高至每部电梯20万元。")
    first_text, second_text = letter_text(first), letter_text(second)
    assert "收悉。现答复如下：" in first_text and "重新办理" not in first_text
    assert "我单位已作答复。根据您对答复的意见，经重新办理，现再次答复如下：" in second_text
    assert "收悉" not in second_text
    assert "补贴标准提高至每部电梯20万元" in second_text
