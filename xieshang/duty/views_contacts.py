"""The per-sector report of members' contacts with the people of their sector (C3.4): a
page for the office, a drill-down to a sector's entries, and the Excel file."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from xieshang.core.excel import Book, append_row, xlsx_response
from xieshang.core.params import id_param, paginate, year_param
from xieshang.core.years import closing_year

from . import policies, sector_contacts, selectors

ENTRIES_PER_PAGE = 50


def _office_org(request):
    org = policies.office_organisation(request.user)
    if org is None:
        raise PermissionDenied
    return org


def _year(request) -> int:
    # In January and February the year just ended (`core.years`): the year being reported.
    return year_param(request, default=closing_year())


@login_required
def report(request):
    org = _office_org(request)
    year = _year(request)
    rows = sector_contacts.report(org, year)
    # A year before the first term: no one sat; the page says so rather than count zeros.
    years, first_term_year = selectors.report_years(org, year)
    return render(
        request,
        "duty/sector_contacts/report.html",
        {"year": year, "years": years, "rows": rows, "first_term_year": first_term_year},
    )


@login_required
def sector_entries(request):
    """One sector: its members (stroke order) and its contact entries of the year."""
    org = _office_org(request)
    year = _year(request)
    sector_id = id_param(request, "sector", label=_("界别"))
    sector = org.sectors.filter(pk=sector_id).first() if sector_id else None
    if sector is None:
        raise Http404
    (row,) = sector_contacts.report(org, year, sector=sector)
    page = paginate(request, sector_contacts.entries_of(org, year, sector), ENTRIES_PER_PAGE)
    return render(
        request,
        "duty/sector_contacts/sector.html",
        {"year": year, "sector": sector, "row": row, "page": page},
    )


@login_required
@require_safe
def export(request):
    org = _office_org(request)
    year = _year(request)
    rows = sector_contacts.report(org, year)
    book = Book()
    ws = book.sheet(
        _("联系界别群众情况"),
        [
            _("界别"),
            _("委员人数"),
            _("联系群众委员数"),
            _("联系次数"),
            _("联系人次"),
            _("反映问题（提案、社情民意）"),
        ],
    )
    for row in rows:
        append_row(
            ws,
            [
                row.sector.name if row.sector else _("未分界别"),
                row.member_count,
                row.contacting,
                row.contacts,
                row.people,
                row.issues,
            ],
        )
    detail = book.sheet(
        _("联系记录"),
        [_("界别"), pgettext("one member", "委员"), _("日期"), _("事项及联系对象"), _("人次")],
    )
    for entry, people, sector in sector_contacts.entries_of(org, year):
        append_row(
            detail,
            [
                sector.name if sector else _("未分界别"),
                entry.member.name,
                entry.date,
                entry.title,
                people,
            ],
        )
    return xlsx_response(
        book.to_bytes(),
        _("%(year)s年委员联系界别群众情况.xlsx") % {"year": year},
        fallback=f"sector-contacts-{year}.xlsx",
    )
