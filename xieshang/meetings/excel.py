"""The attendance report as an Excel workbook: members by sitting, leaders, sectors."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .selectors import Grid


def attendance_workbook(grid: Grid) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("委员出勤")
    header = [_("姓名"), _("界别"), *[s.title for s in grid.sittings], _("出勤结果")]
    ws.append(header)
    for row in grid.members:
        inv = row.invitation
        ws.append(
            [
                inv.name,
                inv.sector.name if inv.sector_id else "",
                *[c.label for c in row.cells],
                row.outcome_label,
            ]
        )
    leaders = wb.create_sheet(_("领导出席"))
    leaders.append([_("姓名"), _("职务"), *[s.title for s in grid.sittings], _("出席情况")])
    for row in grid.leaders:
        inv = row.invitation
        leaders.append([inv.name, inv.title, *[c.label for c in row.cells], row.outcome_label])
    sectors = wb.create_sheet(_("界别统计"))
    sectors.append([_("界别"), _("应到"), _("出席"), _("迟到"), _("请假"), _("缺席"), _("出勤率")])
    for fig in grid.sectors:
        sectors.append(
            [fig.name, fig.invited, fig.present, fig.late, fig.excused, fig.absent, fig.rate]
        )
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
