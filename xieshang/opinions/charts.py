"""Charts of 社情民意 adoption (core.charts specs) for the statistics page, the yearly
summary and the big screen, built from `summary.Summary` — the figures the yearly summary
prints, so a chart and the document can never disagree."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xieshang.core import access, charts
from xieshang.core.screen import Panel, register

from . import summary as summary_module
from .summary import Summary


def adoption_chart(s: Summary) -> dict:
    return charts.bar(
        "chart-opinion-adoption",
        _("社情民意信息采用情况"),
        [
            pgettext("opinions submitted", "报送"),
            _("录用编发"),
            *[_("%(level)s采用") % {"level": row.label} for row in s.levels],
        ],
        [
            {
                "name": _("篇数"),
                "data": [s.received, s.accepted, *[row.items for row in s.levels]],
            }
        ],
        unit=_("篇"),
        summary=_("报送社情民意信息%(s)s篇，录用编发%(a)s篇，获领导批示%(i)s篇。")
        % {"s": s.received, "a": s.accepted, "i": s.instructed},
    )


def screen_panel(user, organisation, year: int):
    if not access.can(user, "opinions.view", organisation):
        return None
    s = summary_module.opinion_summary(organisation, year)
    return Panel(
        title=_("社情民意"),
        figures=[
            (pgettext("opinions submitted", "报送"), s.received),
            (_("录用编发"), s.accepted),
            (_("获批示"), s.instructed),
        ],
        charts=[adoption_chart(s)] if s.received else [],
        order=35,
    )


register(screen_panel)
