"""Every change to a follow-up task. Views, the API, commands and other modules call these.

Each function checks the actor's right and the task's state, applies the change, writes the
audit event and sends notifications, all in one transaction.
"""

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import calendar
from xieshang.core.audit import StaleEdit, lock, record_event, transition
from xieshang.core.models import Notification
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase, store
from xieshang.orgs.models import Role

from . import policies, signals
from .instructions import target_for
from .models import Extension, Feedback, Instruction, Referral, Task
from .referrals import kind_for

# The offices a leader's instruction can name besides departments.
INSTRUCTION_OFFICES = policies.LEADERS_OFFICES
INSTRUCTION_DEFAULT_DAYS = 20
# The offices that record leaders' instructions, the one a clerk records as first when they
# hold two (the Party committee's or the government's office records its own leaders').
RECORDING_ROLES = (
    Role.PARTY_OFFICE,
    Role.GOVERNMENT_OFFICE,
    Role.OFFICE,
    Role.PROPOSAL_COMMITTEE,
    Role.STANDING_SECRETARY,
)


def recording_role(user, organisation) -> str:
    """The office `user` records a leader's instruction as, at `organisation` (the node
    whose units carry it out): kept on the instruction beside the clerk's name."""
    from xieshang.core import access

    held = access.roles(user, organisation)
    return next((r for r in RECORDING_ROLES if r in held), "")


def _task_url(task: Task) -> str:
    return f"/followups/{task.pk}/"


def assignees(task: Task):
    """The users who answer for the task: the department's clerks and leaders, or the
    holders of `assignee_role` in the task's organisation."""
    from xieshang.core.models import User

    if task.department_id:
        q = task.department.leaders_q() | Q(
            role_assignments__department_id=task.department_id,
            role_assignments__role=Role.DEPARTMENT,
        )
    elif task.assignee_role:
        q = Q(
            role_assignments__organisation_id=task.organisation_id,
            role_assignments__role=task.assignee_role,
        )
    else:
        return User.objects.none()
    return User.objects.filter(q, is_active=True).distinct()


def escalation_recipients(task: Task):
    """Overdue goes to the department's responsible leader and the supervising office of
    the task's organisation or any level above it."""
    from xieshang.core.models import User

    ancestors = task.organisation.ancestor_ids()
    q = Q(role_assignments__role=Role.SUPERVISOR, role_assignments__organisation_id__in=ancestors)
    if task.department_id:
        q |= task.department.leaders_q()
    return User.objects.filter(q, is_active=True).distinct()


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


@transaction.atomic
def feedback_submit(
    *,
    task: Task,
    text: str,
    actor,
    document=None,
    answered_on: dt.date | None = None,
    tell_requester: bool = True,
) -> Feedback:
    """The assignee gives written feedback; the task moves to SUBMITTED.

    `answered_on` is the day the answer went out when it is recorded later (minutes sent on
    paper and entered afterwards): the on-time count reads that day, never a later one.
    `tell_requester` False: the calling module tells the office that asked itself, once for
    the whole matter (a proposal answered by all its units, `proposals._answered`), rather
    than once per unit's answer; the engine's notice (`_tell_requester`) is not sent."""
    task = lock(Task, task.pk)
    if not policies.can_answer(actor, task):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError(_("请填写反馈内容。"))
    feedback = Feedback.objects.create(
        task=task,
        author=actor,
        text=text,
        document=document or "",
        document_name=document.name if document else "",
    )
    task.submitted_at = timezone.now()
    if answered_on is not None and answered_on < timezone.localdate():
        task.submitted_at = timezone.make_aware(dt.datetime.combine(answered_on, dt.time(12)))
    transition(
        task,
        to=Task.Status.SUBMITTED,
        allowed_from=[Task.Status.OPEN],
        actor=actor,
        verb="followup.feedback",
        note=text[:500],
        extra_fields=["submitted_at"],
        data={"on_time": task.was_on_time},
    )
    withdraw_extensions(task=task, actor=actor, note=Phrase(N_("已书面反馈，延期申请自动撤回")))
    with _telling() as told:
        # Modules whose subject follows the task (a resident's issue becomes "answered").
        signals.feedback_submitted.send(sender=Task, task=task, feedback=feedback, actor=actor)
        if task.kind == Task.Kind.INSTRUCTION:
            _instruction_answered(task, feedback, actor)
    if tell_requester:
        _tell_requester(task, feedback, actor, already=told)
    return feedback


