"""The department's answer letter (答复函) as an official-document PDF (`core.pdf`)."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xieshang.core.pdf import render_pdf
from xieshang.core.text import chinese_date


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


def answer_letter_context(answer) -> dict:
    from . import services

    assignment = answer.assignment
    proposal = assignment.proposal
    department = assignment.department
    organisation = proposal.organisation
    categories = services.outcome_categories(organisation)
    proposers = services.proposers(proposal)
    answered_on = timezone.localtime(answer.answered_at).date()
    co_departments = [
        a.department.name
        for a in proposal.assignments.filter(role="co", round=assignment.round).select_related(
            "department"
        )
    ]
    return {
        "doc_title": _("关于%(org)s%(number)s提案的答复函")
        % {"org": organisation.name, "number": proposal.number},
        "masthead": department.name,
        "masthead_suffix": "",
        "letter_format": True,
        "doc_number": answer.doc_number,
        "signer": answer.signed_by,
        "category": answer.category,
        "category_label": categories.get(answer.category, ""),
        "answer": answer,
        "proposal": proposal,
        "department": department,
        "organisation": organisation,
        "salutation": _salutation(proposal, proposers),
        "paragraphs": [p.strip() for p in answer.text.splitlines() if p.strip()],
        "issuer": department.name,
        "issue_date": chinese_date(answered_on),
        "co_departments": co_departments,
        "copy_to": [_("%(org)s提案委员会") % {"org": organisation.name}],
    }


def answer_letter(answer) -> bytes:
    with translation.override("zh-hans"):
        context = answer_letter_context(answer)
    return render_pdf("pdf/answer_letter.html", context)


def answer_letter_filename(answer) -> str:
    proposal = answer.assignment.proposal
    return _("答复函-%(number)s-%(dept)s.pdf") % {
        "number": proposal.number or proposal.pk,
        "dept": answer.assignment.department.name,
    }
