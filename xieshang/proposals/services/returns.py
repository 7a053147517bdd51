"""A department sending the proposal back (申请退回), and the proposal committee's decision
on a split part sent back: hand it to another department (改交) or not (不再改交)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import calendar
from xieshang.core.audit import TransitionError, lock, record_event, transition
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase, joined
from xieshang.followups import services as followups
from xieshang.orgs import config

from .. import policies, rules
from ..models import Assignment, Proposal
from .answering import _answered, _parts_open
from .assignment import _check_assignable, _open_assignment
from .common import S, _notify_proposers, _reviewers, _today, access_can, months_later


def return_until(assignment: Assignment) -> dt.date:
    """The last day the department may send the proposal back (rules.RETURN_DAYS working
    days after the assignment)."""
    limit = config.get(assignment.proposal.organisation, rules.RETURN_DAYS)
    return calendar.add_working_days(timezone.localtime(assignment.assigned_at).date(), limit)


def return_refusal(assignment: Assignment) -> str | None:
    """Why the department may not send `assignment` back (申请退回), or None when it may:
    only while it handles it, only in the first round (in a re-handling round it answered
    the proposal before, so it is its job), and within rules.RETURN_DAYS working days. The
    one rule, for `assignment_return` and for the page offering it."""
    if assignment.status != Assignment.Status.HANDLING:
        return _("该交办已处理，不能退回。")
    if assignment.round > 1:
        return _("重新办理的提案不能申请退回：本单位已在上一轮答复，请按提案委员会的要求重新办理。")
    limit = config.get(assignment.proposal.organisation, rules.RETURN_DAYS)
    assigned_on = timezone.localtime(assignment.assigned_at).date()
    if calendar.working_days_between(assigned_on, _today()) > limit:
        return _("已超过交办后%(n)s个工作日的退回时限，请与提案委员会联系。") % {"n": limit}
    return None


@transaction.atomic
def assignment_return(*, assignment: Assignment, actor, reason: str) -> Assignment:
    """A department that is the wrong one sends the proposal back (it never forwards it),
    within the configured working days of the assignment, in the first round only
    (`return_refusal`). When no department handles the proposal any more in that round,
    it goes back to the proposal committee to be assigned again (待交办): never left
    办理中 with nobody handling it."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("proposal__organisation", "task")
        .get(pk=assignment.pk)
    )
    proposal = lock(Proposal, assignment.proposal_id)
    if not policies.can_handle(actor, assignment):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("请说明退回理由。")})
    refusal = return_refusal(assignment)
    if refusal is not None:
        if assignment.status != Assignment.Status.HANDLING or assignment.round > 1:
            raise TransitionError(refusal)
        raise ValidationError(refusal)
    assignment.status = Assignment.Status.RETURNED
    assignment.return_reason = reason
    assignment.save(update_fields=["status", "return_reason"])
    if assignment.task_id:
        # Through the engine's own transition: the task's history says who, when and why.
        followups.task_cancel_with_subject(
            task=assignment.task,
            actor=actor,
            note=Phrase(N_("承办单位申请退回：%(reason)s"), reason=reason),
            extension_note=Phrase(N_("承办单位已申请退回，延期申请自动撤回")),
        )
    # A split part sent back while another split department handles or has answered its own
    # waits on the committee (改交 or 不再改交) and the proposal stays 办理中 (`_send` does not
    # close it meanwhile). Only when no department of this round handles or answered it does
    # it go back to the committee to be assigned again as a whole.
    kept = [Assignment.Status.HANDLING]
    if assignment.role == Assignment.Role.SPLIT:
        kept.append(Assignment.Status.ANSWERED)
    still_handling = proposal.assignments.filter(
        status__in=kept,
        role__in=[Assignment.Role.LEAD, Assignment.Role.SPLIT],
        round=assignment.round,
    )
    if assignment.role != Assignment.Role.CO and not still_handling.exists():
        # No department answers any more: back to the proposal committee to reassign.
        # One history line: 办理中 → 已立案 (待交办), the department and its reason.
        withdrawn = _withdraw_co_handlers(proposal, assignment, actor)
        transition(
            proposal,
            to=S.ACCEPTED,
            allowed_from=[S.ASSIGNED],
            actor=actor,
            verb="proposal.assignment_return",
            note=reason,
            data={
                "department": assignment.department.name,
                "withdrawn": [a.department.name for a in withdrawn],
            },
        )
    else:
        record_event(
            actor=actor,
            verb="proposal.assignment_return",
            subject=proposal,
            note=reason,
            data={"department": assignment.department.name},
        )

    body = [f"{assignment.department.name}：{reason}"]
    if proposal.status == S.ASSIGNED and assignment.role == Assignment.Role.SPLIT:
        body.append(
            Phrase(N_("该部分待提案委员会改交其他单位或决定不再改交；决定之前，提案不会办结。"))
        )
    notify(
        _reviewers(proposal),
        title=Phrase(N_("承办单位申请退回提案：%(title)s"), title=proposal.title),
        body=body,
        url=proposal.get_absolute_url(),
        dedupe_key=f"proposal:{proposal.pk}:returned:{assignment.pk}",
    )
    return assignment


