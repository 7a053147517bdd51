"""A follow-up task's own life: opened (交办), chased (催办), closed (办结), returned with a new
deadline (退回), cancelled (撤销), alone or with the item it serves.
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import calendar
from xieshang.core.audit import StaleEdit, lock, record_event, transition
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase

from .. import policies
from ..models import Task
from .common import (
    _notify_assignees,
    _task_url,
    assignees,
    settle_feedback_notices,
    settle_open_notices,
)
from .extensions import withdraw_extensions


@transaction.atomic
def task_open(
    *,
    organisation,
    title: str,
    actor,
    kind: str = Task.Kind.OTHER,
    subject=None,
    department=None,
    assignee_role: str = "",
    working_days: int | None = None,
    due_date: dt.date | None = None,
    start_date: dt.date | None = None,
    request: str = "",
    remind_days_before: int = 3,
) -> Task:
    """Ask `department` (or the holders of `assignee_role`) for written feedback by a due
    date: `working_days` after `start_date` (Chinese working days), or an explicit date."""
    if department is None and not assignee_role:
        raise ValidationError(_("请指定承办单位。"))
    if department is not None and department.organisation_id != organisation.pk:
        # A department answers to the committee of its own organisation only.
        if not organisation.path.startswith(department.organisation.path) and not (
            department.organisation.path.startswith(organisation.path)
        ):
            raise ValidationError(_("承办单位不属于本组织。"))
    start = start_date or timezone.localdate()
    if due_date is None:
        if working_days is None:
            raise ValidationError(_("请指定办理期限。"))
        due_date = calendar.add_working_days(start, working_days)
    if due_date < start:
        raise ValidationError(_("办理期限不能早于交办日期。"))
    task = Task.objects.create(
        organisation=organisation,
        kind=kind,
        title=title[:200],
        request=request,
        content_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        object_id=str(subject.pk) if subject is not None else "",
        department=department,
        assignee_role=assignee_role,
        requested_by=actor if getattr(actor, "pk", None) else None,
        start_date=start,
        due_date=due_date,
        remind_days_before=remind_days_before,
    )
    record_event(
        actor=actor,
        verb="followup.open",
        subject=task,
        to_state=task.status,
        note=title,
        data={"due_date": due_date.isoformat(), "department": str(department or assignee_role)},
    )
    # Inbox rows are written in this transaction; email and SMS go out after commit.
    notify(
        assignees(task),
        title=Phrase(N_("新的督办事项：%(title)s"), title=task.title),
        body=Phrase(N_("请于%(due)s前书面反馈。"), due=task.due_date),
        url=_task_url(task),
        dedupe_key=f"followup:{task.pk}:open",
        channels=("inbox", "email", "sms"),
    )
    return task


def _refuse_changed(task: Task, expected_version: int | None) -> None:
    """A decision on the feedback shown (办结, 退回) is refused when the task changed since the
    page was opened (returned and answered again, closed by the other office that may):
    nobody accepts or returns an answer they have not read. None (a module, a script) does
    not check."""
    if expected_version is not None and task.version != expected_version:
        raise StaleEdit(
            _(
                "该事项在您打开此页后已有变化（如已被办结、退回或重新反馈），请查看最新情况后再操作。"
            ),
            current_version=task.version,
        )


def _as_office(task: Task, actor) -> dict:
    """The audit data of a decision taken by the Party committee's or government's office
    that recorded the instruction (`policies.recording_office`): which office decided."""
    from xieshang.core import access

    if access.can(actor, "followups.manage", task.organisation):
        return {}
    office = policies.recording_office(actor, task)
    return {"office": office} if office else {}


@transaction.atomic
def task_close(*, task: Task, actor, note: str = "", expected_version: int | None = None) -> Task:
    """The requesting office accepts the feedback: the task is done. The CPPCC office, or
    the Party committee's or government's office whose recorded instruction set the task
    (`policies.can_manage`)."""
    task = lock(Task, task.pk)
    if not policies.can_manage(actor, task):
        raise PermissionDenied
    _refuse_changed(task, expected_version)
    task.closed_at = timezone.now()
    transition(
        task,
        to=Task.Status.CLOSED,
        allowed_from=[Task.Status.SUBMITTED],
        actor=actor,
        verb="followup.close",
        note=note,
        extra_fields=["closed_at"],
        data=_as_office(task, actor),
    )
    settle_feedback_notices(task)
    return task


@transaction.atomic
def task_urge(*, task: Task, actor, note: str = "") -> Task:
    """Chase the unit (催办): the unit's clerks and responsible leader get a message with
    the deadline and the note, and the task's record keeps who chased and when. Chasing
    twice on one day records both and sends the message once."""
    task = lock(Task, task.pk)
    if not policies.can_urge(actor, task):
        raise PermissionDenied
    today = timezone.localdate()
    if task.due_date < today:
        days = calendar.working_days_between(task.due_date, today)
        if days:
            overdue = Phrase(
                N_("办理期限为%(due)s，已逾期%(days)s个工作日，请抓紧办理并书面反馈。"),
                due=task.due_date,
                days=days,
            )
        else:
            # A deadline set on a rest day, chased before the next working day.
            overdue = Phrase(
                N_("办理期限为%(due)s，已过期限，请抓紧办理并书面反馈。"), due=task.due_date
            )
        body = [overdue]
    else:
        body = [Phrase(N_("办理期限为%(due)s，请抓紧办理并按时书面反馈。"), due=task.due_date)]
    if note.strip():
        body.append(note.strip())
    record_event(
        actor=actor,
        verb="followup.urge",
        subject=task,
        from_state=task.status,
        to_state=task.status,
        note=note.strip()[:500],
    )
    notify(
        assignees(task),  # a department's clerks and its responsible leaders
        title=Phrase(N_("催办：%(title)s"), title=task.title),
        body=body,
        url=_task_url(task),
        dedupe_key=f"followup:{task.pk}:urge:{today}",
        channels=("inbox", "sms"),
    )
    return task


@transaction.atomic
def task_reopen(
    *, task: Task, actor, note: str, working_days: int, expected_version: int | None = None
) -> Task:
    """The feedback is not enough: the task goes back to the assignee with a new deadline."""
    task = lock(Task, task.pk)
    if not policies.can_manage(actor, task):
        raise PermissionDenied
    _refuse_changed(task, expected_version)
    if not note.strip():
        raise ValidationError(_("请说明退回理由。"))
    return _send_back(
        task, actor, note, working_days, [Task.Status.SUBMITTED], data=_as_office(task, actor)
    )


@transaction.atomic
def task_reopen_with_subject(*, task: Task, actor, note: "Phrase | str", working_days: int) -> Task:
    """The module whose item the task serves sends it back to the unit with a new deadline
    (a resident's issue handled again after the resident's 不满意): the module has checked
    the actor's right on its item, as for `task_cancel_with_subject`. The same transition,
    audit and notice as `task_reopen`; also from 已办结, since the office may have accepted
    the feedback before the resident rated it."""
    task = lock(Task, task.pk)
    if working_days < 1:
        raise ValidationError(_("办理时限至少为1个工作日。"))
    return _send_back(task, actor, note, working_days, [Task.Status.SUBMITTED, Task.Status.CLOSED])


def _send_back(task: Task, actor, note, working_days: int, allowed_from, data=None) -> Task:
    task.due_date = calendar.add_working_days(timezone.localdate(), working_days)
    task.submitted_at = None
    task.closed_at = None
    transition(
        task,
        to=Task.Status.OPEN,
        allowed_from=allowed_from,
        actor=actor,
        verb="followup.reopen",
        note=note,
        extra_fields=["due_date", "submitted_at", "closed_at"],
        data=data,
    )
    settle_feedback_notices(task)
    _notify_assignees(task, N_("督办事项被退回：%(title)s"), f"reopen:{task.due_date}", note)
    return task


@transaction.atomic
def task_cancel(*, task: Task, actor, note: str) -> Task:
    task = lock(Task, task.pk)
    if not policies.can_manage(actor, task):
        raise PermissionDenied
    return _cancel(
        task, actor=actor, note=note, extension_note=Phrase(N_("事项已撤销，延期申请自动撤回"))
    )


@transaction.atomic
def task_cancel_with_subject(
    *, task: Task, actor, note: "Phrase | str", extension_note: "Phrase | str" = ""
) -> Task | None:
    """The module whose item the task serves ends the task with it (a proposal sent back
    by its department: the department's own task, its co-handlers'). The module has
    checked the actor's right on its item; the acting department holds no
    followups.manage, so none is asked here. The same transition and audit as
    `task_cancel` (followup.cancel, from → to, `note` saying why), and the pending
    extension request is withdrawn with `extension_note` (default: `note`). A task already
    closed or cancelled is left as it is (None)."""
    task = lock(Task, task.pk)
    if task.status not in (Task.Status.OPEN, Task.Status.SUBMITTED):
        return None
    return _cancel(task, actor=actor, note=note, extension_note=extension_note or note)


def _cancel(task: Task, *, actor, note: "Phrase | str", extension_note: "Phrase | str") -> Task:
    transition(
        task,
        to=Task.Status.CANCELLED,
        allowed_from=[Task.Status.OPEN, Task.Status.SUBMITTED],
        actor=actor,
        verb="followup.cancel",
        note=note,
    )
    withdraw_extensions(task=task, actor=actor, note=extension_note)
    settle_open_notices(task)
    settle_feedback_notices(task)  # cancelled after its feedback came in: nothing to decide
    return task
