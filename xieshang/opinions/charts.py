"""Charts of 社情民意 adoption (core.charts specs) for the statistics page and the big
screen, built from `selectors.statistics` — the rows the statistics tables sum."""

from django.utils.translation import gettext as _

from xieshang.core import access, charts
from xieshang.core.screen import Panel, register

from . import selectors
from .models import AdoptionLevel


def totals(rows: list[dict]) -> dict:
    keys = ["submitted", "accepted", "instructed", *[f"adopted_{v}" for v in AdoptionLevel.values]]
    return {k: sum(r[k] for r in rows) for k in keys}


def adoption_chart(rows: list[dict]) -> dict:
    t = totals(rows)
    return charts.bar(
        "chart-opinion-adoption",
        _("社情民意信息采用情况"),
        [
            _("报送"),
            _("采用编发"),
            *[_("%(level)s采用") % {"level": label} for _v, label in AdoptionLevel.choices],
        ],
        [
            {
                "name": _("篇数"),
                "data": [
                    t["submitted"],
                    t["accepted"],
                    *[t[f"adopted_{v}"] for v in AdoptionLevel.values],
                ],
            }
        ],
        unit=_("篇"),
        summary=_("报送社情民意信息%(s)s篇，采用编发%(a)s篇，获领导批示%(i)s篇。")
        % {"s": t["submitted"], "a": t["accepted"], "i": t["instructed"]},
    )


def screen_panel(user, organisation, year: int):
    if not access.can(user, "opinions.view", organisation):
        return None
    rows = selectors.statistics(user, year=year)
    t = totals(rows)
    return Panel(
        title=_("社情民意"),
        figures=[
            (_("报送"), t["submitted"]),
            (_("采用编发"), t["accepted"]),
            (_("获批示"), t["instructed"]),
        ],
        charts=[adoption_chart(rows)] if rows else [],
        order=35,
    )


register(screen_panel)