def reassign_refusal(assignment: Assignment, proposal: Proposal | None = None) -> str | None:
    """Why the part `assignment` handled may not be handed to another department now (改交),
    or None when it may: a split department (分办) sent its part back (申请退回) while the
    proposal is still in handling, in the proposal's current round, and the part was not
    handed on already. (A lead department sending the proposal back leaves nobody handling
    it: the proposal goes back to 待交办 and is assigned again as a whole.) The one rule,
    for `assignment_reassign` and for the committee's page offering it."""
    proposal = proposal or assignment.proposal
    if assignment.status == Assignment.Status.WITHDRAWN:
        return _("该部分已改交其他单位办理。")
    if assignment.status == Assignment.Status.CLOSED:
        return _("已决定该部分不再改交。")
    if assignment.status != Assignment.Status.RETURNED:
        return _("该单位未申请退回，不能改交。")
    if assignment.role != Assignment.Role.SPLIT:
        return _("只有分办单位退回的部分可以改交；主办单位退回的提案请重新交办。")
    if proposal.status != S.ASSIGNED:
        return _("提案已不在办理中，不能改交。")
    if proposal.assignments.filter(round__gt=assignment.round).exists():
        return _("该提案已进入新一轮办理，不能改交上一轮退回的部分。")
    return None


@transaction.atomic
def assignment_reassign(*, assignment: Assignment, actor, department, note: str = "") -> Assignment:
    """改交: the proposal committee hands the part a split department sent back (申请退回) to
    another department while the other split departments go on with theirs. The new
    department gets its own assignment and follow-up task, opened as at the first
    assignment (`_open_assignment`: the answer period counted from today, the contact-by
    date, the task's reminders and escalation); the returned assignment is marked 已改交;
    the history says from which department to which, and why; the new department and the
    proposers are told."""
    assignment, proposal = _lock_returned_part(assignment, actor)
    if department is None:
        raise ValidationError({"department": _("请选择改交的承办单位。")})
    _check_assignable(proposal, department, "department")
    if department.pk == assignment.department_id:
        raise ValidationError(
            {"department": _("%(dept)s已申请退回，请改交其他单位。") % {"dept": department.name}}
        )
    start = _today()
    due = months_later(start, config.get(proposal.organisation, rules.ANSWER_MONTHS))
    new = _open_assignment(
        proposal,
        department,
        Assignment.Role.SPLIT,
        actor,
        round_=assignment.round,
        start=start,
        due=due,
    )
    assignment.status = Assignment.Status.WITHDRAWN
    assignment.save(update_fields=["status"])
    note = note.strip()
    went = Phrase(
        N_("改交：%(from)s → %(to)s"),
        **{"from": assignment.department.name, "to": department.name},
    )
    record_event(
        actor=actor,
        verb="proposal.reassign",
        subject=proposal,
        note=joined([went, note]),
        data={
            "from": assignment.department.name,
            "to": department.name,
            "returned": assignment.pk,
            "assignment": new.pk,
        },
    )
    body = Phrase(
        N_(
            "%(from)s申请退回其分办的部分（理由：%(reason)s），提案委员会改交贵单位办理。"
            "请于%(contact)s前联系提案人，于%(due)s前书面答复。"
        ),
        reason=assignment.return_reason,
        contact=new.contact_due,
        due=due,
        **{"from": assignment.department.name},
    )
    notify(
        followups.assignees(new.task),
        title=Phrase(N_("提案改交贵单位办理：%(title)s"), title=proposal.title),
        body=[body, note],
        url=reverse("proposals:dept_handle", args=[new.pk]),
        dedupe_key=f"proposal:{proposal.pk}:reassigned:{new.pk}",
        channels=("inbox", "email", "sms"),
    )
    _notify_proposers(
        proposal,
        Phrase(N_("提案改交办理：%(title)s"), title=proposal.title),
        Phrase(
            N_("原由%(from)s办理的部分改交%(to)s办理。答复期限：%(due)s。"),
            due=due,
            **{"from": assignment.department.name, "to": department.name},
        ),
        f"reassigned:{new.pk}",
    )
    return new


