"""The department's answer letter (答复函) as an official-document PDF (`core.pdf`).

The letter writes its own greeting, opening (您提出的《…》收悉。…现答复如下：) and closing
thanks around the clerk's text (the answer form says so). A clerk who typed a whole letter
anyway gets each of them once: a greeting of their own replaces the letter's, and an
opening or a closing thanks of their own is left out (`letter_body`)."""

import re

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xieshang.core.pdf import STATIC_DIR, render_pdf
from xieshang.core.text import chinese_date
from xieshang.core.text import paragraphs as text_paragraphs

from .models import Proposal


def _salutation(proposal, proposers) -> str:
    """张丽华委员、王建国委员： — or the proposing body's name for a body's proposal."""
    names = []
    for member in proposers:
        label = _("%(name)s委员") % {"name": member.name}
        if label not in names:
            names.append(label)
    if not names and proposal.proposer_body:
        names.append(proposal.proposer_body)
    return "、".join(names)


_GREETING_WORDS = ("尊敬的", "委员", "同志", "先生", "女士")


def _greeting(paragraph: str, proposal) -> bool:
    """Whether the clerk's text opens with its own greeting (尊敬的张丽华委员：): then the
    letter uses it instead of adding one, so the letter greets exactly once."""
    if not paragraph.endswith(("：", ":")) or len(paragraph) > 40 or "。" in paragraph:
        return False
    words = _GREETING_WORDS + ((proposal.proposer_body,) if proposal.proposer_body else ())
    return any(word in paragraph for word in words)


# 您提出的《…》（第0001号）收悉。 — and 你们, 贵单位, 贵党派… as proposers are addressed.
_OPENING = re.compile(
    r"^(?:关于)?(?:您|你|贵单位|贵会|贵党派|贵委员会)们?所?提出的.{0,200}?收悉[。，,；;！!]?"
)
# …经研究，现答复如下： — what leads from the opening to the answer itself.
_LEAD_IN = re.compile(r"^.{0,60}?答复如下[：:]")
# 感谢您对我们工作的关心和支持。 特此答复。 此复。 — a closing sentence, short.
_CLOSING = re.compile(r"感谢|谢谢|欢迎.{0,8}继续|特此(?:答复|函复|复函)|^此复|^专此")
_SENTENCE = re.compile(r"[^。！!？?]+[。！!？?]*")
CLOSING_MAX = 60


def _strip_opening(paragraphs: list[str]) -> None:
    """Without the clerk's own 您提出的《…》收悉 and the lead-in after it (经研究，现答复如下：),
    or a first paragraph that is only such a lead-in: the letter writes both."""
    if not paragraphs:
        return
    first = paragraphs[0]
    opening = _OPENING.match(first)
    if opening is not None:
        first = first[opening.end() :].lstrip()
        lead_in = _LEAD_IN.match(first)
        if lead_in is not None:
            first = first[lead_in.end() :].lstrip()
    elif len(first) <= 30 and _LEAD_IN.fullmatch(first):
        first = ""
    if first:
        paragraphs[0] = first
    else:
        paragraphs.pop(0)


def _strip_closing(paragraphs: list[str]) -> None:
    """Without the clerk's own closing thanks (感谢您对…的关心和支持。特此答复。): the letter
    closes with its own. Only short closing sentences at the very end go; a last paragraph
    of the answer that ends with one keeps the rest."""
    while paragraphs:
        sentences = _SENTENCE.findall(paragraphs[-1])
        kept = len(sentences)
        while (
            kept
            and len(sentences[kept - 1]) <= CLOSING_MAX
            and _CLOSING.search(sentences[kept - 1].strip())
        ):
            kept -= 1
        if kept == len(sentences):
            return
        rest = "".join(sentences[:kept]).strip()
        if rest:
            paragraphs[-1] = rest
            return
        paragraphs.pop()


def letter_body(paragraphs: list[str]) -> list[str]:
    """The clerk's paragraphs without the opening and closing the letter adds itself."""
    paragraphs = list(paragraphs)
    _strip_opening(paragraphs)
    _strip_closing(paragraphs)
    return paragraphs


def answer_letter_context(answer) -> dict:
    from . import services

    assignment = answer.assignment
    proposal = assignment.proposal
    department = assignment.department
    organisation = proposal.organisation
    categories = services.outcome_categories(organisation)
    proposers = services.proposers(proposal)
    # A letter is dated the day it went out (signed off and sent). A draft waiting for the
    # leader's signature is marked as one and carries neither 签发人 nor a date: printed, it
    # must not pass for the letter.
    draft = answer.sent_at is None
    answered_on = timezone.localtime(answer.sent_at).date() if not draft else None
    # 经商…: only the co-handlers whose view the department had when the answer went out.
    co_departments = [
        a.department.name for a in services.co_handlers_consulted(assignment, by=answer.sent_at)
    ]
    paragraphs = text_paragraphs(answer.text)
    salutation = _salutation(proposal, proposers)
    salutation_from_text = bool(paragraphs) and _greeting(paragraphs[0], proposal)
    if salutation_from_text:
        salutation = paragraphs.pop(0)
    paragraphs = letter_body(paragraphs)
    return {
        "doc_title": _("关于%(org)s%(number)s提案的答复函")
        % {"org": organisation.name, "number": proposal.number},
        "masthead": department.name,
        "masthead_suffix": "",
        "letter_format": True,
        "doc_number": answer.doc_number,
        "signer": "" if draft else answer.signed_by,
        "draft": draft,
        "category": answer.category,
        "category_label": categories.get(answer.category, ""),
        "answer": answer,
        "proposal": proposal,
        "department": department,
        "organisation": organisation,
        "salutation": salutation,
        "salutation_from_text": salutation_from_text,
        "paragraphs": paragraphs,
        "issuer": department.name,
        "issue_date": chinese_date(answered_on) if answered_on else "",
        "co_departments": co_departments,
        # 重新办理: the answer after an unsatisfied rating says it is the second one.
        "rehandled": assignment.round > 1,
        "copy_to": [_("%(org)s提案委员会") % {"org": organisation.name}],
    }


