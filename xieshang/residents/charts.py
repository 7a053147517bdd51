"""Charts of grassroots issues (民情事项, core.charts specs) for the statistics page and the
big screen, built from `selectors.statistics` — the rows the statistics table lists."""

from django.utils.translation import gettext as _

from xieshang.core import charts
from xieshang.core.screen import Panel, register

from . import policies, selectors


def issues_chart(rows) -> dict:
    return charts.bar(
        "chart-resident-issues",
        _("民情事项办理情况"),
        [row.label for row in rows],
        [
            {"name": _("群众反映"), "data": [row.raised for row in rows]},
            {"name": _("议事会协商解决"), "data": [row.settled for row in rows]},
            {"name": _("已答复"), "data": [row.answered for row in rows]},
        ],
        unit=_("件"),
    )


def screen_panel(user, organisation, year: int):
    roots = policies.stats_roots(user)
    if not any(organisation.path.startswith(r.path) for r in roots):
        return None
    total, rows = selectors.statistics(organisation, year=year)
    return Panel(
        title=_("基层协商民情事项"),
        figures=[
            (_("群众反映"), total.raised),
            (_("议事会协商解决"), total.settled),
            (_("已答复"), total.answered),
            (_("满意率"), total.satisfaction),
        ],
        charts=[issues_chart(rows)] if rows else [],
        order=50,
    )


register(screen_panel)
