from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.dashboard import Card, counts

from . import policies, selectors
from .models import Task


def followup_cards(user) -> list[Card]:
    # A city's or province's office reads its districts' tasks but acts on its own committee's:
    # the card counts those, and opens the queue's 仅本级 (the same list, the same number).
    own_level = selectors.reaches_below(user)
    tasks = selectors.visible_tasks(user, below=not own_level).filter(status=Task.Status.OPEN)
    # Extension requests for whoever decides them: counted in the same round trip.
    deciding = access.can(user, "followups.manage")
    extensions = selectors.extension_requests(user) if deciding else Task.objects.none()
    # A Party committee's or government's office decides the tasks its leaders' instructions
    # set: their extension requests and the feedback to accept or return, on one card.
    leaders_office = not deciding and policies.records_for_leaders(user)
    ours = (
        selectors.decided_by_office(user, selectors.visible_tasks(user))
        if leaders_office
        else Task.objects.none()
    )
    total, overdue, waiting, ours_extensions, ours_feedback = counts(
        tasks,
        tasks.filter(due_date__lt=timezone.localdate()),
        extensions,
        selectors.extension_requests(user, ours),
        ours.filter(status=Task.Status.SUBMITTED),
    )
    cards = []
    if total:
        cards.append(
            Card(
                _("督办事项"),
                _("要求书面反馈的事项，其中%(n)s项已逾期") % {"n": overdue}
                if overdue
                else _("要求书面反馈的事项"),
                reverse("followups:queue") + ("?level=own" if own_level else ""),
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
    if ours_extensions or ours_feedback:
        cards.append(decisions_card(ours_extensions, ours_feedback))
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


def decisions_card(extensions: int, feedback: int) -> Card:
    """本机关交办事项待处理: what the Party committee's or government's office is to decide on
    the tasks its leaders' instructions set; links to the tab with more waiting."""
    parts = []
    if feedback:
        parts.append(_("%(n)s项已反馈待确认办结") % {"n": feedback})
    if extensions:
        parts.append(_("%(n)s项申请延期待审批") % {"n": extensions})
    state = "submitted" if feedback >= extensions else "extension"
    return Card(
        _("本机关交办事项待处理"),
        _("领导批示交办的事项：") + _("，").join(parts),
        reverse("followups:queue") + f"?state={state}",
        feedback + extensions,
        order=26,
    )