# The users given a notice while a feedback's modules run (`_telling`): the follow-up
# engine's own notice to the office that asked does not tell them twice.
_told: ContextVar[set | None] = ContextVar("followups_told", default=None)


@contextmanager
def _telling():
    told: set[int] = set()
    token = _told.set(told)
    try:
        yield told
    finally:
        _told.reset(token)


@receiver(post_save, sender=Notification, dispatch_uid="followups.told")
def _note_told(sender, instance, created, **kwargs) -> None:
    told = _told.get()
    if created and told is not None:
        told.add(instance.recipient_id)


def feedback_readers(task: Task) -> list:
    """Who is told of a unit's written feedback: the one who set the task (its requester,
    the clerk of the office that asked: a leader's instruction's recorder, the committee
    that handed a matter on); when that account is gone, or the unit set the task on itself
    (a proposal's 落实跟踪, opened as its answer went out), the office that decides on the
    task (`extension_deciders`), which closes or returns it. Never someone who answers the
    task themselves (an office's task on itself tells nobody)."""
    requester = task.requested_by
    own_unit = requester is not None and task.department_id and policies.can_answer(requester, task)
    readers = (
        [requester]
        if requester is not None and requester.is_active and not own_unit
        else list(extension_deciders(task))
    )
    return [user for user in readers if not policies.can_answer(user, task)]


def _tell_requester(task: Task, feedback: Feedback, actor, *, already: set) -> None:
    """The office that asked hears of the answer in its inbox, once: not the person who
    wrote it, nor whoever the subject's module already told about this feedback (a
    resident issue's liaison, an item's authors)."""
    readers = [
        user
        for user in feedback_readers(task)
        if user.pk != getattr(actor, "pk", None) and user.pk not in already
    ]
    if not readers:
        return
    notify(
        readers,
        title=Phrase(N_("已书面反馈：%(title)s"), title=task.title),
        body=Phrase(
            N_("%(unit)s已于%(day)s书面反馈。"),
            unit=task.assignee_phrase,
            day=timezone.localdate(task.submitted_at),
        ),
        url=_task_url(task),
        dedupe_key=f"followup:{task.pk}:feedback:{feedback.pk}",
        channels=("inbox",),
    )


def _instruction_answered(task: Task, feedback: Feedback, actor) -> None:
    """A unit answered a leader's instruction: the item's module hears of it (to tell the
    people whose item it is)."""
    from .instructions import target_for

    if task.content_type_id != ContentType.objects.get_for_model(Instruction).pk:
        return  # a task filed by hand under the instruction kind, with no instruction row
    instruction = Instruction.objects.filter(pk=task.object_id).first()
    item = instruction.item if instruction is not None else None
    target = target_for(item) if item is not None else None
    if target is not None:
        target.answered(instruction, task, feedback, actor)


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
    task.due_date = calendar.add_working_days(timezone.localdate(), working_days)
    task.submitted_at = None
    transition(
        task,
        to=Task.Status.OPEN,
        allowed_from=[Task.Status.SUBMITTED],
        actor=actor,
        verb="followup.reopen",
        note=note,
        extra_fields=["due_date", "submitted_at"],
        data=_as_office(task, actor),
    )
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
    return task


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
    from xieshang.core.models import User

    roles = [role for role, perms in access.PERMISSIONS.items() if "followups.manage" in perms]
    q = Q(
        role_assignments__organisation_id__in=task.organisation.ancestor_ids(),
        role_assignments__role__in=roles,
    )
    recorded = policies.recorded_by(task)
    if recorded is not None:
        # The Party committee's or government's office whose instruction set the task.
        q |= Q(role_assignments__role=recorded[0], role_assignments__organisation_id=recorded[1])
    candidates = User.objects.filter(q, is_active=True).distinct()
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
    record_event(
        actor=actor,
        verb="followup.extension_approve" if approve else "followup.extension_refuse",
        subject=task,
        note=note,
        data={"from": old_due.isoformat(), "to": task.due_date.isoformat()},
    )
    if approve:
        title = N_("延期申请已同意：%(title)s")
        body = [Phrase(N_("办理期限延至%(due)s。"), due=task.due_date), note]
    else:
        title = N_("延期申请未同意：%(title)s")
        body = Phrase(N_("理由：%(reason)s"), reason=note)
    _notify_assignees(task, title, f"extension:{extension.pk}", body)
    return extension


