"""The proposers' evaluation of the answer, re-handling once after an unsatisfied rating,
and closing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from xieshang.core.audit import TransitionError, lock, record_event, transition
from xieshang.followups import services as followups
from xieshang.followups.models import Task
from xieshang.orgs import config

from .. import policies, rules
from ..models import Answer, Assignment, Evaluation, Proposal, Rating, Signer
from .common import S, _today, access_can, months_later
from .handling import _open_assignment


def proposers(proposal: Proposal) -> list:
    """The members who rate an answer: the first proposer and the confirmed co-signers of
    the proposal and of every proposal merged into it."""
    result = []
    for target in [proposal, *proposal.merged_proposals.all()]:
        if target.first_proposer_id:
            result.append(target.first_proposer)
        result.extend(s.member for s in target.signers.filter(status=Signer.Status.CONFIRMED))
    return result


@transaction.atomic
def evaluation_submit(
    *, answer: Answer, actor, process: str, result: str, comment: str = ""
) -> Evaluation:
    member = policies.member_of(actor)
    proposal = lock(Proposal, answer.assignment.proposal_id)
    if member is None or member.pk not in {m.pk for m in proposers(proposal)}:
        raise PermissionDenied
    if proposal.status != S.ANSWERED or answer.sent_at is None:
        raise TransitionError(_("当前不在评价阶段。"))
    if process not in Rating.values or result not in Rating.values:
        raise ValidationError(_("请对办理过程和办理结果分别作出评价。"))
    if (result == Rating.UNSATISFIED or process == Rating.UNSATISFIED) and not comment.strip():
        raise ValidationError({"comment": _("不满意时请写明意见。")})
    evaluation, created = Evaluation.objects.get_or_create(
        answer=answer,
        member=member,
        defaults={"process": process, "result": result, "comment": comment},
    )
    if not created:
        raise TransitionError(_("您已评价过该答复。"))
    record_event(
        actor=actor,
        verb="proposal.evaluate",
        subject=proposal,
        note=comment,
        data={
            "process": process,
            "result": result,
            "department": answer.assignment.department.name,
        },
    )
    return evaluation


def rehandle_refusal(proposal: Proposal) -> str | None:
    """Why the answered `proposal` may not be handled again (重新办理), or None when it may:
    once only, and only after a proposer rated the process or the result unsatisfied. The
    one rule, for `proposal_rehandle` and for the page offering it."""
    if proposal.rehandled:
        return _("该提案已重新办理过一次。")
    rated = Evaluation.objects.filter(answer__assignment__proposal=proposal)
    unsatisfied = rated.filter(result=Rating.UNSATISFIED) | rated.filter(process=Rating.UNSATISFIED)
    if not unsatisfied.exists():
        return _("只有提案人不满意时才能重新办理。")
    return None


@transaction.atomic
def proposal_rehandle(*, proposal: Proposal, actor, note: str) -> list[Assignment]:
    """重新办理, once, after an unsatisfied rating: the answering departments handle it again
    with a new deadline."""
    proposal = lock(Proposal, proposal.pk)
    if not access_can(actor, "proposals.assign", proposal):
        raise PermissionDenied
    refusal = rehandle_refusal(proposal)
    if refusal is not None:
        raise ValidationError(refusal)
    if not note.strip():
        raise ValidationError({"note": _("请写明重新办理的要求。")})
    proposal.rehandled = True
    transition(
        proposal,
        to=S.ASSIGNED,
        allowed_from=[S.ANSWERED],
        actor=actor,
        verb="proposal.rehandle",
        note=note,
        extra_fields=["rehandled"],
    )
    last_round = proposal.assignments.aggregate(m=Max("round"))["m"] or 1
    start = _today()
    due = months_later(start, config.get(proposal.organisation, rules.REHANDLE_MONTHS))
    created = []
    for previous in proposal.assignments.filter(
        round=last_round,
        role__in=[Assignment.Role.LEAD, Assignment.Role.SPLIT],
        status=Assignment.Status.ANSWERED,
    ).select_related("department"):
        created.append(
            _open_assignment(
                proposal,
                previous.department,
                previous.role,
                actor,
                round_=last_round + 1,
                start=start,
                due=due,
            )
        )
    return created


@transaction.atomic
def proposal_close(*, proposal: Proposal, actor, note: str = "") -> Proposal:
    proposal = lock(Proposal, proposal.pk)
    if not access_can(actor, "proposals.assign", proposal):
        raise PermissionDenied
    transition(
        proposal,
        to=S.CLOSED,
        allowed_from=[S.ANSWERED],
        actor=actor,
        verb="proposal.close",
        note=note,
    )
    # The departments' answered tasks are done with it, each through the engine's own
    # transition, so each task's history says who closed it and when.
    answered = Task.objects.filter(
        content_type__model="proposal",
        object_id=str(proposal.pk),
        status=Task.Status.SUBMITTED,
        kind__in=[Task.Kind.PROPOSAL, Task.Kind.CO_HANDLING],
    ).order_by("id")
    for task in answered:
        followups.task_close(task=task, actor=actor, note=_("提案已办结。"))
    return proposal
