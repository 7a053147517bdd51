"""The published annual consultation plan as an official document (GB/T 9704-2012), rendered
with the shared `core.pdf.render_pdf` and the `pdf/official.html` base layout: a notice
关于印发《…年度协商工作计划》的通知 from the party committee's office, the plan as its 附件."""

from django.utils import translation
from django.utils.translation import gettext as _

from xieshang.core.pdf import official_name
from xieshang.core.text import chinese_date, paragraphs

from . import selectors
from .models import ConsultationPlan


def plan_context(plan: ConsultationPlan) -> dict:
    items = selectors.plan_items(plan)
    org = plan.organisation
    place = org.name.removesuffix("政协")
    months: dict[int, list] = {}
    for item in items:
        months.setdefault(item.month, []).append(item)
    issuer = _("中共%(place)s委员会办公室") % {"place": place}
    issued_on = chinese_date(plan.approved_on)
    return {
        "doc_title": _("关于印发《%(title)s》的通知") % {"title": plan.title},
        "attachment_title": plan.title,
        "addressees": _("各有关单位："),
        "masthead": issuer,
        "masthead_suffix": _("文件"),
        "letter_format": False,
        "doc_number": plan.doc_number,
        "plan": plan,
        "months": sorted(months.items()),
        "paragraphs": paragraphs(plan.preface),
        "issuer": issuer,
        "issue_date": issued_on,
        "copy_to": [official_name(org.name), _("%(place)s人民政府办公室") % {"place": place}],
        "printed_by": issuer,
        "printed_on": issued_on,
    }


def plan_pdf(plan: ConsultationPlan) -> bytes:
    from xieshang.core.pdf import render_pdf

    with translation.override("zh-hans"):
        context = plan_context(plan)
    return render_pdf("consultation/pdf/plan.html", context)


def plan_filename(plan: ConsultationPlan) -> str:
    return f"{plan.title}.pdf"