def _notify_assignees(task: Task, title_msgid: str, key: str, body="") -> None:
    notify(
        assignees(task),
        title=Phrase(title_msgid, title=task.title),
        body=body,
        url=_task_url(task),
        dedupe_key=f"followup:{task.pk}:{key}",
    )


def _fmt(day: dt.date) -> str:
    from xieshang.core.text import chinese_date

    return chinese_date(day)


def scan_deadlines(*, today: dt.date | None = None) -> dict[str, int]:
    """The periodic scan: remind before the due date, escalate after it.

    Idempotent: the reminder and the escalation are each claimed per due date with a
    compare-and-set update, and notifications carry a dedupe key, so running the scan twice
    (or on two hosts) sends nothing twice. An approved extension moves the due date and so
    allows one new reminder and one new escalation.
    """
    today = today or timezone.localdate()
    reminded = escalated = 0
    open_tasks = Task.objects.filter(status=Task.Status.OPEN).select_related(
        "organisation", "department"
    )
    # Reminders: due within the next `remind_days_before` working days, not yet reminded.
    horizon = calendar.add_working_days(today, 10)
    for task in open_tasks.filter(due_date__gte=today, due_date__lte=horizon).exclude(
        reminded_for=F("due_date")
    ):
        remind_from = calendar.add_working_days(task.due_date, -task.remind_days_before)
        if today < remind_from:
            continue
        claimed = (
            Task.objects.filter(pk=task.pk, status=Task.Status.OPEN, due_date=task.due_date)
            .exclude(reminded_for=task.due_date)
            .update(reminded_for=task.due_date)
        )
        if claimed != 1:
            continue
        notify(
            assignees(task),
            title=Phrase(N_("督办事项即将到期：%(title)s"), title=task.title),
            body=Phrase(N_("办理期限为%(due)s，请按时书面反馈。"), due=task.due_date),
            url=_task_url(task),
            dedupe_key=f"followup:{task.pk}:remind:{task.due_date}",
            channels=("inbox", "sms"),
        )
        reminded += 1
    # Escalation: past due and still open.
    for task in open_tasks.filter(due_date__lt=today).exclude(escalated_for=F("due_date")):
        with transaction.atomic():
            claimed = (
                Task.objects.filter(pk=task.pk, status=Task.Status.OPEN, due_date=task.due_date)
                .exclude(escalated_for=task.due_date)
                .update(escalated_for=task.due_date)
            )
            if claimed != 1:
                continue
            record_event(
                actor=None,
                verb="followup.overdue",
                subject=task,
                # No from → to: the task stays open; the escalation is an action on it.
                note=Phrase(N_("已超过办理期限（%(due)s），升级督办。"), due=task.due_date),
            )
        days = calendar.working_days_between(task.due_date, today)
        notify(
            [*assignees(task), *escalation_recipients(task)],
            title=Phrase(N_("督办事项已逾期：%(title)s"), title=task.title),
            # A deadline set on a rest day is past on the next rest day, with no working day
            # since: "已逾期0个工作日" read as not overdue at all.
            body=Phrase(
                N_("办理期限为%(due)s，已逾期%(days)s个工作日。"), due=task.due_date, days=days
            )
            if days
            else Phrase(N_("办理期限为%(due)s，已过期限。"), due=task.due_date),
            url=_task_url(task),
            dedupe_key=f"followup:{task.pk}:overdue:{task.due_date}",
            channels=("inbox", "email", "sms"),
        )
        escalated += 1
    return {"reminded": reminded, "escalated": escalated}


