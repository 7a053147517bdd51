"""The proposers' evaluation of the answer, re-handling once after an unsatisfied rating,
and closing.

The proposers rate within `rules.EVALUATION_DAYS` working days of the last answer going
out (`rating_due`). The date is a request, not a bar (docs/decisions.md): a rating after
it is still taken, and recorded as late. An unsatisfied rating (of the process or of the
result) is told at once to the proposal committee, which may order 重新办理, and to the
department whose answer it rates."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import calendar
from xieshang.core.audit import TransitionError, lock, record_event, transition
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase, joined
from xieshang.followups import services as followups
from xieshang.followups.models import Task
from xieshang.orgs import config

from .. import policies, rules
from ..models import Answer, Assignment, Evaluation, Proposal, Rating, Signer
from .assignment import _open_assignment
from .common import S, _reviewers, _today, access_can, months_later


def proposers(proposal: Proposal) -> list:
    """The members who rate an answer: the first proposer and the confirmed co-signers of
    the proposal and of every proposal merged into it."""
    result = []
    for target in [proposal, *proposal.merged_proposals.all()]:
        if target.first_proposer_id:
            result.append(target.first_proposer)
        result.extend(s.member for s in target.signers.filter(status=Signer.Status.CONFIRMED))
    return result


def rating_dues(proposals) -> dict[int, dt.date]:
    """proposal pk → the date its proposers are asked to rate by (提案人评价时限), for
    proposals the departments answered (`selectors.answer_source`): `rules.EVALUATION_DAYS`
    working days (the rule in force that day) after the last answer went out, which is when
    the proposal became 已答复 and the proposers were asked to rate; after 重新办理, the new
    answers'. A proposal without a sent answer has none. Three queries whatever the number
    of proposals (the answers, the rule, the calendar), their organisations read with them."""
    proposals = {p.pk: p for p in proposals}
    if not proposals:
        return {}
    last_sent = (
        Answer.objects.sent()
        .filter(assignment__proposal_id__in=list(proposals))
        .values("assignment__proposal_id")
        .annotate(last=Max("sent_at"))
        .order_by()
    )
    # As `rating_due_after` for each, the rule and the calendar read once for all.
    sent = [(row["assignment__proposal_id"], timezone.localdate(row["last"])) for row in last_sent]
    days = config.get_each(
        [(proposals[pk].organisation, on) for pk, on in sent], rules.EVALUATION_DAYS
    )
    dues = calendar.add_working_days_each(zip([on for _pk, on in sent], days, strict=True))
    return {pk: due for (pk, _on), due in zip(sent, dues, strict=True)}


def rating_due_after(proposal: Proposal, last_sent: dt.datetime) -> dt.date:
    """The date to rate the answered `proposal` by, its last answer sent at `last_sent`."""
    sent_on = timezone.localdate(last_sent)
    days = config.get(proposal.organisation, rules.EVALUATION_DAYS, on=sent_on)
    return calendar.add_working_days(sent_on, days)


def rating_due(proposal: Proposal) -> dt.date | None:
    """The date the proposers of the answered `proposal` are asked to rate by (`rating_dues`)."""
    return rating_dues([proposal]).get(proposal.pk)


def unsatisfied_ids(proposal_ids) -> set[int]:
    """Which of the proposals (those the departments answered) a proposer rated unsatisfied,
    on the process or on the result, in any round: one query."""
    if not proposal_ids:
        return set()
    return set(
        Evaluation.objects.filter(answer__assignment__proposal_id__in=list(proposal_ids))
        .filter(Q(process=Rating.UNSATISFIED) | Q(result=Rating.UNSATISFIED))
        .values_list("answer__assignment__proposal_id", flat=True)
        .distinct()
    )


def _rating_words(evaluation: Evaluation) -> Phrase:
    # The choices' lazy labels, translated when the notice is read.
    return Phrase(
        N_("办理过程%(process)s，办理结果%(result)s"),
        process=Rating(evaluation.process).label,
        result=Rating(evaluation.result).label,
    )


def _notify_unsatisfied(proposal: Proposal, answer: Answer, evaluation: Evaluation) -> None:
    """An unsatisfied rating goes to the proposal committee (who may order 重新办理) and to
    the department whose answer it rates, each with a link to the page where they act."""
    assignment = answer.assignment
    department = assignment.department
    title = Phrase(N_("提案人对答复不满意：%(title)s"), title=proposal.title)
    said = [
        Phrase(
            N_("%(name)s对%(dept)s的答复评价：%(rating)s。"),
            name=evaluation.member.name,
            dept=department.name,
            rating=_rating_words(evaluation),
        )
    ]
    if evaluation.comment.strip():
        said.append(Phrase(N_("意见：%(comment)s"), comment=evaluation.comment.strip()))
    key = f"proposal:{proposal.pk}:unsatisfied:{evaluation.pk}"
    may_rehandle = rehandle_refusal(proposal) is None
    committee_note = (
        N_("可决定交承办单位重新办理（限一次），或办结。")
        if may_rehandle
        else N_("该提案已重新办理过一次，可决定办结。")
    )
    department_note = (
        N_("提案委员会可能决定交贵单位重新办理。")
        if may_rehandle
        else N_("该提案已重新办理过一次。")
    )
    notify(
        _reviewers(proposal),
        title=title,
        body=[*said, Phrase(committee_note)],
        url=f"{proposal.get_absolute_url()}#answer-{answer.pk}",
        dedupe_key=key,
    )
    notify(
        followups.assignees(assignment.task) if assignment.task_id else [],
        title=title,
        body=[*said, Phrase(department_note)],
        url=reverse("proposals:dept_handle", args=[assignment.pk]),
        dedupe_key=key,
    )


@transaction.atomic
def evaluation_submit(
    *, answer: Answer, actor, process: str, result: str, comment: str = ""
) -> Evaluation:
    member = policies.member_of(actor)
    proposal = lock(Proposal, answer.assignment.proposal_id)
    if member is None or member.pk not in {m.pk for m in proposers(proposal)}:
        raise PermissionDenied
    evaluation, _note = _evaluate(
        proposal, answer, member, actor, process, result, comment, _("您已评价过该答复。")
    )
    record_event(actor=actor, verb="proposal.evaluate", subject=proposal, **_note)
    if Rating.UNSATISFIED in (process, result):
        _notify_unsatisfied(proposal, answer, evaluation)
    return evaluation


def rate_for_candidates(members, answer: Answer) -> list:
    """Of `members` (the answered proposal's proposers, `proposers`), those who have not
    rated `answer` yet, each once: whom an evaluation may be recorded for (代为评价). The
    ratings are read through `answer.evaluations.all()`, prefetched on the proposal page."""
    rated = {e.member_id for e in answer.evaluations.all()}
    return list({m.pk: m for m in members if m.pk not in rated}.values())


@transaction.atomic
def evaluation_submit_for(
    *,
    answer: Answer,
    actor,
    member_pk: int,
    process: str,
    result: str,
    comment: str = "",
    note: str,
) -> Evaluation:
    """代为评价: the evaluation a proposer gave outside the system (a paper form, a call),
    recorded by the proposal committee, or by the clerk who entered the proposal for
    proposers without an account (the one told to have it rated), as 代为确认 records a
    co-signer's confirmation. `note` says how it was given. It counts as the proposer's
    own rating (the figures, the time to rate, an unsatisfied one told at once); the
    history says who recorded it and how, and a proposer with an account is told."""
    proposal = lock(Proposal, answer.assignment.proposal_id)
    if not policies.can_rate_for(actor, proposal):
        raise PermissionDenied
    member = next((m for m in proposers(proposal) if m.pk == member_pk), None)
    if member is None:
        raise ValidationError({"member": _("请选择提案人。")})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请写明提案人以何种方式评价（如书面评价表、电话）。")})
    evaluation, said = _evaluate(
        proposal,
        answer,
        member,
        actor,
        process,
        result,
        comment,
        _("%(name)s已评价过该答复。") % {"name": member.name},
    )
    said["note"] = joined(
        [Phrase(N_("%(name)s（代为评价：%(how)s）"), name=member.name, how=note), said["note"]]
    )
    said["data"]["member"] = member.pk
    record_event(actor=actor, verb="proposal.evaluate_for", subject=proposal, **said)
    if Rating.UNSATISFIED in (process, result):
        _notify_unsatisfied(proposal, answer, evaluation)
    if member.user_id:
        notify(
            [member.user],
            title=Phrase(N_("已代您评价答复：%(title)s"), title=proposal.title),
            body=Phrase(
                N_(
                    "%(who)s已代为登记您对%(dept)s答复的评价（%(how)s）：%(rating)s。"
                    "如有异议，请联系提案委员会。"
                ),
                who=actor.display_name,
                dept=answer.assignment.department.name,
                how=note,
                rating=_rating_words(evaluation),
            ),
            url=proposal.get_absolute_url(),
            dedupe_key=f"proposal:{proposal.pk}:evaluate_for:{evaluation.pk}",
        )
    return evaluation


def _evaluate(proposal, answer, member, actor, process, result, comment, already: str):
    """The rating of `answer` by `member`, checked and saved, and what its history line says
    (note and data for `record_event`): the one rule for a proposer's own rating and one
    recorded for them."""
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
        raise TransitionError(already)
    due = rating_due(proposal)
    late = due is not None and _today() > due
    # The history says what was rated (a tester read only "提案人评价" and the comment),
    # whether it came late (taken all the same, docs/decisions.md), and the comment.
    note = joined(
        [
            _rating_words(evaluation),
            Phrase(N_("逾期评价（评价时限为%(date)s）"), date=due) if late else "",
            comment.strip(),
        ]
    )
    data = {
        "process": process,
        "result": result,
        "department": answer.assignment.department.name,
        "due": due.isoformat() if due else None,
        "late": late,
    }
    return evaluation, {"note": note, "data": data}


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
        followups.task_close(task=task, actor=actor, note=Phrase(N_("提案已办结。")))
    # A co-handler may never have sent its view (the lead may answer without it): its part
    # ends with the proposal, or its task would stay 办理中, be urged and fall overdue on a
    # closed proposal. Its task is cancelled, not closed: nothing was fed back to accept.
    unanswered = (
        proposal.assignments.select_for_update(of=("self",))
        .filter(status=Assignment.Status.HANDLING)
        .select_related("task")
        .order_by("id")
    )
    for part in unanswered:
        part.status = Assignment.Status.CLOSED
        part.save(update_fields=["status"])
        if part.task_id is not None:
            followups.task_cancel_with_subject(
                task=part.task, actor=actor, note=Phrase(N_("提案已办结。"))
            )
    return proposal
