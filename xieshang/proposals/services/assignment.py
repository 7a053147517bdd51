"""交办: the proposal committee hands an accepted proposal to the departments that answer
it (a lead with co-handlers, or split handling), each assignment with its follow-up task;
and the committee's 重新办理 order a re-handling round opens with."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import calendar
from xieshang.core.audit import history, lock, transition
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase, joined
from xieshang.followups import services as followups
from xieshang.followups.models import Task
from xieshang.orgs import config

from .. import rules
from ..models import Assignment, Proposal
from .common import S, _notify_proposers, _today, access_can, months_later


def rehandle_instruction(proposal: Proposal):
    """The proposal committee's latest 重新办理 order on `proposal` (its audit event: who,
    when, and the instruction as its note), or None when it was never handled again."""
    return history(proposal).filter(verb="proposal.rehandle").select_related("actor").first()


def _open_assignment(
    proposal, department, role, actor, *, round_: int, start: dt.date, due: dt.date
) -> Assignment:
    kind = Task.Kind.CO_HANDLING if role == Assignment.Role.CO else Task.Kind.PROPOSAL
    # 联系提案人时限, counted once as the assignment opens (a task's due date is too).
    contact_due = calendar.add_working_days(
        start, config.get(proposal.organisation, rules.CONTACT_DAYS)
    )
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                proposal=proposal,
                department=department,
                role=role,
                round=round_,
                contact_due=contact_due,
            )
    except IntegrityError as exc:
        raise ValidationError(_("%(dept)s已承办该提案。") % {"dept": department.name}) from exc
    title = f"{proposal.number}《{proposal.title}》"
    order = rehandle_instruction(proposal) if round_ > 1 else None
    # The task's title and request are stored text, read by the department and in every
    # notice about the task: in the site's language, whatever the assigner's language.
    with translation.override(settings.LANGUAGE_CODE):
        if role == Assignment.Role.CO:
            request = _("请向主办单位提出协办意见。")
        else:
            request = _("请联系提案人并书面答复。")
        if round_ > 1:
            # 重新办理: the task, its notice and the handling page say so, and why.
            title = _("%(title)s（重新办理）") % {"title": title}
            request = _(
                "提案人对上一轮答复不满意。提案委员会重新办理要求：%(note)s\n"
                "请重新联系提案人，针对其意见重新书面答复。"
            ) % {"note": order.note if order is not None else ""}
    assignment.task = followups.task_open(
        organisation=proposal.organisation,
        title=title,
        kind=kind,
        subject=proposal,
        department=department,
        start_date=start,
        due_date=due,
        actor=actor,
        request=request,
    )
    assignment.save(update_fields=["task"])
    if round_ > 1:
        notify(
            followups.assignees(assignment.task),
            title=Phrase(N_("提案重新办理：%(title)s"), title=proposal.title),
            body=Phrase(
                N_(
                    "提案人对本单位上一轮答复不满意。提案委员会重新办理要求：%(note)s\n"
                    "请于%(due)s前重新答复；办理页面列有上一轮的答复、协办意见和提案人的评价。"
                ),
                note=order.note if order is not None else "",
                due=due,
            ),
            url=reverse("proposals:dept_handle", args=[assignment.pk]),
            dedupe_key=f"proposal:{proposal.pk}:rehandle:{assignment.pk}",
            channels=("inbox", "email", "sms"),
        )
    return assignment


def _check_assignable(proposal: Proposal, dept, field: str) -> None:
    """A proposal is answered by the government of its own CPPCC's level: only an active
    department of the proposal's organisation, never a city bureau for a district proposal
    (nor the reverse), whatever the assigner may reach elsewhere in the tree."""
    if dept.organisation_id != proposal.organisation_id:
        raise ValidationError({field: _("%(dept)s不是本级承办单位。") % {"dept": dept.name}})
    if not dept.is_active:
        raise ValidationError({field: _("%(dept)s已停用，不能交办。") % {"dept": dept.name}})


@transaction.atomic
def proposal_assign(
    *,
    proposal: Proposal,
    actor,
    lead=None,
    co: Iterable = (),
    split: Iterable = (),
    note: "Phrase | str" = "",
) -> list[Assignment]:
    """交办: a lead department with optional co-handlers, or split handling where each
    department answers separately. Two clerks assigning at once: the second finds the
    proposal already assigned and is told so. `note` is what the clerk typed, or a
    generated phrase (交办会集中交办), read in the reader's language."""
    proposal = lock(Proposal, proposal.pk)
    if not access_can(actor, "proposals.assign", proposal):
        raise PermissionDenied
    co, split = list(co), list(split)
    if (lead is None) == (not split):
        raise ValidationError(_("请指定一个主办单位，或选择分办单位。"))
    departments = [d for d in [lead, *co, *split] if d is not None]
    if len({d.pk for d in departments}) != len(departments):
        raise ValidationError(_("同一单位不能重复交办。"))
    for field, chosen in (("lead", [lead] if lead else []), ("co", co), ("split", split)):
        for dept in chosen:
            _check_assignable(proposal, dept, field)
    # The history says where it went, whatever the clerk typed: 主办：区教育局；协办：….
    went = [
        Phrase(label, depts="、".join(d.name for d in depts))
        for label, depts in [
            (N_("主办：%(depts)s"), [lead] if lead else []),
            (N_("分办：%(depts)s"), list(split)),
            (N_("协办：%(depts)s"), list(co)),
        ]
        if depts
    ]
    transition(
        proposal,
        to=S.ASSIGNED,
        allowed_from=[S.ACCEPTED],
        actor=actor,
        verb="proposal.assign",
        note=joined([*went, note.strip() if isinstance(note, str) else note]),
        data={
            "lead": lead.name if lead else "",
            "co": [d.name for d in co],
            "split": [d.name for d in split],
        },
    )
    # Assigned again after every department sent it back: the split parts sent back went
    # back with the whole proposal, so they no longer wait on the committee (改交 or 不再改交)
    # nor keep the new assignment's proposal 办理中 once it is answered (`_parts_open`).
    proposal.assignments.filter(
        role=Assignment.Role.SPLIT, status=Assignment.Status.RETURNED
    ).update(status=Assignment.Status.CLOSED)
    start = _today()
    org = proposal.organisation
    answer_due = months_later(start, config.get(org, rules.ANSWER_MONTHS))
    co_due = months_later(start, config.get(org, rules.CO_VIEW_MONTHS))
    created = []
    if lead is not None:
        created.append(
            _open_assignment(
                proposal, lead, Assignment.Role.LEAD, actor, round_=1, start=start, due=answer_due
            )
        )
    for dept in split:
        created.append(
            _open_assignment(
                proposal, dept, Assignment.Role.SPLIT, actor, round_=1, start=start, due=answer_due
            )
        )
    for dept in co:
        created.append(
            _open_assignment(
                proposal, dept, Assignment.Role.CO, actor, round_=1, start=start, due=co_due
            )
        )
    # The proposers learn who answers and by when (they wait for that department's call).
    _notify_proposers(
        proposal,
        Phrase(N_("提案已交办：%(title)s"), title=proposal.title),
        Phrase(N_("%(went)s。答复期限：%(due)s。"), went=joined(went), due=answer_due),
        "assigned",
    )
    return created
