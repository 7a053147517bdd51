from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.dashboard import Card, counts

from . import policies, selectors
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
    if policies.records_for_leaders(user):
        cards.append(received_card(user))
    return cards


def received_card(user) -> Card:
    """报送本机关: for the Party committee's and government's offices, what this year brought
    them that their own office has recorded no leader's instruction on yet (always shown:
    it is their way to every item sent to them)."""
    year = timezone.localdate().year
    pending = len(selectors.received_items(user, state="pending", year=year))
    return Card(
        _("报送本机关的事项"),
        _("政协报送的重点提案、协商成果、社情民意信息和视察调研报告，今年尚未记录领导批示的%(n)s项")
        % {"n": pending},
        reverse("followups:received") + f"?state=pending&year={year}",
        pending,
        order=28,
    )
