"""Assignment (交办) and handling by the departments: contacts, co-handlers' views,
extensions, answers, and a department sending a proposal back."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import calendar
from xieshang.core.audit import (
    StaleEdit,
    TransitionError,
    history,
    lock,
    record_event,
    save_versioned,
    transition,
)
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase, joined
from xieshang.core.text import chinese_date
from xieshang.core.uploads import check_upload
from xieshang.followups import services as followups
from xieshang.followups.models import Feedback, Task
from xieshang.members.validators import validate_phone
from xieshang.orgs import config

from .. import policies, rules
from ..models import Answer, Assignment, Contact, Proposal
from .common import (
    S,
    _notify_proposers,
    _reviewers,
    _today,
    access_can,
    months_later,
)


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
def contact_record(
    *, assignment: Assignment, actor, date: dt.date, way: str, note: str = ""
) -> Contact:
    if not policies.can_handle(actor, assignment):
        raise PermissionDenied
    if assignment.status != Assignment.Status.HANDLING:
        raise TransitionError(_("该提案已答复或已退回。"))
    if date > _today():
        raise ValidationError({"date": _("联系日期不能晚于今天。")})
    assigned_on = timezone.localtime(assignment.assigned_at).date()
    if date < assigned_on:
        # Before the proposal reached the department there was nothing to contact about.
        raise ValidationError(
            {
                "date": _("联系日期不能早于交办日期（%(date)s）。")
                % {"date": chinese_date(assigned_on)}
            }
        )
    if way not in Contact.Way.values:
        raise ValidationError({"way": _("请选择联系方式。")})
    contact = Contact.objects.create(
        assignment=assignment, date=date, way=way, note=note, recorded_by=actor
    )
    record_event(
        actor=actor,
        verb="proposal.contact",
        subject=assignment.proposal,
        note=note,
        data={"way": way, "date": date.isoformat(), "department": assignment.department.name},
    )
    return contact


def contact_due(assignment: Assignment) -> dt.date:
    """联系提案人时限: the day by which the department should have contacted the proposers,
    kept on the assignment as it opened (rules.CONTACT_DAYS working days after it); counted
    now for an assignment made before it was kept."""
    if assignment.contact_due is not None:
        return assignment.contact_due
    return calendar.add_working_days(
        timezone.localtime(assignment.assigned_at).date(),
        config.get(assignment.proposal.organisation, rules.CONTACT_DAYS),
    )


def _not_contacted(**contact_due):
    """The answering departments (lead or split, in handling, with a follow-up task) with
    no contact with the proposers on record, their contact-by date as `contact_due` says:
    the reminder before the date and the notice after it ask the same."""
    return (
        Assignment.objects.filter(
            status=Assignment.Status.HANDLING,
            role__in=[Assignment.Role.LEAD, Assignment.Role.SPLIT],
            task__isnull=False,
            **contact_due,
        )
        .exclude(Exists(Contact.objects.filter(assignment=OuterRef("pk"))))
        .select_related("proposal", "department", "task__department")
        .order_by("contact_due", "id")
    )


def _notify_contact(assignment: Assignment, key: str, title: Phrase, body: Phrase):
    """The notice about the contact-by date to an answering department (`_not_contacted`),
    its clerks and leaders as its follow-up task addresses them, by inbox and SMS, linking
    to its handling page; once per assignment and contact-by date under `key` (the reminder
    before the date and the notice after it differ only in wording). Returns what `notify`
    returns."""
    return notify(
        followups.assignees(assignment.task),
        title=title,
        body=body,
        url=reverse("proposals:dept_handle", args=[assignment.pk]),
        dedupe_key=f"proposal:{assignment.proposal_id}:{key}:{assignment.pk}:"
        f"{assignment.contact_due}",
        channels=("inbox", "sms"),
    )


# How many working days before the contact-by date the department is reminded, as a
# follow-up task is before its due date (`Task.remind_days_before`'s default).
CONTACT_REMIND_DAYS = 3


def contact_remind(*, today: dt.date | None = None) -> int:
    """The daily reminder of the contact-by date (联系提案人时限, `Assignment.contact_due`):
    an answering department (lead or split, in handling) with no contact on record is
    reminded once, in the last `CONTACT_REMIND_DAYS` working days before the date, its
    clerks and leaders as its follow-up task addresses them (`followups.assignees`). The
    ones due are found in one query; each is claimed with a compare-and-set update of
    `contact_reminded_for` (as `followups.services.scan_deadlines` claims a task's
    reminder) and the notice carries a dedupe key, so a second run, or a run on another
    host, sends nothing twice. Returns how many were reminded."""
    today = today or _today()
    horizon = calendar.add_working_days(today, CONTACT_REMIND_DAYS)
    due = _not_contacted(contact_due__gte=today, contact_due__lte=horizon).exclude(
        contact_reminded_for=F("contact_due")
    )
    reminded = 0
    for assignment in due:
        claimed = (
            Assignment.objects.filter(
                pk=assignment.pk,
                status=Assignment.Status.HANDLING,
                contact_due=assignment.contact_due,
            )
            .exclude(contact_reminded_for=assignment.contact_due)
            .exclude(Exists(Contact.objects.filter(assignment=OuterRef("pk"))))
            .update(contact_reminded_for=assignment.contact_due)
        )
        if claimed != 1:
            continue
        proposal = assignment.proposal
        _notify_contact(
            assignment,
            "contact_remind",
            Phrase(N_("请按时联系提案人：%(title)s"), title=proposal.title),
            Phrase(
                N_(
                    "%(number)s《%(title)s》的联系提案人时限为%(date)s，本单位尚未记录与提案人的"
                    "联系。请联系提案人了解提案意图，并在办理页面记录联系情况。"
                ),
                number=proposal.number,
                title=proposal.title,
                date=assignment.contact_due,
            ),
        )
        reminded += 1
    return reminded


# How many days after the contact-by date the daily job still gives its one overdue notice:
# a missed run or a weekend still gives it, and the first run after a deployment does not
# send one for every long-overdue assignment at once.
CONTACT_OVERDUE_WINDOW_DAYS = 7


def contact_overdue_notify(*, today: dt.date | None = None) -> int:
    """The one notice after the contact-by date (联系提案人时限) passed with no contact on
    record: an answering department still handling its part is told once, on the first
    daily run after the date (within `CONTACT_OVERDUE_WINDOW_DAYS`), its clerks and leaders
    as its follow-up task addresses them. Once only by the notice's dedupe key (a second
    run, or one on another host, creates nothing: `core.notifications.notify`), so no field
    of its own. The reminder before the date is `contact_remind`. Returns how many
    departments were told."""
    today = today or _today()
    overdue = _not_contacted(
        contact_due__lt=today,
        contact_due__gte=today - dt.timedelta(days=CONTACT_OVERDUE_WINDOW_DAYS),
    )
    told = 0
    for assignment in overdue:
        proposal = assignment.proposal
        created = _notify_contact(
            assignment,
            "contact_overdue",
            Phrase(N_("联系提案人已逾期：%(title)s"), title=proposal.title),
            Phrase(
                N_(
                    "%(number)s《%(title)s》的联系提案人时限%(date)s已过，本单位尚未记录与提案人"
                    "的联系。请尽快联系提案人了解提案意图，并在办理页面记录联系情况。"
                ),
                number=proposal.number,
                title=proposal.title,
                date=assignment.contact_due,
            ),
        )
        told += bool(created)
    return told


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
                % {"n": months, "cap": chinese_date(cap)}
            }
        )
    return followups.extension_request(
        task=assignment.task, requested_due=requested_due, reason=reason, actor=actor
    )


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


def outcome_categories(organisation) -> dict[str, str]:
    return {code: label for code, label in config.get(organisation, rules.OUTCOME_CATEGORIES)}


def sign_off_users(department):
    """Who may sign off the department's answers (签发): the accounts holding its
    responsible leader's role (`policies.can_sign_off`)."""
    from xieshang.core.models import User

    return User.objects.filter(department.leaders_q(named=False), is_active=True).distinct()


