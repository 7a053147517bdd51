"""Charts of meeting attendance (core.charts specs) for the figures page and the big
screen, built from `selectors.attendance_by_kind`."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xieshang.core import access, charts
from xieshang.core.screen import Panel, register
from xieshang.core.text import rate

from . import selectors
from .models import MeetingKind


def attendance_chart(rows: list[dict]) -> dict:
    order = {kind: i for i, kind in enumerate(MeetingKind.values)}
    rows = sorted(rows, key=lambda r: order.get(r["kind"], len(order)))
    present = sum(r["present"] for r in rows)
    late = sum(r.get("late", 0) for r in rows)
    counted = present + sum(r["excused"] + r["absent"] for r in rows)
    # The bars count the late as present; the tables below have 出席 and 迟到 apart, so the
    # chart says its 出席 includes them.
    if not counted:
        summary = ""
    elif late:
        summary = _(
            "已结束的会议共应到%(n)s人次，出席%(p)s人次（含迟到%(l)s人次），出勤率%(rate)s%%。"
        ) % {"n": counted, "p": present, "l": late, "rate": rate(present, counted)}
    else:
        summary = _("已结束的会议共应到%(n)s人次，出席%(p)s人次，出勤率%(rate)s%%。") % {
            "n": counted,
            "p": present,
            "rate": rate(present, counted),
        }
    return charts.bar(
        "chart-attendance-kinds",
        _("委员出席情况（按会议类型）"),
        [MeetingKind(r["kind"]).label if r["kind"] in order else r["kind"] for r in rows],
        [
            {"name": _("出席（含迟到）"), "data": [r["present"] for r in rows]},
            {"name": _("请假"), "data": [r["excused"] for r in rows]},
            {"name": _("缺席"), "data": [r["absent"] for r in rows]},
        ],
        unit=pgettext("chart unit: attendances", "人次"),
        summary=summary,
    )


def screen_panel(user, organisation, year: int):
    if not access.can(user, "meetings.view", organisation):
        return None
    rows = selectors.attendance_by_kind(user, year=year)
    chart = attendance_chart(rows)
    return Panel(title=_("会议活动"), charts=[chart] if rows else [], order=30)


register(screen_panel)
