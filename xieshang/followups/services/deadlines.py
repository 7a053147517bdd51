"""The periodic deadline scan: reminders before the due date, escalation after it."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from xieshang.core import calendar
from xieshang.core.audit import record_event
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase

from ..models import Task
from .common import _task_url, assignees, escalation_recipients


def scan_deadlines(*, today: dt.date | None = None) -> dict[str, int]:
    """The periodic scan: remind before the due date, escalate after it.

    Idempotent: the reminder and the escalation are each claimed per due date with a
    compare-and-set update, and notifications carry a dedupe key, so running the scan twice
    (or on two hosts) sends nothing twice. An approved extension moves the due date and so
    allows one new reminder and one new escalation.
    """
    today = today or timezone.localdate()
    reminded = escalated = 0
    open_tasks = Task.objects.filter(status=Task.Status.OPEN).select_related(
        "organisation", "department"
    )
    # Reminders: due within the next `remind_days_before` working days, not yet reminded.
    horizon = calendar.add_working_days(today, 10)
    for task in open_tasks.filter(due_date__gte=today, due_date__lte=horizon).exclude(
        reminded_for=F("due_date")
    ):
        remind_from = calendar.add_working_days(task.due_date, -task.remind_days_before)
        if today < remind_from:
            continue
        claimed = (
            Task.objects.filter(pk=task.pk, status=Task.Status.OPEN, due_date=task.due_date)
            .exclude(reminded_for=task.due_date)
            .update(reminded_for=task.due_date)
        )
        if claimed != 1:
            continue
        notify(
            assignees(task),
            title=Phrase(N_("督办事项即将到期：%(title)s"), title=task.title),
            body=Phrase(N_("办理期限为%(due)s，请按时书面反馈。"), due=task.due_date),
            url=_task_url(task),
            dedupe_key=f"followup:{task.pk}:remind:{task.due_date}",
            channels=("inbox", "sms"),
        )
        reminded += 1
    # Escalation: past due and still open.
    for task in open_tasks.filter(due_date__lt=today).exclude(escalated_for=F("due_date")):
        with transaction.atomic():
            claimed = (
                Task.objects.filter(pk=task.pk, status=Task.Status.OPEN, due_date=task.due_date)
                .exclude(escalated_for=task.due_date)
                .update(escalated_for=task.due_date)
            )
            if claimed != 1:
                continue
            record_event(
                actor=None,
                verb="followup.overdue",
                subject=task,
                # No from → to: the task stays open; the escalation is an action on it.
                note=Phrase(N_("已超过办理期限（%(due)s），升级督办。"), due=task.due_date),
            )
        days = calendar.working_days_between(task.due_date, today)
        notify(
            [*assignees(task), *escalation_recipients(task)],
            title=Phrase(N_("督办事项已逾期：%(title)s"), title=task.title),
            # A deadline set on a rest day is past on the next rest day, with no working day
            # since: "已逾期0个工作日" read as not overdue at all.
            body=Phrase(
                N_("办理期限为%(due)s，已逾期%(days)s个工作日。"), due=task.due_date, days=days
            )
            if days
            else Phrase(N_("办理期限为%(due)s，已过期限。"), due=task.due_date),
            url=_task_url(task),
            dedupe_key=f"followup:{task.pk}:overdue:{task.due_date}",
            channels=("inbox", "email", "sms"),
        )
        escalated += 1
    return {"reminded": reminded, "escalated": escalated}
