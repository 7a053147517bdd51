"""Charts of consultation work (core.charts specs) for the dashboard and the big screen,
built from `selectors.plan_progress`: the numbers of the progress table, drawn."""

from django.utils.translation import gettext as _

from xieshang.core import access, charts
from xieshang.core.screen import Panel, register

from . import selectors


def progress_chart(progress: list[dict]) -> dict:
    planned = sum(m["planned"] for m in progress)
    held = sum(m["held"] for m in progress)
    return charts.bar(
        "chart-plan-progress",
        _("协商计划按月进度"),
        [_("%(m)s月") % {"m": m["month"]} for m in progress],
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
    plan = selectors.current_plan(organisation, year)
    progress = selectors.plan_progress(plan) if plan else []
    return Panel(
        title=_("协商工作"),
        figures=[
            (_("计划协商活动"), sum(m["planned"] for m in progress)),
            (_("已开展"), sum(m["held"] for m in progress)),
            (_("重点协商"), sum(m["key"] for m in progress)),
        ],
        charts=[progress_chart(progress)] if progress else [],
        order=20,
    )


register(screen_panel)
