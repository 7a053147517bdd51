"""Every change to the activity budgets. Views, the demo and (later) the API call these; each
checks the actor's right, applies the change and writes the audit event in one transaction.

- `line_create`: a budget line for an activity, a training, a liaison room (for a year) or a
  free-text item.
- `line_update`: its item, planned amount, note (and the category of a free-text item);
  versioned, so a stale edit fails loudly.
- `spending_add`: a payment charged to the line; when it takes the line over budget the
  committee's chair and office hear of it once.
- `spending_void`: a wrong payment is voided with a reason, never deleted.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import access
from xieshang.core.audit import changed_fields, lock, record_event, save_versioned
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase
from xieshang.meetings.models import MeetingKind
from xieshang.orgs.models import Organisation, Role

from . import policies, selectors
from .models import BudgetLine, Category, SpendingEntry

CENT = Decimal("0.01")
EDITABLE = ["item", "planned", "note", "category"]


def money(value) -> Decimal:
    """Yuan with two places (half up, as on a voucher)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _require_manage(actor, organisation: Organisation) -> None:
    if not policies.can_manage(actor, organisation):
        raise PermissionDenied


def _in_subtree(organisation: Organisation, other: Organisation) -> bool:
    return other.path.startswith(organisation.path)


def _check_target(
    *, organisation, year: int, category: str, activity, training, liaison_room
) -> None:
    """The target lies in the organisation's tree, is of the line's category and year, and
    has no line yet. Field errors, so the form shows them where the user chose."""
    targets = [t for t in (activity, training, liaison_room) if t is not None]
    if len(targets) > 1:
        raise ValidationError(_("一条预算只能对应一项活动、一次培训或一个委员联络室。"))
    if activity is not None:
        if not _in_subtree(organisation, activity.organisation):
            raise ValidationError({"activity": _("所选协商活动不属于该组织。")})
        if category != Category.ACTIVITY:
            raise ValidationError({"category": _("协商活动的预算应列入“活动经费”。")})
        if activity.date.year != year:
            raise ValidationError(
                {"year": _("该活动在%(y)s年举行，预算年度须一致。") % {"y": activity.date.year}}
            )
        if BudgetLine.objects.filter(activity=activity).exists():
            raise ValidationError({"activity": _("该协商活动已有预算。")})
    if training is not None:
        if training.kind != MeetingKind.TRAINING:
            raise ValidationError({"training": _("所选会议活动不是学习培训。")})
        if not _in_subtree(organisation, training.organisation):
            raise ValidationError({"training": _("所选学习培训不属于该组织。")})
        if category != Category.TRAINING:
            raise ValidationError({"category": _("学习培训的预算应列入“教育培训经费”。")})
        start_year = timezone.localtime(training.start).year
        if start_year != year:
            raise ValidationError(
                {"year": _("该培训在%(y)s年举办，预算年度须一致。") % {"y": start_year}}
            )
        if BudgetLine.objects.filter(training=training).exists():
            raise ValidationError({"training": _("该学习培训已有预算。")})
    if liaison_room is not None:
        if not _in_subtree(organisation, liaison_room.street):
            raise ValidationError({"liaison_room": _("所选委员联络室不属于该组织。")})
        if category != Category.LIAISON_ROOM:
            raise ValidationError({"category": _("委员联络室的预算应列入“联络室经费”。")})
        if BudgetLine.objects.filter(liaison_room=liaison_room, year=year).exists():
            raise ValidationError({"liaison_room": _("该委员联络室本年度已有预算。")})


