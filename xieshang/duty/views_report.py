"""Pages of the annual duty report (年度履职报告, C5.7): a member's own PDF, a member's PDF for
the office, and the office's batch of a sector or activity group."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from xieshang.core import jobs
from xieshang.core.params import id_param, year_param
from xieshang.core.pdf import pdf_response
from xieshang.core.years import closing_year
from xieshang.members.models import Member

from . import annual_report, policies, selectors


def _year(request) -> int:
    return year_param(request, default=timezone.localdate().year)


def _batch_year(request) -> int:
    """The office's batch printing is year-end work: in January and February it opens on
    the year just ended (`core.years`); a member's own report stays on the current year."""
    return year_param(request, default=closing_year())


def _member_response(member, year: int):
    # A year before the committee's first term: no seat, no duties; a report of zeros
    # would read as a member who did nothing.
    _years, first = selectors.report_years(member.organisation, year)
    if year > timezone.localdate().year:
        raise BadRequest(_("%(year)s年尚未开始，没有该年度的履职报告。") % {"year": year})
    if first is not None:
        raise BadRequest(
            _("%(year)s年尚无届次，没有该年度的履职报告：年度应不早于%(first)s年。")
            % {"year": year, "first": first}
        )
    content = annual_report.member_pdf(member, year)
    name = _("%(year)d年度履职报告-%(name)s.pdf") % {"year": year, "name": member.name}
    return pdf_response(content, name, inline=False)


@login_required
@require_safe
def my_report(request):
    """The member's own report; nobody else's is reachable from here."""
    member = policies.member_of(request.user)
    if member is None:
        raise Http404
    return _member_response(member, _year(request))


@login_required
@require_safe
def member_report(request, pk: int):
    """A member's report: the member themself, or the office that manages their file."""
    member = Member.objects.select_related("organisation").filter(pk=pk).first()
    if member is None or not policies.can_view_member(request.user, member):
        raise Http404
    return _member_response(member, _year(request))


def _office_org(request):
    org = policies.office_organisation(request.user)
    if org is None:
        raise PermissionDenied
    return org


@login_required
def reports(request):
    """The office picks a year and a sector or activity group to print."""
    org = _office_org(request)
    year = _batch_year(request)
    sectors, groups = annual_report.batch_choices(org, year)
    # A year before the first term: no one sat, no report to print (not the current term's
    # members as if they had); the year selector starts at the first term's year.
    years, first_term_year = selectors.report_years(org, year)
    return render(
        request,
        "duty/annual_report/batch.html",
        {
            "year": year,
            "years": years,
            "first_term_year": first_term_year,
            "sectors": sectors,
            "groups": groups,
            "provisional": not selectors.year_ended(year),
            "threshold": annual_report.job_threshold(),
        },
    )


@login_required
@require_safe
def reports_download(request):
    """One PDF with every member of the sector or group; a large batch becomes a background
    job whose file only the person who asked for it may download."""
    org = _office_org(request)
    year = _batch_year(request)
    sector_id = id_param(request, "sector", label=_("界别"))
    group_id = id_param(request, "group", label=_("活动小组"))
    target = annual_report.batch_target(org, sector_id=sector_id, group_id=group_id)
    if target is None:
        raise Http404
    sector, group, label = target
    seats = annual_report.report_seats(org, sector=sector, group=group, year=year)
    if len(seats) > annual_report.job_threshold():
        job = jobs.start(
            kind=annual_report.JOB_KIND,
            owner=request.user,
            organisation=org,
            params={"year": year, "sector": sector_id, "group": group_id},
            total=len(seats),
        )
        return redirect("job", pk=job.pk)
    content = annual_report.batch_pdf(org, year, seats)
    return pdf_response(content, annual_report.batch_file_name(year, label), inline=False)
