"""申请延期: a department asks for more time to answer, through the follow-up engine,
capped by the configured maximum after the assignment."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core.audit import TransitionError, record_event
from xieshang.core.phrases import Phrase, joined
from xieshang.core.text import reader_date
from xieshang.followups import services as followups
from xieshang.orgs import config

from .. import policies, rules
from ..models import Assignment
from .common import _notify_proposers, months_later


@transaction.atomic
def assignment_extension_request(
    *, assignment: Assignment, actor, requested_due: dt.date, reason: str
):
    """申请延期 through the follow-up engine, capped: the new date may not pass the
    assignment date plus the configured maximum (default 6 months); beyond it the proposal
    committee cannot approve, so it is refused here."""
    assignment = Assignment.objects.select_related("proposal__organisation", "task").get(
        pk=assignment.pk
    )
    if not policies.can_handle(actor, assignment):
        raise PermissionDenied
    if assignment.status != Assignment.Status.HANDLING or assignment.task is None:
        raise TransitionError(_("该提案已答复或已退回，不能申请延期。"))
    months = config.get(assignment.proposal.organisation, rules.MAX_EXTENSION_MONTHS)
    cap = months_later(timezone.localtime(assignment.assigned_at).date(), months)
    if requested_due > cap:
        raise ValidationError(
            {
                "requested_due": _("延期后的期限最长为交办后%(n)s个月，即不晚于%(cap)s。")
                % {"n": months, "cap": reader_date(cap)}
            }
        )
    return followups.extension_request(
        task=assignment.task, requested_due=requested_due, reason=reason, actor=actor
    )


def on_extension_approved(sender, *, task, extension, old_due: dt.date, actor, **kwargs) -> None:
    """The follow-up engine's `extension_approved` signal, inside its transaction: an
    extension of a department's task (approved on the follow-up page, whoever decides) is a
    line of the proposal's history, which the proposal's and the department's pages show,
    and the proposers, told the answer date at the assignment, learn the new one when the
    part answering them (主办, 分办) gets it; a co-handler's date is no concern of theirs."""
    assignment = (
        Assignment.objects.filter(task=task).select_related("proposal", "department").first()
    )
    if assignment is None:
        return  # a task of another module
    proposal, department = assignment.proposal, assignment.department.name
    record_event(
        actor=actor,
        verb="proposal.extension_approve",
        subject=proposal,
        note=joined(
            [
                Phrase(
                    N_("%(dept)s办理期限：%(from)s → %(to)s"),
                    dept=department,
                    **{"from": old_due, "to": task.due_date},
                ),
                extension.decision_note,
            ]
        ),
        data={
            "department": department,
            "from": old_due.isoformat(),
            "to": task.due_date.isoformat(),
        },
    )
    if assignment.contacts_proposers:
        _notify_proposers(
            proposal,
            Phrase(N_("提案答复期限延长：%(title)s"), title=proposal.title),
            Phrase(N_("%(dept)s的答复期限延至%(due)s。"), dept=department, due=task.due_date),
            f"extended:{extension.pk}",
        )
