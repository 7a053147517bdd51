from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.dashboard import Card, counts

from . import selectors
from .models import Task


def followup_cards(user) -> list[Card]:
    tasks = selectors.visible_tasks(user).filter(status=Task.Status.OPEN)
    # Extension requests for whoever decides them: counted in the same round trip.
    deciding = access.can(user, "followups.manage")
    extensions = selectors.extension_requests(user) if deciding else Task.objects.none()
    total, overdue, waiting = counts(
        tasks, tasks.filter(due_date__lt=timezone.localdate()), extensions
    )
    cards = []
    if total:
        cards.append(
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
        )
    if waiting:
        cards.append(
            Card(
                _("延期申请审批"),
                _("承办单位申请延长办理期限，待您审批"),
                reverse("followups:queue") + "?state=extension",
                waiting,
                order=26,
            )
        )
    return cards
