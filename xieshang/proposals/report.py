"""提案工作情况报告: the yearly proposal work report for the plenary session (C4.6), its
charts on the figures page, and its PDF in official layout.

The report's numbers are the figures page's numbers: `work_report` reads them from
`figures.figures` (the same grouped queries) and adds one query for the key proposals.
The charts on /proposals/figures/ are built from the same `WorkReport`, so a dashboard
and the printed report can never disagree.

Scope: the proposals of one year of an organisation and everything below it — the
plenary proposals filed at that year's session and the proposals between sessions — as
reported to the next plenary session. The report names the organisation's own key
proposals; those of the committees below it are counted, not listed (a province's report
would otherwise print every county's), as the figures page rolls them up.
"""

import datetime as dt
from dataclasses import dataclass, replace
from functools import cached_property

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from xieshang.core import charts
from xieshang.core.pdf import heading, pdf_response, render_pdf
from xieshang.core.text import month_name
from xieshang.orgs.models import Organisation

from . import figures as fig_module
from .figures import Figures, rate
from .models import Proposal


@dataclass
class WorkReport:
    fig: Figures
    as_of: dt.date

    @cached_property
    def key_proposals(self) -> list[Proposal]:
        """The year's key proposals of the organisation itself, not those of the committees
        below it (two queries, only when the report text needs them). Asked by the ids of
        the few organisations of its own level, not by the path of every proposal below: a
        province's year is 30,000 proposals of its counties, read for nothing (40 ms; a
        subquery misled the planner into the same scan)."""
        nodes = Organisation.objects.filter(path__startswith=self.organisation.path)
        for committee in self.fig.below:
            nodes = nodes.exclude(path__startswith=committee.path)
        own = list(nodes.values_list("pk", flat=True))
        return list(
            Proposal.objects.filter(
                organisation__in=own,
                year=self.year,
                key_status=Proposal.KeyStatus.APPROVED,
            )
            .select_related("first_proposer")
            .order_by("kind", "serial", "id")
        )

    @property
    def key_below(self) -> int:
        """Key proposals of the committees below (counted in the total, not listed)."""
        return sum(row.key for row in self.fig.session_committees)

    @property
    def key_own(self) -> int:
        return self.total.key - self.key_below

    @property
    def organisation(self):
        return self.fig.organisation

    @property
    def year(self) -> int:
        return self.fig.year

    @property
    def total(self):
        return self.fig.session_total

    @property
    def accepted_rate(self):
        return rate(self.total.accepted, self.total.received)

    @property
    def answered_rate(self):
        return rate(self.total.answered, self.total.accepted)

    @property
    def categories(self) -> list[tuple[str, str, int, float | None]]:
        """(code, label, answer letters, share of the answer letters) in the scheme's order."""
        dept = self.fig.department_total
        return [
            (
                code,
                label,
                dept.categories.get(code, 0),
                rate(dept.categories.get(code, 0), dept.answers),
            )
            for code, label in self.fig.categories
        ]

    @property
    def satisfaction(self):
        """Satisfied or basically satisfied with the result, over every rating given."""
        return self.fig.department_total.result_rate

    def table(self) -> list[tuple[str, int, float | None]]:
        """The report's table: (item, count, percentage or None), in the report's order."""
        t, dept = self.total, self.fig.department_total
        rows = [
            (_("收到提案"), t.received, None),
            (_("经审查立案"), t.accepted, self.accepted_rate),
            (_("并案处理"), t.merged, rate(t.merged, t.received)),
            (_("转为意见建议"), t.to_opinion, rate(t.to_opinion, t.received)),
            (pgettext("report row", "转为社情民意信息"), t.to_info, rate(t.to_info, t.received)),
            (pgettext("report row", "不予立案"), t.rejected, rate(t.rejected, t.received)),
            (_("尚在审查"), t.pending, rate(t.pending, t.received)),
            (pgettext("report row", "退回修改"), t.returned, rate(t.returned, t.received)),
            (_("已答复"), t.answered, self.answered_rate),
        ]
        for code, label, n, share in self.categories:
            rows.append(
                (_("%(code)s类答复（%(label)s）") % {"code": code, "label": label}, n, share)
            )
        rows.append((_("满意和基本满意评价"), dept.result_ok, self.satisfaction))
        rows.append((pgettext("report row", "重点提案"), t.key, rate(t.key, t.accepted)))
        return rows


def work_report(organisation, year: int, *, as_of: dt.date | None = None) -> WorkReport:
    """The report's figures: `figures.figures` (two settings, five grouped queries), and
    the key proposals (two queries) when read: nine whatever the number of proposals; with
    committees below, five more whatever their number (them, and four rolled-up queries).
    A closed year stored (figures_store.py) reads its figures in one query instead of the
    grouped ones."""
    fig = fig_module.figures(organisation, year)
    return WorkReport(fig=fig, as_of=as_of or timezone.localdate())


# --- Charts (the figures page shows these; the numbers are the report's) --------------------


