"""Demo budgets for the demo district's current year: a few consultation activities and
trainings of this year, three liaison rooms and one free-text item, with some spending, one
line over budget and one voided entry. Everything goes through the services, so the audit
trail and the over-budget notice are real. No random draws: the demo modules after this one
draw what they drew before."""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from xieshang.consultation.models import Activity
from xieshang.core import access
from xieshang.meetings.models import Meeting, MeetingKind
from xieshang.orgs.models import LiaisonRoom, Role

from . import services
from .models import BudgetLine, Category, SpendingEntry

# (planned, [(day of year as a share of the days so far, amount, purpose, voucher)])
ACTIVITY_SPENDING = [
    ("12000", [(0.3, "3600", "会场租用", "记-03-017"), (0.35, "4850.5", "资料印制", "记-03-021")]),
    ("8000", [(0.5, "6620", "专家咨询费和会务费", "记-06-008")]),
]
TRAINING_SPENDING = [("30000", [(0.4, "18500", "培训场地及食宿", "记-05-002")])]
ROOM_SPENDING = [
    ("20000", [(0.2, "6000", "联络室办公用品和水电", "记-02-011")]),
    ("15000", [(0.6, "2300", "委员接待日茶歇", "记-07-004")]),
    ("15000", []),
]


def _day(today: dt.date, share: float) -> dt.date:
    start = dt.date(today.year, 1, 1)
    return start + dt.timedelta(days=int((today - start).days * share))


def build(*, organisation, rng: random.Random) -> None:
    office = access.role_holders(organisation, Role.OFFICE).first()
    if office is None or BudgetLine.objects.filter(organisation=organisation).exists():
        return
    today = timezone.localdate()
    year = today.year
    plans = []
    activities = Activity.objects.filter(organisation=organisation, date__year=year).order_by(
        "date", "id"
    )[: len(ACTIVITY_SPENDING)]
    for activity, (planned, spending) in zip(activities, ACTIVITY_SPENDING, strict=False):
        plans.append(({"activity": activity, "category": Category.ACTIVITY}, planned, spending))
    trainings = Meeting.objects.filter(
        organisation=organisation, kind=MeetingKind.TRAINING, start__year=year
    ).order_by("start", "id")[: len(TRAINING_SPENDING)]
    for training, (planned, spending) in zip(trainings, TRAINING_SPENDING, strict=False):
        plans.append(({"training": training, "category": Category.TRAINING}, planned, spending))
    rooms = LiaisonRoom.objects.filter(street__parent=organisation).order_by("street__path")[
        : len(ROOM_SPENDING)
    ]
    for room, (planned, spending) in zip(rooms, ROOM_SPENDING, strict=False):
        plans.append(
            (
                {"liaison_room": room, "category": Category.LIAISON_ROOM, "item": f"{room.name}"},
                planned,
                spending,
            )
        )
    plans.append(
        (
            {"category": Category.TRAINING, "item": "新任委员履职培训教材"},
            "3000",  # the one over budget
            [(0.15, "3200", "教材采购", "记-01-009")],
        )
    )
    voided = False
    for target, planned, spending in plans:
        line = services.line_create(
            organisation=organisation, actor=office, year=year, planned=Decimal(planned), **target
        )
        for share, amount, purpose, voucher in spending:
            entry = services.spending_add(
                line=line,
                actor=office,
                date=_day(today, share),
                amount=Decimal(amount),
                purpose=purpose,
                voucher_no=voucher,
            )
            if not voided:
                # A duplicate keyed twice (half an hour later: one posted twice at once is
                # counted once, services.DOUBLE_SUBMIT), voided with its reason.
                SpendingEntry.objects.filter(pk=entry.pk).update(
                    created_at=entry.created_at - dt.timedelta(minutes=30)
                )
                duplicate = services.spending_add(
                    line=line,
                    actor=office,
                    date=entry.date,
                    amount=entry.amount,
                    purpose=purpose,
                    voucher_no=voucher,
                )
                services.spending_void(entry=duplicate, actor=office, reason="重复录入")
                voided = True
