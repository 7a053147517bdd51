"""社情民意信息工作年度综述: the year's summary of an organisation's social-conditions work,
as a page (plain headings, paragraphs and tables that paste into Word) and as a PDF in
official layout. The numbers are `summary.opinion_summary`'s, the ones the statistics chart
and the big screen show.

Who may read it: whoever may see the opinions statistics of the organisation (its office and
its leaders, `opinions.view`), as on the statistics page.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from xieshang.core import access
from xieshang.core.params import id_param, year_param
from xieshang.core.pdf import heading, pdf_response, render_pdf
from xieshang.core.years import closing_year
from xieshang.orgs.models import Organisation

from .summary import Summary, opinion_summary


def _organisation(request) -> Organisation:
    """The organisation asked for (`?organisation=`), else the user's own node."""
    if not access.can(request.user, "opinions.view"):
        raise PermissionDenied
    pk = id_param(request, "organisation", label=_("政协组织"))
    if pk is not None:
        org = Organisation.objects.filter(pk=pk).first()
    else:
        org = access.home_organisation(request.user)
        if org is None or not access.can(request.user, "opinions.view", org):
            org = access.organisations(request.user, "opinions.view").order_by("path").first()
    if org is None or not access.can(request.user, "opinions.view", org):
        raise PermissionDenied
    return org


def _asked(request) -> tuple[Organisation, int]:
    organisation = _organisation(request)
    # The year's summary is written after the year: until the end of February it opens on
    # the year just ended (as the proposal work report does); a year asked for is kept.
    return organisation, year_param(request, default=closing_year())


def _summary(request) -> Summary:
    return opinion_summary(*_asked(request))


def _title(s: Summary) -> str:
    return _("%(org)s%(year)s年度社情民意信息工作情况") % {
        "org": s.organisation.name,
        "year": s.year,
    }


@login_required
def summary_page(request):
    s = _summary(request)
    this_year = timezone.localdate().year
    years = sorted({*range(this_year, this_year - 5, -1), s.year}, reverse=True)
    query = {"year": s.year}
    if "organisation" in request.GET:
        query = {"organisation": s.organisation.pk, **query}
    return render(
        request,
        "opinions/summary.html",
        {"summary": s, "title": _title(s), "query_pdf": urlencode(query), "years": years},
    )


def summary_pdf_bytes(s: Summary) -> bytes:
    """The PDF of a summary built in Chinese (`summary_pdf` builds it so): an official
    document is Chinese whatever language the clerk browses in, its sentences and table
    labels (made by `opinion_summary`) as well as the template's text."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "summary": s,
            **heading(
                s.organisation.name,
                _("%(year)s年度社情民意信息工作情况") % {"year": s.year},
                s.as_of,
                suffix="",
            ),
        }
        return render_pdf("pdf/opinion_summary.html", context)


@login_required
@require_safe
def summary_pdf(request):
    organisation, year = _asked(request)
    with translation.override(settings.LANGUAGE_CODE):
        s = opinion_summary(organisation, year)
    return pdf_response(summary_pdf_bytes(s), f"{_title(s)}.pdf")
