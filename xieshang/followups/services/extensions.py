"""Extension requests (申请延期): asked by the unit, decided by the office, withdrawn when
the task leaves OPEN.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core.audit import lock, record_event
from xieshang.core.notifications import notify, settle
from xieshang.core.phrases import Phrase, joined, store

from .. import policies, signals
from ..models import Extension, Task
from .common import _fmt, _notify_assignees, _task_url


def withdraw_extensions(*, task: Task, actor, note: "Phrase | str") -> list[Extension]:
    """A task leaving OPEN (its feedback sent, the task cancelled) withdraws its pending
    extension request: a deadline no longer runs, so nothing is left to extend, and the
    request leaves the deciders' queue and home card. Each withdrawal is audited with
    `note` (why); nobody is told, the deciders find it marked 已撤回 on the task page.
    Called inside the caller's transaction, the task locked (`task_cancel`,
    `task_cancel_with_subject` and `feedback_submit` call it)."""
    withdrawn = list(
        Extension.objects.select_for_update().filter(task=task, status=Extension.Status.PENDING)
    )
    now = timezone.now()
    # Why, in the site's language, and as a phrase each reader reads in theirs.
    text, phrase = store(note)
    for extension in withdrawn:
        extension.status = Extension.Status.WITHDRAWN
        extension.decided_at = now
        extension.decision_note = text[:DECISION_NOTE_MAX]
        extension.decision_phrase = phrase
        extension.save(update_fields=["status", "decided_at", "decision_note", "decision_phrase"])
        record_event(
            actor=actor,
            verb="followup.extension_withdraw",
            subject=task,
            note=note,
            data={"extension": extension.pk, "to": extension.requested_due.isoformat()},
        )
    return withdrawn


# A deadline a year away is no deadline: such a matter is reopened later, not extended.
EXTENSION_MAX_DAYS = 366
DECISION_NOTE_MAX = 200  # Extension.decision_note


def requested_due_refusal(requested_due: dt.date, *, today: dt.date | None = None) -> str:
    """Why a requested extension date cannot be asked for, whatever the task: it must lie
    after today (an overdue item's new deadline must still lie ahead, or it is overdue at
    once) and within a year. "" when it may. The form says it early; the service decides."""
    today = today or timezone.localdate()
    if requested_due <= today:
        return _("申请延至的日期须晚于今天。")
    latest = today + dt.timedelta(days=EXTENSION_MAX_DAYS)
    if requested_due > latest:
        return _("申请延至的日期不能晚于%(date)s（一年之内）。") % {"date": _fmt(latest)}
    return ""


def extension_deciders(task: Task):
    """Who decides the task's extension requests (`policies.can_manage`): the holders of a
    role with followups.manage at the task's organisation or above it, as far as their
    right reaches (a city office does not decide a district's)."""
    from xieshang.core import access

    roles = [role for role, perms in access.PERMISSIONS.items() if "followups.manage" in perms]
    candidates = access.role_holders(task.organisation.ancestor_ids(), *roles)
    recorded = policies.recorded_by(task)
    if recorded is not None:
        # The Party committee's or government's office whose instruction set the task.
        candidates = candidates | access.role_holders(recorded[1], recorded[0])
    return [user for user in candidates if policies.can_manage(user, task)]


@transaction.atomic
def extension_request(*, task: Task, requested_due: dt.date, reason: str, actor) -> Extension:
    """申请延期: the assignee asks to move the due date to `requested_due` (after today, after
    the current deadline, within a year); the deciders hear of it in their inbox."""
    task = lock(Task, task.pk)
    if not policies.can_answer(actor, task):
        raise PermissionDenied
    if task.status != Task.Status.OPEN:
        raise ValidationError(_("只有办理中的事项可以申请延期。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写延期理由。")})
    refusal = requested_due_refusal(requested_due)
    if refusal:
        raise ValidationError({"requested_due": refusal})
    if requested_due <= task.due_date:
        raise ValidationError(
            {
                "requested_due": _("申请延至的日期须晚于现办理期限（%(due)s）。")
                % {"due": _fmt(task.due_date)}
            }
        )
    if task.extensions.filter(status=Extension.Status.PENDING).exists():
        raise ValidationError(_("已有待审批的延期申请。"))
    extension = Extension.objects.create(
        task=task, requested_by=actor, reason=reason, requested_due=requested_due
    )
    record_event(
        actor=actor,
        verb="followup.extension_request",
        subject=task,
        note=reason,
        data={"from": task.due_date.isoformat(), "to": requested_due.isoformat()},
    )
    notify(
        extension_deciders(task),
        title=Phrase(N_("延期申请待审批：%(title)s"), title=task.title),
        body=Phrase(
            N_("%(unit)s申请将办理期限由%(from)s延至%(to)s。理由：%(reason)s"),
            unit=task.assignee_phrase,
            reason=reason,
            **{"from": task.due_date, "to": requested_due},
        ),
        url=_task_url(task),
        dedupe_key=f"followup:{task.pk}:extension:{extension.pk}:requested",
    )
    return extension


