"""协办: a co-handler's view (协办意见) to the lead department, and which co-handlers the
lead department's answer consulted or still waits on."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core.audit import TransitionError, record_event
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase
from xieshang.followups import services as followups
from xieshang.followups.models import Feedback

from .. import policies
from ..models import Answer, Assignment


def lead_answered_on(assignment: Assignment) -> dt.date | None:
    """For a co-handler: the day the lead department's answer (same round) went to the
    proposers, None while the lead is still handling. A view sent after it is still taken
    (`co_view_submit`) but filed: the letter that went out does not name it."""
    if assignment.role != Assignment.Role.CO:
        return None
    sent = (
        Answer.objects.filter(
            assignment__proposal_id=assignment.proposal_id,
            assignment__role=Assignment.Role.LEAD,
            assignment__round=assignment.round,
            sent_at__isnull=False,
        )
        .order_by("sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    return timezone.localtime(sent).date() if sent is not None else None


@transaction.atomic
def co_view_submit(*, assignment: Assignment, actor, text: str) -> Feedback:
    """A co-handler's view goes to the lead department (as the co task's written feedback).
    One sent after the lead department answered (`lead_answered_on`) is taken all the same:
    it is the co-handler's record of its duty, and the follow-up engine counts it; it is
    filed, not in the answer letter, and the lead is not asked to act on it (the pages say
    so to both)."""
    if assignment.role != Assignment.Role.CO:
        raise ValidationError(_("只有协办单位提出协办意见。"))
    if not policies.can_handle(actor, assignment):
        raise PermissionDenied
    # Re-read under lock: the page may be old, the co-handling withdrawn or answered since.
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("proposal", "department", "task")
        .get(pk=assignment.pk)
    )
    if assignment.status == Assignment.Status.WITHDRAWN:
        raise TransitionError(
            _("主办单位已退回该提案，本单位的协办事项已撤销，无需再提出协办意见。")
        )
    if assignment.status == Assignment.Status.ANSWERED:
        raise TransitionError(_("本单位已提出协办意见，不能重复提交。"))
    if assignment.status != Assignment.Status.HANDLING or assignment.task is None:
        raise TransitionError(_("该协办事项已不在办理中，不能提出协办意见。"))
    # The view goes to the lead department (told below); the committee acts on none.
    feedback = followups.feedback_submit(
        task=assignment.task, text=text, actor=actor, tell_requester=False
    )
    assignment.status = Assignment.Status.ANSWERED
    assignment.save(update_fields=["status"])
    # A line of the proposal's history (who, when, which department), as the other handling
    # steps are: the engine's own record is on the co task, which the proposal page does
    # not show. The view itself stays between the departments (the proposers read this
    # history), so the line names the department, not the text.
    after_answer = lead_answered_on(assignment) is not None
    department = assignment.department.name
    record_event(
        actor=actor,
        verb="proposal.co_view",
        subject=assignment.proposal,
        note=Phrase(N_("%(dept)s（主办单位答复后提交，存档备查）"), dept=department)
        if after_answer
        else department,
        data={"department": department, "round": assignment.round, "after_answer": after_answer},
    )
    lead = assignment.proposal.assignments.filter(
        role=Assignment.Role.LEAD, status=Assignment.Status.HANDLING
    ).first()
    if lead is not None and lead.task_id:
        notify(
            followups.assignees(lead.task),
            title=Phrase(N_("收到协办意见：%(title)s"), title=assignment.proposal.title),
            body=f"{assignment.department.name}：{text[:200]}",
            url=assignment.proposal.get_absolute_url(),
            dedupe_key=f"proposal:{assignment.proposal_id}:coview:{assignment.pk}",
        )
    return feedback


def co_handlers_consulted(assignment: Assignment, *, by: dt.datetime | None = None) -> list:
    """The co-handlers of the lead `assignment` (same round) that sent their view (协办意见)
    — by `by`, when given: the day the answer went out — the ones an answer letter may say
    it consulted (经商…). One still working on its view, or one that sent the proposal back
    as not its job, was not consulted."""
    views = Feedback.objects.filter(task=OuterRef("task"))
    if by is not None:
        views = views.filter(created_at__lte=by)
    return list(
        assignment.proposal.assignments.filter(
            role=Assignment.Role.CO, round=assignment.round, status=Assignment.Status.ANSWERED
        )
        .filter(Exists(views))
        .select_related("department")
        .order_by("id")
    )


def co_handlers_outstanding(assignment: Assignment) -> list:
    """The co-handlers of the lead `assignment` (same round) whose view is still awaited:
    the lead department may answer anyway (their deadline may have passed), but is told."""
    if assignment.role != Assignment.Role.LEAD:
        return []
    return list(
        assignment.proposal.assignments.filter(
            role=Assignment.Role.CO, round=assignment.round, status=Assignment.Status.HANDLING
        )
        .select_related("department")
        .order_by("id")
    )
