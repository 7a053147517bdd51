"""/consultation/summary/: the year's consultation work summary (年度协商工作情况总结) as a page
that copies into Word (plain headings, paragraphs and tables) and as a PDF in official layout.

Who may read it: whoever may read the consultation dashboard (consultation.view at a CPPCC
organisation: the office, the chairman's meeting, the Party committee and government
offices...). A year outside 1949–2100 or not a number is a 400 saying so (core.params).
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from xieshang.core.params import id_param, year_param
from xieshang.core.pdf import heading, pdf_response, render_pdf

from .summary import WorkReport, work_report
from .views import cppcc_organisations


def _report(request) -> WorkReport:
    orgs = list(cppcc_organisations(request.user, "consultation.view"))
    if not orgs:
        raise PermissionDenied
    year = year_param(request, default=timezone.localdate().year)
    wanted = id_param(request, "organisation", label=_("组织"))
    if wanted is None:
        org = orgs[0]
    else:
        org = next((o for o in orgs if o.pk == wanted), None)
        if org is None:
            raise Http404
    return work_report(org, year)


def doc_title(report: WorkReport) -> str:
    return _("%(year)s年度协商工作情况总结") % {"year": report.year}


@login_required
def summary_page(request):
    report = _report(request)
    query = {"year": report.year}
    if "organisation" in request.GET:
        query["organisation"] = report.organisation.pk
    context = {
        "report": report,
        "title": doc_title(report),
        "query": urlencode(query),
        "organisations": cppcc_organisations(request.user, "consultation.view"),
    }
    return render(request, "consultation/summary.html", context)


def summary_pdf_bytes(report: WorkReport) -> bytes:
    # An official document is Chinese whatever language the clerk browses in.
    with translation.override("zh-hans"):
        context = {
            "report": report,
            **heading(report.organisation.name, doc_title(report), report.as_of, suffix=""),
        }
        return render_pdf("consultation/pdf/summary.html", context)


@login_required
@require_safe
def summary_pdf(request):
    report = _report(request)
    name = f"{report.organisation.name}{report.year}年度协商工作情况总结.pdf"
    return pdf_response(summary_pdf_bytes(report), name)