@transaction.atomic
def instruction_record(
    *,
    item,
    actor,
    leader: str,
    level: str,
    instructed_on: dt.date,
    text: str,
    departments=(),
    offices=(),
    working_days: int | None = None,
) -> Instruction:
    """批示 (C4.7) on any registered item (followups.instructions): recorded with the bodies
    that must act; each named department or office gets an INSTRUCTION task asking for
    written feedback within `working_days` (the item's app rule by default), with the
    engine's reminders and escalation. The item's app may refuse (its `check`) and adds its
    own effects (its `after`: duty records, telling the authors)."""
    target = target_for(item)
    if target is None:
        raise ValidationError(_("该事项不能记录领导批示。"))
    item = lock(type(item), item.pk)
    if not target.can_record(actor, item):
        raise PermissionDenied
    refusal = target.check(item)
    if refusal:
        raise ValidationError(refusal)
    departments = list(departments)
    offices = [str(o) for o in offices]
    if any(o not in INSTRUCTION_OFFICES for o in offices):
        raise ValidationError(_("落实办公室不正确。"))
    if not leader.strip() or not text.strip():
        raise ValidationError(_("请填写批示领导和批示内容。"))
    if not departments and not offices:
        raise ValidationError(_("请至少指定一个落实单位或办公室。"))
    # The item's row is locked above, so a second request for the same instruction (a double
    # click, a form sent again) waits for the first and finds its instruction here.
    existing = same_instruction(item, leader=leader, instructed_on=instructed_on, text=text)
    if existing is not None:
        raise ValidationError(_duplicate_message(existing))
    organisation = target.organisation(item, actor)
    if working_days is None:
        working_days = (
            target.working_days(item) if target.working_days else INSTRUCTION_DEFAULT_DAYS
        )
    title = str(target.title(item))
    instruction = Instruction.objects.create(
        organisation=organisation,
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        item_title=title[:200],
        leader=leader.strip(),
        level=level,
        instructed_on=instructed_on,
        text=text,
        offices=offices,
        created_by=actor if getattr(actor, "pk", None) else None,
        recorded_as=recording_role(actor, organisation),
    )
    instruction.departments.set(departments)
    record_event(
        actor=actor,
        verb="followup.instruction",
        subject=item,
        note=f"{leader}：{text}"[:500],
        data={
            "departments": [d.name for d in departments],
            "offices": offices,
            "leader": leader.strip(),
            "recorded_as": instruction.recorded_as,
        },
    )
    # The tasks' title and request are stored text, read by every unit and in every notice
    # about the task: in the site's language, whatever the language of whoever records.
    with translation.override(settings.LANGUAGE_CODE):
        task_title = _("落实领导批示：%(title)s") % {"title": title}
        request = _("%(leader)s批示：%(text)s") % {"leader": leader, "text": text}
    targets = [{"department": d, "organisation": d.organisation} for d in departments]
    targets += [{"assignee_role": o, "organisation": organisation} for o in offices]
    # A department's task belongs to the department's own node (it answers to it).
    for body in targets:
        task_open(
            title=task_title,
            actor=actor,
            kind=Task.Kind.INSTRUCTION,
            subject=instruction,
            working_days=working_days,
            request=request,
            **body,
        )
    target.after(instruction, actor)
    return instruction


def _words(value: str) -> str:
    return " ".join(value.split())


def same_instruction(item, *, leader: str, instructed_on: dt.date, text: str):
    """The instruction already recorded on `item` by the same leader on the same day with
    the same text (whitespace aside), or None: recording it again would ask the units twice
    and credit the item's authors twice."""
    leader, text = _words(leader), _words(text)
    recorded = Instruction.objects.filter(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        instructed_on=instructed_on,
    ).select_related("created_by")
    for instruction in recorded:
        if _words(instruction.leader) == leader and _words(instruction.text) == text:
            return instruction
    return None


