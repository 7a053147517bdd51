"""Charts of consultation work (core.charts specs) for the dashboard and the big screen,
built from `summary.WorkReport.progress`: the numbers of the progress table and of the
year's summary, drawn."""

from django.utils.translation import gettext as _

from xieshang.core import access, charts
from xieshang.core.screen import Panel, register
from xieshang.core.text import month_name

from . import summary


def progress_chart(progress: list[dict]) -> dict:
    planned = sum(m["planned"] for m in progress)
    held = sum(m["held"] for m in progress)
    return charts.bar(
        "chart-plan-progress",
        _("协商计划按月进度"),
        [month_name(m["month"], short=True) for m in progress],
        [
            {"name": _("计划"), "data": [m["planned"] for m in progress]},
            {"name": _("已开展"), "data": [m["held"] for m in progress]},
        ],
        unit=_("项"),
        summary=_("年度协商计划共%(planned)s项，已开展%(held)s项。")
        % {"planned": planned, "held": held},
    )


def screen_panel(user, organisation, year: int):
    if not access.can(user, "consultation.view", organisation):
        return None
    # The year's plans of the organisation and below (the screen rolls up over the subtree).
    report = summary.work_report(organisation, year)
    progress = report.progress()
    return Panel(
        title=_("协商工作"),
        figures=[
            (_("计划协商活动"), report.planned),
            (_("已开展"), report.planned_held),
            (_("重点协商"), report.planned_key),
        ],
        charts=[progress_chart(progress)] if report.planned else [],
        order=20,
    )


register(screen_panel)