@transaction.atomic
def extension_decide(*, extension: Extension, approve: bool, actor, note: str = "") -> Extension:
    """同意 or 不同意 a pending request. Refusing takes a reason, which the assignee reads;
    approving re-checks the date, which may have passed since the request."""
    extension = (
        Extension.objects.select_for_update(of=("self",))
        .select_related("task")
        .get(pk=extension.pk)
    )
    task = lock(Task, extension.task_id)
    if not policies.can_manage(actor, task):
        raise PermissionDenied
    if extension.status == Extension.Status.WITHDRAWN:
        raise ValidationError(
            _("该延期申请已撤回（%(why)s），无需审批。") % {"why": extension.shown_decision_note}
        )
    if extension.status != Extension.Status.PENDING:
        raise ValidationError(_("该延期申请已审批。"))
    if task.status != Task.Status.OPEN:
        # A request from before the task left OPEN (decided from a page opened earlier):
        # an answered or cancelled task has no deadline left to move.
        raise ValidationError(
            _("该事项已不在办理中（当前状态：%(state)s），延期申请不能再审批。")
            % {"state": task.get_status_display()}
        )
    note = (note or "").strip()
    if len(note) > DECISION_NOTE_MAX:
        raise ValidationError({"note": _("意见不能超过%(n)s个字。") % {"n": DECISION_NOTE_MAX}})
    if not approve and not note:
        raise ValidationError({"note": _("不同意延期请填写理由，承办单位将看到该理由。")})
    if approve and extension.requested_due <= timezone.localdate():
        raise ValidationError(
            _(
                "申请延至的日期（%(due)s）已过，不能同意；请选择不同意并说明理由，"
                "承办单位可重新申请。"
            )
            % {"due": _fmt(extension.requested_due)}
        )
    if approve and extension.requested_due <= task.due_date:
        raise ValidationError(
            _("申请延至的日期不晚于现办理期限（%(due)s），不能同意。")
            % {"due": _fmt(task.due_date)}
        )
    old_due = task.due_date
    extension.status = Extension.Status.APPROVED if approve else Extension.Status.REFUSED
    extension.decided_by = actor
    extension.decided_at = timezone.now()
    extension.decision_note = note
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        task.due_date = extension.requested_due
        task.save(update_fields=["due_date"])
        # The reminders of the old deadline are moot: the new one has its own.
        settle(f"followup:{task.pk}:remind:{old_due}", f"followup:{task.pk}:overdue:{old_due}")
    # Decided: the request no longer waits in the other deciders' inboxes.
    settle(f"followup:{task.pk}:extension:{extension.pk}:requested")
    # An approval's history line names the new deadline (it read only 同意延期).
    moved = Phrase(N_("办理期限：%(from)s → %(to)s"), **{"from": old_due, "to": task.due_date})
    record_event(
        actor=actor,
        verb="followup.extension_approve" if approve else "followup.extension_refuse",
        subject=task,
        note=joined([moved, note]) if approve else note,
        data={"from": old_due.isoformat(), "to": task.due_date.isoformat()},
    )
    if approve:
        signals.extension_approved.send(
            sender=Task, task=task, extension=extension, old_due=old_due, actor=actor
        )
        title = N_("延期申请已同意：%(title)s")
        body = [Phrase(N_("办理期限延至%(due)s。"), due=task.due_date), note]
    else:
        title = N_("延期申请未同意：%(title)s")
        body = Phrase(N_("理由：%(reason)s"), reason=note)
    _notify_assignees(task, title, f"extension:{extension.pk}", body)
    return extension