def _duplicate_message(instruction: Instruction) -> str:
    from xieshang.core.text import reader_date

    created = timezone.localtime(instruction.created_at)
    by = instruction.created_by
    return _(
        "这条批示已经记录过了：%(leader)s%(date)s的批示，由%(by)s于%(when)s记录，"
        "并已交办落实单位。不再重复记录。"
    ) % {
        "leader": instruction.leader,
        "date": reader_date(instruction.instructed_on),
        "by": by.display_name if by else _("系统"),
        "when": f"{reader_date(created)} {created:%H:%M}",
    }


def instruction_tasks(instructions) -> dict[int, list[Task]]:
    """The tasks of these instructions with their feedback, by instruction id (two
    queries, whatever the number)."""
    ids = [str(i.pk) for i in instructions]
    if not ids:
        return {}
    tasks = (
        Task.objects.filter(
            content_type=ContentType.objects.get_for_model(Instruction), object_id__in=ids
        )
        .select_related("department", "organisation")
        .prefetch_related("feedback")
        .order_by("id")
    )
    found: dict[int, list[Task]] = {}
    for task in tasks:
        found.setdefault(int(task.object_id), []).append(task)
    return found


# --- Upward reporting (上报, C2.9): the one mechanism for every item that goes up the tree.

RS = Referral.State


def _node_users(organisation, permission: str):
    """Who acts on referrals of a kind at a node: the holders of a role with its
    permission there (the office for most items, the proposal committee for proposals)."""
    from xieshang.core import access
    from xieshang.core.models import User

    roles = [role for role, perms in access.PERMISSIONS.items() if permission in perms]
    return User.objects.filter(
        role_assignments__organisation=organisation,
        role_assignments__role__in=roles,
        is_active=True,
    ).distinct()


def _referral_url() -> str:
    return "/followups/referrals/"


def _parent_node(organisation):
    parent = organisation.parent
    if parent is None or not parent.is_cppcc:
        raise ValidationError(_("没有可报送的上级政协。"))
    return parent


def _open_referral(item):
    return (
        Referral.objects.select_for_update()
        .filter(
            content_type=ContentType.objects.get_for_model(item),
            object_id=item.pk,
            state=RS.SUBMITTED,
        )
        .select_related("from_organisation", "to_organisation")
        .first()
    )


def open_referral(item) -> Referral | None:
    """The item's referral waiting at a node, if any (an item is at one node at a time)."""
    return (
        Referral.objects.filter(
            content_type=ContentType.objects.get_for_model(item),
            object_id=item.pk,
            state=RS.SUBMITTED,
        )
        .select_related("from_organisation", "to_organisation")
        .first()
    )


def _send(kind, item, *, source, actor, previous=None) -> Referral:
    target = _parent_node(source)
    title = str(kind.title(item))
    referral = Referral.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        item_title=title[:200],
        from_organisation=source,
        to_organisation=target,
        level=target.level,
        previous=previous,
        submitted_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event(
        actor=actor,
        verb="referral.submit",
        subject=item,
        note=f"{source.name} → {target.name}",
        data={"from": source.name, "to": target.name, "referral": referral.pk},
    )
    notify(
        _node_users(target, kind.permission),
        title=Phrase(N_("下级政协上报的%(kind)s：%(title)s"), kind=kind.label, title=title),
        body=source.name,
        url=kind.url(item.pk),
        dedupe_key=f"referral:{referral.pk}:submitted",
        channels=("inbox",),
    )
    kind.after_move(item, referral, actor)
    return referral


@transaction.atomic
def referral_submit(*, item, actor) -> Referral:
    """上报: the office of the item's node sends it to the parent CPPCC node."""
    kind = kind_for(item)
    if kind is None or not kind.applies(item):
        raise ValidationError(_("该事项不能上报。"))
    item = lock(type(item), item.pk)
    # The node the item sits at: where it was last adopted, else its own node.
    last = item_referrals(item).filter(state__in=[RS.ADOPTED, RS.MERGED]).order_by("-id").first()
    source = last.to_organisation if last else kind.organisation(item)
    if not kind.can_act(actor, source):
        raise PermissionDenied
    refusal = kind.check(item)
    if refusal:
        raise ValidationError(refusal)
    if _open_referral(item) is not None:
        raise ValidationError(_("该事项已上报，正在上级处理中。"))
    return _send(kind, item, source=source, actor=actor)