def report_charts(report: WorkReport) -> list[dict]:
    t = report.total
    review = charts.pie(
        "chart-review",
        _("审查结果"),
        [
            pgettext("review outcome", "立案"),
            pgettext("review outcome", "并案"),
            pgettext("review outcome", "转意见建议"),
            pgettext("review outcome", "转社情民意"),
            pgettext("review outcome", "不予立案"),
            _("待审查"),
            pgettext("review outcome", "退回修改"),
        ],
        [t.accepted, t.merged, t.to_opinion, t.to_info, t.rejected, t.pending, t.returned],
        unit=_("件"),
    )
    cats = charts.bar(
        "chart-categories",
        _("答复办理结果分类"),
        [_("%(code)s类") % {"code": code} for code, *_rest in report.categories],
        [{"name": _("答复函"), "data": [n for _c, _l, n, _s in report.categories]}],
        unit=_("件"),
    )
    depts, title = report.fig.departments, _("承办单位按时答复率和满意率")
    if report.fig.committees:
        # Bounded like the table: the own departments together, then each committee below.
        own = report.fig.own_departments_total
        own.name = _("%(o)s（本级）") % {"o": report.organisation.name}
        depts, title = [own, *report.fig.committees], _("本级和各下级承办单位按时答复率和满意率")
    departments = charts.bar(
        "chart-departments",
        title,
        [d.name for d in depts],
        [
            # Nothing assigned (a province's or city's own level, often) is no on-time rate,
            # not 0 %: no bar, and the table says so.
            {
                "name": _("按时答复率"),
                "data": [d.on_time_rate for d in depts],
                "missing": _("未交办"),
            },
            # A unit with no rating yet has no satisfaction rate, not 0 %: no bar, and the
            # table says why (no answer yet, or answered but not rated).
            {
                "name": _("结果满意率"),
                "data": [d.result_rate for d in depts],
                "missing": [_("无答复") if not d.answers else _("未评价") for d in depts],
            },
        ],
        unit="%",
    )
    by_category = report.fig.by_category()
    category = charts.bar(
        "chart-proposal-categories",
        _("收到提案按类别"),
        [name or _("未分类") for name, _n in by_category],
        [{"name": _("收到提案"), "data": [n for _name, n in by_category]}],
        unit=_("件"),
    )
    by_sector = report.fig.received_by("sector")
    sector = charts.bar(
        "chart-proposal-sectors",
        _("收到提案按第一提案人界别"),
        [name or _("集体提案") for name, _n in by_sector],
        [{"name": _("收到提案"), "data": [n for _name, n in by_sector]}],
        unit=_("件"),
    )
    by_party = report.fig.received_by("party")
    party = charts.pie(
        "chart-proposal-parties",
        _("收到提案按第一提案人党派"),
        [name or _("集体提案") for name, _n in by_party],
        [n for _name, n in by_party],
        unit=_("件"),
    )
    by_month = report.fig.by_month()
    months = [n for _y, _m, n in by_month]

    def month_label(year: int, month: int, short: bool = True) -> str:
        # A month of another year (December before a January session) says its year.
        if year == report.year:
            return month_name(month, short=short)
        return _("%(year)s年%(month)s") % {"year": year, "month": month_name(month, short=short)}

    busiest = max(range(len(months)), key=lambda i: months[i])
    monthly = charts.line(
        "chart-proposal-months",
        _("逐月收到提案"),
        [month_label(y, m) for y, m, _n in by_month],
        [{"name": _("收到提案"), "data": months}],
        unit=_("件"),
        summary=_("逐月收到提案：%(m)s最多，为%(n)s件。")
        % {"m": month_label(*by_month[busiest][:2], short=False), "n": months[busiest]}
        if any(months)
        else "",
    )
    return [review, cats, departments, category, sector, party, monthly]


# --- Pages ---------------------------------------------------------------------------------


def _context(request):
    # Written for the plenary session early in the year: until the end of February the page
    # (and its PDF without a year) opens on the year just ended (`core.years.closing_year`,
    # the figures form's default); a year asked for is shown as asked.
    form = fig_module._form(request)
    context = {"form": form, "query": request.GET.urlencode()}
    if form.is_valid():
        context["report"] = work_report(
            form.cleaned_data["organisation"], form.cleaned_data["year"]
        )
    return context


@login_required
def report_page(request):
    context = _context(request)
    status = 200 if "report" in context else 400
    return render(request, "proposals/figures/report.html", context, status=status)


def report_pdf_bytes(report: WorkReport) -> bytes:
    # An official document is Chinese whatever language the clerk browses in. Its figures
    # were counted for the clerk's page, their default category labels already translated
    # into the clerk's language (`figures.category_labels`): named again in Chinese here,
    # or an English clerk's report read "A类（Solved or largely solved）".
    with translation.override("zh-hans"):
        labels = fig_module.category_labels(report.organisation)
        report = replace(report, fig=replace(report.fig, categories=labels))
        context = {
            "report": report,
            **heading(
                report.organisation.name,
                _("关于%(year)s年度提案工作情况的报告") % {"year": report.year},
                report.as_of,
                suffix="",
            ),
        }
    return render_pdf("pdf/proposal_work_report.html", context)


@login_required
@require_safe
def report_pdf(request):
    context = _context(request)
    if "report" not in context:
        return render(request, "proposals/figures/report.html", context, status=400)
    report = context["report"]
    name = f"{report.organisation.name}{report.year}年度提案工作情况报告.pdf"
    return pdf_response(report_pdf_bytes(report), name)


# --- 数据大屏 ------------------------------------------------------------------------------


SCREEN_CHARTS = ("chart-review", "chart-departments", "chart-proposal-months")


def screen_panel(user, organisation, year: int):
    """The proposals panel of the big screen: the report's figures and charts."""
    from xieshang.core import access
    from xieshang.core.screen import Panel

    if not access.can(user, "proposals.view", organisation):
        return None
    r = work_report(organisation, year)
    t = r.total
    return Panel(
        title=_("提案工作"),
        figures=[
            (_("收到提案"), t.received),
            (pgettext("review outcome", "立案"), t.accepted),
            (_("已答复"), t.answered),
            (pgettext("report row", "重点提案"), t.key),
            (_("满意率（%）"), r.satisfaction),
        ],
        charts=[c for c in report_charts(r) if c["id"] in SCREEN_CHARTS],
        order=10,
    )
