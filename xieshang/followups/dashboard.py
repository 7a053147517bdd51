from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.dashboard import Card

from . import selectors
from .models import Task


def followup_cards(user) -> list[Card]:
    tasks = selectors.visible_tasks(user).filter(status=Task.Status.OPEN)
    if not tasks.exists():
        return []
    overdue = tasks.filter(due_date__lt=timezone.localdate()).count()
    return [
        Card(
            _("督办事项"),
            _("要求书面反馈的事项，其中%(n)s项已逾期") % {"n": overdue}
            if overdue
            else _("要求书面反馈的事项"),
            reverse("followups:queue"),
            tasks.count(),
            urgent=bool(overdue),
            order=30,
        )
    ]