@transaction.atomic
def line_create(
    *,
    organisation: Organisation,
    actor,
    year: int,
    category: str,
    planned,
    item: str = "",
    note: str = "",
    activity=None,
    training=None,
    liaison_room=None,
) -> BudgetLine:
    """A budget line of a CPPCC organisation for a year. A line for a target takes the
    target's name when no item is given; a free-text line needs its item."""
    _require_manage(actor, organisation)
    if organisation.level not in policies.CPPCC_LEVELS:
        raise ValidationError({"organisation": _("预算由政协组织编制。")})
    planned = money(planned)
    if planned < 0:
        raise ValidationError({"planned": _("预算金额不能为负数。")})
    _check_target(
        organisation=organisation,
        year=year,
        category=category,
        activity=activity,
        training=training,
        liaison_room=liaison_room,
    )
    target = activity or training or liaison_room
    item = (item or "").strip() or (str(target)[:100] if target is not None else "")
    if not item:
        raise ValidationError({"item": _("请填写预算项目。")})
    line = BudgetLine.objects.create(
        organisation=organisation,
        year=year,
        category=category,
        activity=activity,
        training=training,
        liaison_room=liaison_room,
        item=item,
        planned=planned,
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event(
        actor=actor,
        verb="budget.create",
        subject=line,
        data={"year": year, "category": category, "planned": str(planned)},
    )
    return line


@transaction.atomic
def line_update(*, line: BudgetLine, actor, expected_version: int, **values) -> BudgetLine:
    """Change the item, planned amount, note or (for a free-text line) the category. A stale
    edit raises `StaleEdit`; the target and year of a line never change."""
    line = lock(BudgetLine, line.pk)
    _require_manage(actor, line.organisation)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if "planned" in values:
        values["planned"] = money(values["planned"])
        if values["planned"] < 0:
            raise ValidationError({"planned": _("预算金额不能为负数。")})
    if "item" in values:
        values["item"] = (values["item"] or "").strip()
        if not values["item"]:
            raise ValidationError({"item": _("请填写预算项目。")})
    if line.target is not None and values.get("category", line.category) != line.category:
        raise ValidationError({"category": _("对应活动、培训或联络室的预算不能改变类别。")})
    before = {k: getattr(line, k) for k in values}
    for key, value in values.items():
        setattr(line, key, value)
    save_versioned(line, expected_version=expected_version, fields=list(values))
    planned_note = ""
    if "planned" in values and before["planned"] != values["planned"]:
        planned_note = f"{before['planned']:,.2f} → {values['planned']:,.2f}"
        # Cut below what is spent already: the line is over budget now, as if a payment
        # had taken it over, and the chair and office hear of it the same way (once).
        spent = selectors.spent_of(line)
        if values["planned"] < spent <= before["planned"]:
            _alert_over_budget(line, actor, spent)
    record_event(
        actor=actor,
        verb="budget.edit",
        subject=line,
        note=planned_note,
        data={
            "changed": changed_fields(
                {k: str(v) for k, v in before.items()}, {k: str(v) for k, v in values.items()}
            )
        },
    )
    return line


def _alert_over_budget(line: BudgetLine, actor, spent: Decimal) -> None:
    """Tell the chair's meeting and the office of the line's organisation, once per line,
    that its spending passed the plan."""
    recipients = [
        user
        for user in access.role_holders(line.organisation, Role.CHAIR, Role.OFFICE)
        if user.pk != getattr(actor, "pk", None)
    ]
    notify(
        recipients,
        title=Phrase(N_("经费超预算：%(item)s"), item=line.item),
        body=Phrase(
            N_("%(year)s年预算 %(planned)s 元，已支出 %(spent)s 元。"),
            year=line.year,
            planned=f"{line.planned:,.2f}",
            spent=f"{spent:,.2f}",
        ),
        url=line.get_absolute_url(),
        dedupe_key=f"budget.over:{line.pk}",
    )


def spending_date_refusal(date: dt.date, *, year: int) -> str | None:
    """Why a payment cannot be dated so, or None. The spend form runs it too, so that a
    date outside the budget year shows beside the other fields' errors, not after them."""
    if date.year != year:
        return _("支出日期须在预算年度（%(y)s年）内。") % {"y": year}
    if date > timezone.localdate():
        return _("支出日期不能晚于今天。")
    return None


# A second post of the same form (a double click on 登记, or the second of two requests the
# browser sent) arrives within a second or two; a clerk entering the next receipt of a stack,
# even an identical one, takes longer than this to fill the form again.
DOUBLE_SUBMIT = dt.timedelta(seconds=5)


def _just_entered(line, actor, date, amount, purpose, voucher_no, receipt):
    """The same payment entered by the same user on the line moments ago, or None: the
    line is locked, so a double submit finds the first one here instead of counting the
    payment twice."""
    if not getattr(actor, "pk", None):
        return None
    return (
        SpendingEntry.objects.filter(
            line=line,
            created_by=actor,
            date=date,
            amount=amount,
            purpose=purpose.strip(),
            voucher_no=voucher_no.strip(),
            receipt_name=getattr(receipt, "name", "") or "",
            voided_at__isnull=True,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT,
        )
        .order_by("-id")
        .first()
    )


@transaction.atomic
def spending_add(
    *,
    line: BudgetLine,
    actor,
    date: dt.date,
    amount,
    purpose: str,
    voucher_no: str = "",
    receipt=None,
) -> SpendingEntry:
    """Charge a payment to the line. It is dated within the line's year and not in the
    future; the receipt, if any, has passed the upload policy in the form."""
    line = lock(BudgetLine, line.pk)
    _require_manage(actor, line.organisation)
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("支出金额须大于零。")})
    refusal = spending_date_refusal(date, year=line.year)
    if refusal:
        raise ValidationError({"date": refusal})
    twin = _just_entered(line, actor, date, amount, purpose, voucher_no, receipt)
    if twin is not None:
        return twin
    before = selectors.spent_of(line)
    entry = SpendingEntry.objects.create(
        line=line,
        date=date,
        amount=amount,
        purpose=purpose.strip(),
        voucher_no=voucher_no.strip(),
        receipt=receipt or "",
        receipt_name=getattr(receipt, "name", "") or "",
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    after = before + amount
    record_event(
        actor=actor,
        verb="budget.spend",
        subject=line,
        # The amount in the note too: the line's history reads "登记支出 — 会场租用（3,600.00）".
        note=Phrase(N_("%(what)s（%(amount)s）"), what=entry.purpose, amount=f"{amount:,.2f}"),
        data={
            "entry": entry.pk,
            "date": date.isoformat(),
            "amount": str(amount),
            "voucher_no": entry.voucher_no,
            "spent": str(after),
        },
    )
    if before <= line.planned < after:
        _alert_over_budget(line, actor, after)
    return entry


@transaction.atomic
def spending_void(*, entry: SpendingEntry, actor, reason: str) -> SpendingEntry:
    """Void a wrong payment: it stays on the line's page, struck out, and no longer counts."""
    line = lock(BudgetLine, entry.line_id)
    _require_manage(actor, line.organisation)
    entry = SpendingEntry.objects.select_for_update().get(pk=entry.pk, line=line)
    if entry.voided_at is not None:
        raise ValidationError(_("该支出记录已作废。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写作废原因。")})
    entry.voided_at = timezone.now()
    entry.voided_by = actor if getattr(actor, "pk", None) else None
    entry.void_reason = reason[:200]
    entry.save(update_fields=["voided_at", "voided_by", "void_reason"])
    record_event(
        actor=actor,
        verb="budget.void",
        subject=line,
        note=Phrase(N_("%(what)s（%(amount)s）"), what=reason, amount=f"{entry.amount:,.2f}"),
        data={
            "entry": entry.pk,
            "date": entry.date.isoformat(),
            "amount": str(entry.amount),
            "voucher_no": entry.voucher_no,
        },
    )
    return entry