def answer_letter(answer) -> bytes:
    with translation.override("zh-hans"):
        context = answer_letter_context(answer)
    return render_pdf("pdf/answer_letter.html", context)


def answer_letter_filename(answer) -> str:
    proposal = answer.assignment.proposal
    name = _("答复函待签发稿-%(number)s-%(dept)s.pdf")
    if answer.sent_at is not None:
        name = _("答复函-%(number)s-%(dept)s.pdf")
    return name % {
        "number": proposal.number or proposal.pk,
        "dept": answer.assignment.department.name,
    }


# --- The proposal itself, as a 提案表 ---------------------------------------------------------


def _seats(members) -> dict:
    """member pk → the member's latest seat (sector and party), in one query."""
    from xieshang.members.models import Membership

    seats = {}
    for seat in (
        Membership.objects.filter(member__in=[m.pk for m in members])
        .select_related("sector", "party")
        .order_by("member_id", "-term__number", "-id")
    ):
        seats.setdefault(seat.member_id, seat)
    return seats


def _person(member, seat, role: str, status: str = "") -> dict:
    return {
        "name": member.name,
        "role": role,
        "status": status,
        "sector": seat.sector.name if seat is not None and seat.sector_id else "",
        "party": seat.party.name if seat is not None and seat.party_id else "",
        "employer": member.employer,
    }


def proposal_sheet_context(proposal) -> dict:
    """What the printed 提案表 shows: the number, 案由, the proposers with sector and party,
    the category and suggested department, the text, and the joint proposers with room for
    their signatures. Used by the print page and the PDF alike."""
    from .models import Signer

    # Only those still on it sign: one who declined, or whose invitation the first proposer
    # withdrew (the proposal went on without them), is no joint proposer.
    gone = (Signer.Status.DECLINED, Signer.Status.WITHDRAWN)
    signers = [
        s
        for s in proposal.signers.select_related("member").order_by("order", "id")
        if s.status not in gone
    ]
    members = [s.member for s in signers]
    if proposal.first_proposer_id:
        members.insert(0, proposal.first_proposer)
    seats = _seats(members)
    first = None
    if proposal.first_proposer_id:
        member = proposal.first_proposer
        first = _person(member, seats.get(member.pk), _("第一提案人"))
    joint = [
        _person(s.member, seats.get(s.member_id), _("联名提案人"), s.get_status_display())
        for s in signers
    ]
    organisation = proposal.organisation
    return {
        "proposal": proposal,
        "organisation": organisation,
        "sheet_title": _("%(org)s提案") % {"org": organisation.name},
        "first": first,
        "joint": joint,
        "facts": text_paragraphs(proposal.facts),
        "analysis": text_paragraphs(proposal.analysis),
        "suggestions": text_paragraphs(proposal.suggestions),
        "submitted_on": chinese_date(proposal.submitted_at),
    }


SHEET_CSS = STATIC_DIR / "xs" / "proposal_sheet.css"


def proposal_sheet(proposal) -> bytes:
    with translation.override("zh-hans"):
        context = proposal_sheet_context(proposal)
    context.update(
        {
            # The print page links the same style sheet; the PDF carries it inline.
            "sheet_css": SHEET_CSS.read_text(encoding="utf-8"),
            "doc_title": proposal.title,
            "masthead": context["sheet_title"],
            "masthead_suffix": "",
            "letter_format": False,
            "doc_number": proposal.number,
            "issuer": "",
            "issue_date": "",
        }
    )
    return render_pdf("pdf/proposal_sheet.html", context)


def proposal_sheet_filename(proposal: Proposal) -> str:
    """提案-<number>.pdf; a draft's 提案-草稿<pk>.pdf only while it is a draft. A proposal
    sent on but without a number (with its co-signers, waiting for review where numbers are
    given at acceptance, or closed without one) is 提案-未编号-<pk>.pdf: never passed off as a
    draft, unique by its id, and true in every state ("not numbered", not "to be numbered",
    which a rejected one never will be)."""
    if proposal.number:
        number = proposal.number
    elif proposal.status == Proposal.Status.DRAFT:
        number = _("草稿%(pk)s") % {"pk": proposal.pk}
    else:
        number = _("未编号-%(pk)s") % {"pk": proposal.pk}
    return _("提案-%(number)s.pdf") % {"number": number}
