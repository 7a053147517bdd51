"""/api/v1/budgets/: the yearly budget sheet of an organisation and one line with its
spending, read through the same selectors and policies as the pages (C6.4). Amounts are
decimal strings in yuan with two places, so no client reads them as floats."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from xieshang.api.files import api_file_url
from xieshang.api.schemas import ErrorOut, FileOut, Id, Year, described
from xieshang.budgets import policies, selectors
from xieshang.budgets.models import BudgetLine

router = Router(tags=["budgets"])


class FiguresOut(Schema):
    planned: Decimal
    spent: Decimal
    balance: Decimal
    rate: Decimal | None
    over: bool


class LineOut(FiguresOut):
    id: int
    organisation_id: int
    year: int
    category: str
    category_label: str
    item: str
    activity_id: int | None
    training_id: int | None
    liaison_room_id: int | None


class EntryOut(Schema):
    id: int
    date: dt.date
    amount: Decimal
    purpose: str
    voucher_no: str
    void: bool
    void_reason: str
    receipt: FileOut | None  # the receipt (票据), if one was uploaded


class LineDetailOut(LineOut):
    entries: list[EntryOut]


class ChildOut(FiguresOut):
    organisation_id: int
    organisation: str


class SheetOut(Schema):
    organisation_id: int
    organisation: str
    year: int
    total: FiguresOut
    lines: list[LineOut]
    children: list[ChildOut]
    grand_total: FiguresOut


class SheetFilters(Schema):
    org: described(Id | None, "组织编号，不填为您可查看的最高一级组织") = None
    year: described(Year | None, "年度，不填为今年") = None


CENT = Decimal("0.01")


def _figures(f) -> dict:
    # Amounts in yuan with two decimals, every one alike: a sum the database adds up comes
    # back as 8450.5 on SQLite, next to a planned 12000.00.
    return {
        "planned": Decimal(f.planned).quantize(CENT),
        "spent": Decimal(f.spent).quantize(CENT),
        "balance": Decimal(f.balance).quantize(CENT),
        "rate": f.rate,
        "over": f.over,
    }


def _line(line, spent) -> dict:
    figures = selectors.Figures(line.planned, spent)
    return {
        **_figures(figures),
        "id": line.pk,
        "organisation_id": line.organisation_id,
        "year": line.year,
        "category": line.category,
        "category_label": str(line.get_category_display()),
        "item": line.item,
        "activity_id": line.activity_id,
        "training_id": line.training_id,
        "liaison_room_id": line.liaison_room_id,
    }


@router.get(
    "/",
    response={200: SheetOut, 403: ErrorOut, 404: ErrorOut},
    summary="年度经费预算执行表",
    description=(
        "一个组织（org）某年度（year）的经费预算执行表：各项预算、合计及下级组织的汇总。"
        "金额为以元计、两位小数的字符串。"
    ),
)
def get_budget_sheet(request, filters: Query[SheetFilters]):
    """The sheet of `org` (default: the highest organisation the caller may read) for
    `year` (default: this year)."""
    if not policies.can_use(request.user):
        raise HttpError(403, _("无权查看经费预算。"))
    organisations = policies.viewable_organisations(request.user)
    if filters.org is not None:
        organisations = organisations.filter(pk=filters.org)
    organisation = organisations.first()
    if organisation is None:
        raise Http404
    sheet = selectors.year_sheet(organisation, filters.year or timezone.localdate().year)
    return {
        "organisation_id": organisation.pk,
        "organisation": organisation.name,
        "year": sheet.year,
        "total": _figures(sheet.total),
        "lines": [_line(line, line.spent) for g in sheet.groups for line in g.lines],
        "children": [
            {
                **_figures(row.figures),
                "organisation_id": row.organisation.pk,
                "organisation": row.organisation.name,
            }
            for row in sheet.children
        ],
        "grand_total": _figures(sheet.grand_total),
    }


@router.get(
    "/{pk}",
    response=LineDetailOut,
    summary="经费预算及支出记录",
    description="一项预算及其各笔支出（含作废的）和票据。",
)
def get_budget_line(request, pk: Id):
    line = BudgetLine.objects.select_related("organisation").filter(pk=pk).first()
    if line is None or not policies.can_view(request.user, line.organisation):
        raise Http404
    entries = list(selectors.entries_of(line))
    spent = sum((e.amount for e in entries if not e.is_void), Decimal("0.00"))
    return {
        **_line(line, spent),
        "entries": [
            {
                "id": e.pk,
                "date": e.date,
                "amount": e.amount,
                "purpose": e.purpose,
                "voucher_no": e.voucher_no,
                "void": e.is_void,
                "void_reason": e.void_reason,
                "receipt": (
                    {
                        "name": e.receipt_name or e.receipt.name.rsplit("/", 1)[-1],
                        "url": e.receipt_url,
                        "api_url": api_file_url(e, "receipt"),
                    }
                    if e.receipt
                    else None
                ),
            }
            for e in entries
        ],
    }