@transaction.atomic
def answer_submit(
    *,
    assignment: Assignment,
    actor,
    category: str,
    text: str,
    signed_by: str,
    contact_person: str,
    contact_phone: str,
    doc_number: str = "",
    expected_version: int | None = None,
    confirm_no_contact: bool | None = None,
) -> Answer:
    """答复: the answer letter with its outcome category. The department's responsible
    leader signs it off (签发) before it goes to the proposers: a clerk's answer waits for
    the sign-off (`answer_sign_off`), and submitting it again revises the waiting letter; a
    leader's own answer goes at once. A department with no leader's account sends at once,
    under the leader's name the clerk typed, so no answer is held by a missing account.
    When every answering department's answer has gone, the proposers are asked to rate.

    `expected_version` is the waiting answer's version the user's form started from (0: there
    was none): a waiting answer revised (or first written) by someone else meanwhile is not
    overwritten, `StaleEdit` says so. None (a script) does not check.

    An answer written with no contact with the proposers on record (联系提案人, C4.6) is
    taken only when the user confirms it (`confirm_no_contact`): the history says it went
    without contact. None (a script) does not ask; it is recorded all the same.
    docs/decisions.md says why it is not refused outright."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("department", "proposal__organisation", "task")
        .get(pk=assignment.pk)
    )
    proposal = lock(Proposal, assignment.proposal_id)
    if not policies.can_handle(actor, assignment):
        raise PermissionDenied
    if assignment.role == Assignment.Role.CO:
        raise ValidationError(_("协办单位请提出协办意见，由主办单位答复。"))
    if assignment.status != Assignment.Status.HANDLING:
        raise TransitionError(_("该提案已答复或已退回。"))
    errors = {}
    categories = outcome_categories(proposal.organisation)
    if category not in categories:
        errors["category"] = _("请选择办理结果分类。")
    if not text.strip():
        errors["text"] = _("请填写答复内容。")
    if not signed_by.strip():
        errors["signed_by"] = _("答复函须由单位负责人签发。")
    if not contact_person.strip() or not contact_phone.strip():
        errors["contact_person"] = _("请填写联系人及联系电话。")
    else:
        try:
            contact_phone = validate_phone(contact_phone)
        except ValidationError as exc:
            errors["contact_phone"] = exc.messages[0]
    no_contact = not assignment.contacts.exists()
    if no_contact and confirm_no_contact is False:
        errors["confirm_no_contact"] = _(
            "尚未记录与提案人的联系。请先联系提案人并记录；确需不经联系直接答复的，请勾选确认。"
        )
    if errors:
        raise ValidationError(errors)
    fields = {
        "category": category,
        "text": text,
        "signed_by": signed_by,
        "contact_person": contact_person,
        "contact_phone": contact_phone,
        "doc_number": doc_number.strip(),
    }
    answer = assignment.answers.filter(sent_at__isnull=True).first()
    revised = answer is not None
    if expected_version is not None and (answer.version if revised else 0) != expected_version:
        raise StaleEdit(current_version=answer.version if revised else 0)
    if answer is None:
        answer = Answer(assignment=assignment, created_by=actor)
    for name, value in fields.items():
        setattr(answer, name, value)
    answer.answered_at = timezone.now()
    # Submitted again after the leader sent it back: it waits for the sign-off once more (the
    # remarks stay in the history).
    after_send_back = answer.sent_back_at is not None
    answer.sent_back_at, answer.sent_back_by, answer.sent_back_note = None, None, ""
    sent_back_fields = ["sent_back_at", "sent_back_by", "sent_back_note"]
    if revised:
        save_versioned(
            answer,
            expected_version=answer.version,
            fields=[*fields, "answered_at", *sent_back_fields],
        )
    else:
        answer.save()
    extra = {"no_contact": True} if no_contact else {}
    signers = sign_off_users(assignment.department)
    if policies.can_sign_off(actor, assignment) or not signers.exists():
        if policies.can_sign_off(actor, assignment):
            answer.signed_off_by = actor
            answer.signed_off_at = answer.answered_at
            record_event(
                actor=actor,
                verb="proposal.answer_sign_off",
                subject=proposal,
                note=answer.doc_number,
                data={"department": assignment.department.name, "answer": answer.pk},
            )
        _send(answer, assignment, proposal, actor, extra=extra)
        return answer
    if after_send_back:
        extra["after_send_back"] = True
    record_event(
        actor=actor,
        verb="proposal.answer_revise" if revised else "proposal.answer_draft",
        subject=proposal,
        note=f"{category} {categories.get(category, '')}",
        data={"department": assignment.department.name, "category": category, **extra},
    )
    notify(
        signers,
        title=Phrase(N_("答复函待签发：%(title)s"), title=proposal.title),
        body=Phrase(
            N_("%(dept)s经办人已提交答复（%(cat)s类），请审核签发后送达提案人。"),
            dept=assignment.department.name,
            cat=category,
        ),
        url=reverse("proposals:dept_handle", args=[assignment.pk]),
        dedupe_key=f"proposal:{proposal.pk}:sign_off:{answer.pk}:{answer.answered_at:%Y%m%d%H%M%S}",
    )
    return answer


def _send(
    answer: Answer, assignment: Assignment, proposal: Proposal, actor, *, extra: dict | None = None
) -> None:
    """The answer goes to the proposers: the follow-up task gets its written feedback (the
    on-time measure counts this day), and when every answering department has sent its
    answer the proposal is answered and the proposers are asked to rate it."""
    categories = outcome_categories(proposal.organisation)
    category = answer.category
    answer.sent_at = timezone.now()
    answer.save(update_fields=["sent_at", "signed_off_by", "signed_off_at"])
    # Stored text (the feedback, the implementation task's title and request), read by
    # every unit: in the site's language, whatever the sender's language.
    with translation.override(settings.LANGUAGE_CODE):
        feedback_text = _("已答复（%(cat)s类）") % {"cat": category}
        implementation_title = _("落实跟踪：%(title)s") % {"title": proposal.title}
        implementation_request = _("答复承诺事项正在解决或已列入计划，请在落实后书面反馈。")
    # The committee is told once, when every part is answered (`_answered`), not per unit.
    followups.feedback_submit(
        task=assignment.task, text=feedback_text, actor=actor, tell_requester=False
    )
    assignment.status = Assignment.Status.ANSWERED
    assignment.save(update_fields=["status"])
    note = f"{category} {categories.get(category, '')}"
    data = {"department": assignment.department.name, "category": category, **(extra or {})}
    if category in config.get(proposal.organisation, rules.FOLLOW_UP_CATEGORIES):
        followups.task_open(
            organisation=proposal.organisation,
            title=implementation_title,
            kind=Task.Kind.IMPLEMENTATION,
            subject=proposal,
            department=assignment.department,
            due_date=months_later(
                _today(), config.get(proposal.organisation, rules.IMPLEMENTATION_MONTHS)
            ),
            actor=actor,
            request=implementation_request,
        )
    if _parts_open(proposal, assignment.round).exists():
        # Another answering department is still at work, or a part sent back waits on the
        # committee: the proposal stays 办理中.
        record_event(actor=actor, verb="proposal.answer", subject=proposal, note=note, data=data)
    else:
        # The last answer: one history line, 办理中 → 已答复, with the answer's category.
        _answered(proposal, assignment.round, actor, "proposal.answer", note, data)


def _parts_open(proposal: Proposal, round_: int):
    """The answering parts of `round_` that keep the proposal 办理中: a department still
    handling its part, and a split part sent back (申请退回) that waits on the committee's
    decision (改交 or 不再改交, `returned_part_close`), so no part goes unanswered unseen."""
    return proposal.assignments.filter(
        role__in=[Assignment.Role.LEAD, Assignment.Role.SPLIT],
        round=round_,
    ).filter(
        Q(status=Assignment.Status.HANDLING)
        | Q(role=Assignment.Role.SPLIT, status=Assignment.Status.RETURNED)
    )


def _answered(proposal: Proposal, round_: int, actor, verb: str, note, data: dict) -> None:
    """Every part of the round is settled: one history line 办理中 → 已答复, and the
    proposers (of the merged proposals too) are asked to rate."""
    transition(
        proposal,
        to=S.ANSWERED,
        allowed_from=[S.ASSIGNED],
        actor=actor,
        verb=verb,
        note=note,
        data=data,
    )
    # The office that handed the parts out hears once that all are answered (the proposal
    # may be closed after the ratings), not of each unit's answer (`_send`).
    parts = Task.objects.filter(
        pk__in=proposal.assignments.filter(
            round=round_, role__in=[Assignment.Role.LEAD, Assignment.Role.SPLIT]
        ).values("task_id")
    ).select_related("requested_by", "department", "organisation")
    readers = {
        u.pk: u
        for t in parts
        for u in followups.feedback_readers(t)
        if u.pk != getattr(actor, "pk", None)
    }
    notify(
        list(readers.values()),
        title=Phrase(N_("提案已全部答复：%(title)s"), title=proposal.title),
        body=Phrase(N_("各承办单位均已答复，提案人评价后可办结。")),
        url=proposal.get_absolute_url(),
        dedupe_key=f"proposal:{proposal.pk}:answered:{round_}:committee",
        channels=("inbox",),
    )
    for target in [proposal, *proposal.merged_proposals.all()]:
        _notify_proposers(
            target,
            Phrase(N_("提案已答复，请评价：%(title)s"), title=target.title),
            Phrase(
                N_("请在%(n)s个工作日内对办理过程和结果作出评价。"),
                n=config.get(proposal.organisation, rules.EVALUATION_DAYS),
            ),
            f"answered:{round_}",
        )


@transaction.atomic
def returned_part_close(*, assignment: Assignment, actor, reason: str) -> Assignment:
    """不再改交: the proposal committee decides that the part a split department sent back
    (申请退回) goes to no other department, and says why (required). The part is closed;
    when every other part of the round is answered, the proposal is answered with it (one
    history line, 办理中 → 已答复, the reason as its note) and the proposers are asked to
    rate, as on the last answer; otherwise the decision is one history line and the
    proposal stays 办理中. The proposers are told the part will not be answered, and why.
    The same conditions as 改交 (`reassign_refusal`)."""
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


def _lock_answer(answer: Answer) -> tuple[Answer, Proposal]:
    proposal = lock(Proposal, answer.assignment.proposal_id)
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("assignment__department", "assignment__task", "created_by")
        .get(pk=answer.pk)
    )
    return answer, proposal


@transaction.atomic
def answer_sign_off(*, answer: Answer, actor, expected_version: int | None = None) -> Answer:
    """签发: the department's responsible leader signs the answer off, and a waiting answer
    goes to the proposers with it. The sign-off also opens the upload of the stamped, signed
    scan as the letter of record. (An answer sent before sign-off was required, or by a
    department without a leader's account, may still be signed off afterwards.)

    `expected_version` is the version of the waiting answer the leader read: one revised
    since is refused (`StaleEdit`), so nobody signs a text they have not seen. None (a
    script) does not check; a sent answer no longer changes."""
    # The assignment first, as `answer_submit` locks it: a clerk revising the answer while
    # the leader signs it waits, instead of the two deadlocking.
    Assignment.objects.select_for_update(of=("self",)).filter(pk=answer.assignment_id).first()
    answer, proposal = _lock_answer(answer)
    assignment = answer.assignment
    if not policies.can_sign_off(actor, assignment):
        raise PermissionDenied
    if answer.signed_off_at is not None:
        raise TransitionError(
            _("该答复函已于%(date)s签发，不能重复签发。")
            % {"date": chinese_date(timezone.localtime(answer.signed_off_at).date())}
        )
    if answer.sent_at is None and assignment.status != Assignment.Status.HANDLING:
        raise TransitionError(_("该提案已答复或已退回，这份答复不能再签发。"))
    if answer.sent_at is None and answer.sent_back_at is not None:
        raise TransitionError(_("该答复已退回经办人修改，待经办人重新提交后再签发。"))
    if (
        answer.sent_at is None
        and expected_version is not None
        and expected_version != answer.version
    ):
        # The shared wording (it may be the leader's own edit in another window); no version
        # carried: there is nothing typed to keep, and the page shown again signs the text
        # it now shows.
        raise StaleEdit()
    # The letter names who signed it: the clerk typed the leader they expected (the
    # department's leader name by default), and another leader may be the one who signs.
    typed = answer.signed_by
    answer.signed_by = actor.full_name or typed
    answer.signed_off_by = actor
    answer.signed_off_at = timezone.now()
    answer.save(update_fields=["signed_by", "signed_off_by", "signed_off_at"])
    data = {"department": assignment.department.name, "answer": answer.pk}
    if answer.signed_by != typed:
        data["signed_by"] = [typed, answer.signed_by]
    record_event(
        actor=actor,
        verb="proposal.answer_sign_off",
        subject=proposal,
        note=answer.doc_number,
        data=data,
    )
    if answer.sent_at is None:
        _send(answer, assignment, proposal, actor)
    return answer


@transaction.atomic
def answer_send_back(
    *, answer: Answer, actor, note: str, expected_version: int | None = None
) -> Answer:
    """退回修改: the leader does not sign a waiting answer and tells the clerk why. The
    answer then waits for the clerk (out of the leader's 待签发, the remarks on it), until
    the clerk revises it by submitting the answer form again (`answer_submit`).

    `expected_version` is the version of the waiting answer the leader read, as for the
    sign-off: remarks on a text revised since are refused (`StaleEdit`, carrying the current
    version, so the page shown again with the revised text sends them on purpose). None (a
    script) does not check."""
    # The assignment first, as `answer_submit` and `answer_sign_off` lock it.
    Assignment.objects.select_for_update(of=("self",)).filter(pk=answer.assignment_id).first()
    answer, proposal = _lock_answer(answer)
    if not policies.can_sign_off(actor, answer.assignment):
        raise PermissionDenied
    if answer.sent_at is not None:
        raise TransitionError(_("该答复已送达提案人，不能退回修改。"))
    if answer.sent_back_at is not None:
        raise TransitionError(_("该答复已退回经办人修改，待经办人重新提交。"))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请写明修改意见。")})
    if expected_version is not None and expected_version != answer.version:
        raise StaleEdit(current_version=answer.version)
    answer.sent_back_at, answer.sent_back_by, answer.sent_back_note = timezone.now(), actor, note
    answer.save(update_fields=["sent_back_at", "sent_back_by", "sent_back_note"])
    record_event(
        actor=actor,
        verb="proposal.answer_send_back",
        subject=proposal,
        note=note,
        data={"department": answer.assignment.department.name, "answer": answer.pk},
    )
    if answer.created_by_id and answer.created_by_id != actor.pk:
        notify(
            [answer.created_by],
            title=Phrase(N_("答复函退回修改：%(title)s"), title=proposal.title),
            body=note,
            url=reverse("proposals:dept_handle", args=[answer.assignment_id]),
            dedupe_key=f"proposal:{proposal.pk}:sent_back:{answer.pk}:{timezone.now():%Y%m%d%H%M%S}",
        )
    return answer


@transaction.atomic
def answer_record_upload(*, answer: Answer, actor, file, note: str = "") -> Answer:
    """正式答复函: the department uploads the stamped, signed scan (PDF, upload policy "pdf",
    checked again here so the API cannot bypass the form) once the answer is signed off.
    A scan may be replaced until a proposer has rated the answer; the event keeps the old
    file's name."""
    answer, proposal = _lock_answer(answer)
    if not policies.can_handle(actor, answer.assignment):
        raise PermissionDenied
    if answer.signed_off_at is None:
        raise TransitionError(_("答复函尚未经单位负责人签发，签发后才能上传盖章扫描件。"))
    if answer.record_scan and answer.evaluations.exists():
        raise TransitionError(_("提案人已评价该答复，正式答复函不能再更换。"))
    try:
        check_upload(file, "pdf")
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    old = answer.record_scan if answer.record_scan else None
    old_name = answer.record_scan_name
    name = (file.name or "").rsplit("/", 1)[-1][:255]
    answer.record_scan = file
    answer.record_scan_name = name
    answer.save(update_fields=["record_scan", "record_scan_name"])
    record_event(
        actor=actor,
        verb="proposal.answer_record_upload",
        subject=proposal,
        note=note,
        data={
            "department": answer.assignment.department.name,
            "answer": answer.pk,
            "file": name,
            "replaced": old_name if old is not None else "",
        },
    )
    if old is not None:
        # The replaced file goes only once the new one is committed.
        storage, stale = old.storage, old.name
        transaction.on_commit(lambda: storage.delete(stale))
    return answer