def _withdraw_co_handlers(proposal: Proposal, returned: Assignment, actor) -> list[Assignment]:
    """The answering department sent the proposal back and none is left: the assignments
    still in handling (the co-handlers awaiting their view) are withdrawn, their follow-up
    tasks cancelled through the engine (no more reminders or overdue escalation, out of
    their queue, a pending extension request withdrawn), and each is told it need not give
    its view. A co-handler that already gave its view keeps it on record."""
    withdrawn = list(
        proposal.assignments.select_for_update(of=("self",))
        .filter(status=Assignment.Status.HANDLING)
        .select_related("department", "task")
        .order_by("id")
    )
    for co in withdrawn:
        co.status = Assignment.Status.WITHDRAWN
        co.save(update_fields=["status"])
        if co.task_id is None:
            continue
        followups.task_cancel_with_subject(
            task=co.task,
            actor=actor,
            note=Phrase(N_("主办单位已退回，协办事项撤销")),
            extension_note=Phrase(N_("主办单位已退回，延期申请自动撤回")),
        )
        notify(
            followups.assignees(co.task),
            title=Phrase(
                N_("提案已退回待重新交办，无需提出协办意见：%(title)s"), title=proposal.title
            ),
            body=Phrase(
                N_(
                    "%(dept)s已申请退回该提案，由提案委员会重新交办。贵单位的协办事项已撤销，"
                    "无需再提出协办意见；如重新交办给贵单位，将另行通知。"
                ),
                dept=returned.department.name,
            ),
            url=reverse("proposals:dept_handle", args=[co.pk]),
            dedupe_key=f"proposal:{proposal.pk}:co_withdrawn:{co.pk}",
        )
    return withdrawn


@transaction.atomic
def returned_part_close(*, assignment: Assignment, actor, reason: str) -> Assignment:
    """不再改交: the proposal committee decides that the part a split department sent back
    (申请退回) goes to no other department, and says why (required). The part is closed;
    when every other part of the round is answered, the proposal is answered with it (one
    history line, 办理中 → 已答复, the reason as its note) and the proposers are asked to
    rate, as on the last answer; otherwise the decision is one history line and the
    proposal stays 办理中. The proposers are told the part will not be answered, and why.
    The same conditions as 改交 (`reassign_refusal`)."""
    assignment, proposal = _lock_returned_part(assignment, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请说明不再改交的理由。")})
    assignment.status = Assignment.Status.CLOSED
    assignment.save(update_fields=["status"])
    # The reason in the event's data too, so it reads on its own (the 改交 page opened
    # before the decision, `views_committee._part_decision`), not cut out of the note.
    data = {"department": assignment.department.name, "returned": assignment.pk, "reason": reason}
    note = Phrase(
        N_("不再改交：%(dept)s退回的部分；%(reason)s"),
        dept=assignment.department.name,
        reason=reason,
    )
    _notify_proposers(
        proposal,
        Phrase(N_("提案部分内容不再改交：%(title)s"), title=proposal.title),
        Phrase(
            N_(
                "原由%(dept)s办理的部分，该单位申请退回，提案委员会决定不再改交其他单位办理。理由：%(reason)s"
            ),
            dept=assignment.department.name,
            reason=reason,
        ),
        f"reassign_close:{assignment.pk}",
    )
    if _parts_open(proposal, assignment.round).exists():
        record_event(
            actor=actor, verb="proposal.reassign_close", subject=proposal, note=note, data=data
        )
    else:
        _answered(proposal, assignment.round, actor, "proposal.reassign_close", note, data)
    return assignment


def _lock_returned_part(assignment: Assignment, actor) -> tuple[Assignment, Proposal]:
    """The returned part and its proposal, locked, for 改交 or 不再改交 (the same conditions)."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("department")
        .get(pk=assignment.pk)
    )
    proposal = lock(Proposal, assignment.proposal_id)
    if not access_can(actor, "proposals.assign", proposal):
        raise PermissionDenied
    refusal = reassign_refusal(assignment, proposal)
    if refusal is not None:
        raise TransitionError(refusal)
    return assignment, proposal
