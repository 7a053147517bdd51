"""The attendance report of a meeting as an Excel workbook (members by sitting, leaders,
sectors), and the year's attendance figures (members, sectors, leaders) as another."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xieshang.core.excel import Book, Percent, append_row

from .models import Meeting
from .selectors import Grid, MemberFigure


def attendance_workbook(grid: Grid) -> bytes:
    book = Book()
    titles = [s.display_title for s in grid.sittings]
    ws = book.sheet(_("委员出勤"), [_("姓名"), _("界别"), *titles, _("出勤结果")], min_width=0)
    for row in grid.members:
        inv = row.invitation
        append_row(
            ws,
            [
                inv.name,
                inv.sector.name if inv.sector_id else "",
                *[c.label for c in row.cells],
                row.outcome_label,
            ],
        )
    leaders = book.sheet(_("领导出席"), [_("姓名"), _("职务"), *titles, _("出席情况")], min_width=0)
    for row in grid.leaders:
        inv = row.invitation
        append_row(leaders, [inv.name, inv.title, *[c.label for c in row.cells], row.outcome_label])
    # Absence is decided when attendance closes; before then the column counts 未到.
    closed = grid.meeting.status == Meeting.Status.CLOSED
    sectors = book.sheet(
        _("界别统计"),
        [
            _("界别"),
            _("应到"),
            _("出席"),
            _("迟到"),
            _("请假"),
            _("缺席") if closed else _("未到"),
            _("出勤率"),
        ],
        min_width=0,
    )
    for fig in grid.sectors:
        missing = fig.absent if closed else fig.waiting
        append_row(
            sectors,
            [
                fig.name,
                fig.invited,
                fig.present,
                fig.late,
                fig.excused,
                missing,
                # A number shown as a percentage, as the year's figures are: the office sorts
                # and averages the sectors' rates in Excel, which a "93.5%" text prevents.
                Percent(fig.share) if fig.share is not None else "—",
            ],
        )
    return book.to_bytes()


def figures_workbook(
    members: list[MemberFigure], sectors: dict[str, dict[str, int]], leaders: list[MemberFigure]
) -> bytes:
    """The year's attendance as /meetings/attendance/ shows it: one sheet per table."""
    book = Book()
    ws = book.sheet(
        _("委员"),
        [_("姓名"), _("界别"), _("应到"), _("出席"), _("迟到"), _("请假"), _("缺席"), _("出勤率")],
        min_width=0,
    )
    for f in members:
        share = f.share
        append_row(
            ws,
            [
                f.name,
                f.sector,
                f.invited,
                f.present,
                f.late,
                f.excused,
                f.absent,
                Percent(share) if share is not None else "—",
            ],
        )
    ws = book.sheet(
        _("分界别"),
        [_("界别"), _("应到人次"), _("出席"), _("迟到"), _("请假"), _("缺席")],
        min_width=0,
    )
    for name, s in sectors.items():
        append_row(ws, [name, s["invited"], s["present"], s["late"], s["excused"], s["absent"]])
    ws = book.sheet(
        _("领导出席（单列）"),
        [_("姓名"), _("职务"), pgettext("invited count", "邀请"), _("出席"), _("请假"), _("缺席")],
        min_width=0,
    )
    for f in leaders:
        append_row(ws, [f.name, f.sector, f.invited, f.present + f.late, f.excused, f.absent])
    return book.to_bytes()
