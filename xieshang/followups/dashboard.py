from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.dashboard import Card, counts

from . import selectors
from .models import Task


def followup_cards(user) -> list[Card]:
    tasks = selectors.visible_tasks(user).filter(status=Task.Status.OPEN)
    total, overdue = counts(tasks, tasks.filter(due_date__lt=timezone.localdate()))
    if not total:
        return []
    return [
        Card(
            _("督办事项"),
            _("要求书面反馈的事项，其中%(n)s项已逾期") % {"n": overdue}
            if overdue
            else _("要求书面反馈的事项"),
            reverse("followups:queue"),
            total,
            urgent=bool(overdue),
            order=30,
        )
    ]
