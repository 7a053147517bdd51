"""The yearly sheet as an Excel workbook, through core.excel (user text stays text)."""

from django.utils.translation import gettext as _

from xieshang.core.excel import Book, append_row, xlsx_response

from .selectors import Figures, Sheet

MONEY_FORMAT = "#,##0.00"


def _figures(figures: Figures) -> list:
    rate = figures.rate
    return [
        figures.planned,
        figures.spent,
        figures.balance,
        float(rate) if rate is not None else None,
        _("超预算") if figures.over else "",
    ]


def _target_label(line) -> str:
    if line.activity_id:
        return _("协商活动")
    if line.training_id:
        return _("学习培训")
    if line.liaison_room_id:
        return _("委员联络室")
    return ""


def _money_columns(ws, columns: tuple[int, ...]) -> None:
    for row in ws.iter_rows(min_row=2):
        for index in columns:
            row[index].number_format = MONEY_FORMAT


def sheet_bytes(sheet: Sheet) -> bytes:
    book = Book()
    headers = [
        _("经费类别"),
        _("预算项目"),
        _("对应事项"),
        _("预算金额（元）"),
        _("已支出（元）"),
        _("结余（元）"),
        _("执行率（%）"),
        _("提示"),
    ]
    title = _("%(year)s年经费预算执行") % {"year": sheet.year}
    ws = book.sheet(title, headers)
    for group in sheet.groups:
        for line in group.lines:
            append_row(
                ws,
                [group.label, line.item, _target_label(line), *_figures(line)],
            )
        append_row(ws, [group.label, _("小计"), "", *_figures(group.figures)], bold=True)
    append_row(ws, [_("合计"), sheet.organisation.name, "", *_figures(sheet.total)], bold=True)
    _money_columns(ws, (3, 4, 5))
    if sheet.children:
        children = book.sheet(
            _("下级汇总"),
            [
                _("组织"),
                _("预算金额（元）"),
                _("已支出（元）"),
                _("结余（元）"),
                _("执行率（%）"),
                _("提示"),
            ],
        )
        for row in sheet.children:
            append_row(children, [row.organisation.name, *_figures(row.figures)])
        append_row(children, [_("合计（含本级）"), *_figures(sheet.grand_total)], bold=True)
        _money_columns(children, (1, 2, 3))
    return book.to_bytes()


def response(content: bytes, filename: str, *, fallback: str = ""):
    return xlsx_response(content, filename, fallback=fallback)