def _decide(referral: Referral, actor, *, to: str, verb: str, note: str = "", require_note=False):
    referral = lock(Referral, referral.pk)
    item = referral.item
    kind = kind_for(item)
    if kind is None:
        raise ValidationError(_("该事项不能上报。"))
    if not kind.can_act(actor, referral.to_organisation):
        raise PermissionDenied
    note = (note or "").strip()
    if require_note and not note:
        raise ValidationError(_("请填写退回理由。"))
    referral.note = note[:500]
    referral.decided_by = actor if getattr(actor, "pk", None) else None
    referral.decided_at = timezone.now()
    transition(
        referral,
        to=to,
        allowed_from=[RS.SUBMITTED],
        actor=actor,
        verb=verb,
        note=note,
        field="state",
        extra_fields=["note", "decided_by", "decided_at"],
        data={"node": referral.to_organisation.name, "level": referral.level},
    )
    return referral, item, kind


def _tell_sender(referral: Referral, kind, item, title_msgid: str, key: str) -> None:
    notify(
        _node_users(referral.from_organisation, kind.permission),
        title=Phrase(title_msgid, title=referral.item_title),
        body=referral.note or referral.to_organisation.name,
        url=kind.url(item.pk),
        dedupe_key=f"referral:{referral.pk}:{key}",
        channels=("inbox",),
    )


@transaction.atomic
def referral_adopt(*, referral: Referral, actor, note: str = "") -> Referral:
    """采用: the parent node takes the item up; its app records the adoption at this level
    on the item and credits the members concerned (`after_adopt`)."""
    referral, item, kind = _decide(referral, actor, to=RS.ADOPTED, verb="referral.adopt", note=note)
    kind.after_adopt(item, referral, "adopted", actor)
    _tell_sender(referral, kind, item, N_("上报事项已被上级采用：%(title)s"), "adopted")
    return referral


@transaction.atomic
def referral_merge(*, referral: Referral, actor, note: str = "") -> Referral:
    """编入本级刊物: adopted by merging it into the parent node's own bulletin (`note`
    names the bulletin); counts as an adoption at this level."""
    referral, item, kind = _decide(referral, actor, to=RS.MERGED, verb="referral.merge", note=note)
    kind.after_adopt(item, referral, "merged", actor)
    _tell_sender(referral, kind, item, N_("上报事项已编入上级刊物：%(title)s"), "merged")
    return referral


@transaction.atomic
def referral_forward(*, referral: Referral, actor, note: str = "") -> Referral:
    """转报: the parent node sends the item on to its own parent (the next referral). The
    forwarding counts as an adoption by forwarding at this level."""
    # No parent to forward to: `_send` refuses and the whole change is rolled back.
    referral, item, kind = _decide(
        referral, actor, to=RS.FORWARDED, verb="referral.forward", note=note
    )
    kind.after_adopt(item, referral, "forwarded", actor)
    nxt = _send(kind, item, source=referral.to_organisation, actor=actor, previous=referral)
    _tell_sender(referral, kind, item, N_("上报事项已转报更上一级：%(title)s"), "forwarded")
    return nxt


@transaction.atomic
def referral_return(*, referral: Referral, actor, reason: str) -> Referral:
    """退回: the parent node sends the item back, with a reason."""
    referral, item, kind = _decide(
        referral, actor, to=RS.RETURNED, verb="referral.return", note=reason, require_note=True
    )
    kind.after_return(item, referral, actor)
    _tell_sender(referral, kind, item, N_("上报事项被退回：%(title)s"), "returned")
    return referral


def item_referrals(item):
    """The item's path up the tree, oldest first (one query)."""
    return (
        Referral.objects.filter(
            content_type=ContentType.objects.get_for_model(item), object_id=item.pk
        )
        .select_related("from_organisation", "to_organisation")
        .order_by("submitted_at", "id")
    )
