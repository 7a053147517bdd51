"""What the demo needs of the follow-up engine: the demo writes everything today through the
services, then moves some tasks back in time (as the proposals and residents demos move
their items), so that a leader's instruction shows tasks answered on time, still open and
overdue. Not a `build` module of its own: the apps' demos call it."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone

from xieshang.core import calendar
from xieshang.core.models import Event

from .models import Feedback, Task

TASK_TIMES = ("submitted_at", "closed_at", "created_at")


def move_back(tasks, days: int) -> None:
    """Move these tasks, their feedback and their events back by `days`, as if they had been
    opened then; each keeps its span in working days, so a due date stays a working day.
    An open task whose span has passed is overdue. (The seed writing history: bulk updates,
    as in the other demos.)"""
    shift = dt.timedelta(days=days)
    # Fresh rows: the caller's copies may predate the feedback just given.
    tasks = list(Task.objects.filter(pk__in=[t.pk for t in tasks]).order_by("pk"))
    for task in tasks:
        span = calendar.working_days_between(task.start_date, task.due_date)
        task.start_date -= shift
        task.due_date = calendar.add_working_days(task.start_date, span)
        for name in TASK_TIMES:
            if getattr(task, name):
                setattr(task, name, getattr(task, name) - shift)
    if not tasks:
        return
    Task.objects.bulk_update(tasks, ["start_date", "due_date", *TASK_TIMES])
    ids = [t.pk for t in tasks]
    Feedback.objects.filter(task_id__in=ids).update(created_at=F("created_at") - shift)
    Event.objects.filter(
        content_type=ContentType.objects.get_for_model(Task), object_id__in=[str(i) for i in ids]
    ).update(created_at=F("created_at") - shift)
    date_open_notices(tasks)


def date_open_notices(tasks) -> None:
    """The notice each task opened with ("新的督办事项：… 请于X前书面反馈。") dated and worded
    as the task now is, once the demo has moved the task back: it was written on the day
    the seed ran, with the deadline the task had then, and a clerk reading the inbox must
    see the deadline the queue and the task page show. `tasks` as moved (saved)."""
    from django.conf import settings
    from django.utils import translation

    from xieshang.core.models import Notification
    from xieshang.core.phrases import shown

    by_key = {f"followup:{task.pk}:open": task for task in tasks}
    notices = list(
        Notification.objects.filter(dedupe_key__in=list(by_key)).only(
            "pk", "dedupe_key", "created_at", "body", "body_phrase"
        )
    )
    for notice in notices:
        task = by_key[notice.dedupe_key]
        notice.created_at = task.created_at
        phrase = notice.body_phrase or {}
        if isinstance(phrase, dict) and "due" in phrase.get("p", {}):
            phrase["p"]["due"] = {"d": task.due_date.isoformat()}
            # The stored text beside the phrase is in the site's language, as it was written.
            with translation.override(settings.LANGUAGE_CODE):
                notice.body = shown(phrase, notice.body)
    Notification.objects.bulk_update(notices, ["created_at", "body", "body_phrase"], 500)


def answer(task: Task, text: str) -> bool:
    """Written feedback on `task` by one of its assignees (the department's clerk, the
    office asked); False when nobody can answer it in this data set."""
    from . import services

    actor = services.assignees(task).order_by("id").first()
    if actor is None:
        return False
    services.feedback_submit(task=task, text=text, actor=actor)
    return True


ANSWERED = "已按要求办理完毕，具体情况已书面报告。"
# Kinds answered through the engine itself. A proposal's handling and co-handling are
# answered through the proposals services (an answer, a co-handler's view), which the
# proposals demo writes; a resident's issue hears of its answer the moment it is given.
SETTLED_KINDS = [
    Task.Kind.OUTCOME,
    Task.Kind.INSTRUCTION,
    Task.Kind.OPINION,
    Task.Kind.IMPLEMENTATION,
]


def settle_overdue(*, today: dt.date | None = None, grace_days: int = 21) -> int:
    """A real office's tasks: an open task overdue by more than `grace_days` was answered
    by its assignee a couple of working days before its deadline and then closed (办结) by
    the office that asked, through the services; their feedback, times and audit rows are
    then dated back to those days. The tasks overdue by days or weeks stay open, so the
    overdue views show some. Returns how many were settled."""
    from xieshang.core import access
    from xieshang.orgs.models import Role

    from . import services

    today = today or timezone.localdate()
    old = list(
        Task.objects.filter(
            status__in=[Task.Status.OPEN, Task.Status.SUBMITTED],
            due_date__lt=today - dt.timedelta(days=grace_days),
            kind__in=SETTLED_KINDS,
        )
        .select_related("organisation")
        .order_by("pk")
    )
    offices: dict[int, object] = {}
    task_type = ContentType.objects.get_for_model(Task)
    settled = 0
    for task in old:
        org_id = task.organisation_id
        if org_id not in offices:
            offices[org_id] = next(
                (
                    u
                    for u in access.role_holders(org_id, Role.OFFICE)
                    if access.can(u, "followups.manage", task.organisation)
                ),
                None,
            )
        office = offices[org_id]
        if office is None:
            continue
        mark = timezone.now()
        answered = max(task.start_date, calendar.add_working_days(task.due_date, -2))
        closed = min(calendar.add_working_days(answered, 3), today)
        if task.status == Task.Status.OPEN:
            actor = services.assignees(task).order_by("id").first()
            if actor is None:
                continue
            services.feedback_submit(task=task, text=ANSWERED, actor=actor, answered_on=answered)
        else:
            answered = timezone.localdate(task.submitted_at) if task.submitted_at else answered
            closed = min(calendar.add_working_days(answered, 3), today)
        services.task_close(task=task, actor=office)
        at_answer = _at(answered, 11)
        at_close = _at(closed, 15)
        Feedback.objects.filter(task_id=task.pk, created_at__gte=mark).update(created_at=at_answer)
        Task.objects.filter(pk=task.pk).update(closed_at=at_close)
        events = Event.objects.filter(
            content_type=task_type, object_id=str(task.pk), created_at__gte=mark
        )
        events.filter(verb="followup.feedback").update(created_at=at_answer)
        events.exclude(verb="followup.feedback").update(created_at=at_close)
        settled += 1
    return settled


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def upper_level(*, organisation) -> list[Task]:
    """A city's or province's office asks its own special committee's staff for quarterly
    work reports (its 督办 queue's 仅本级): last quarter's was answered on time and closed,
    this quarter's is open and not yet due. Through the services, then dated back."""
    from xieshang.core import access
    from xieshang.orgs.models import Role

    from . import services

    office = access.role_holders(organisation, Role.OFFICE).first()
    staff = access.role_holders(organisation, Role.COMMITTEE_STAFF).first()
    if office is None or staff is None:
        return []
    committee = staff.role_assignments.filter(role=Role.COMMITTEE_STAFF).first().committee
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    last_q, last_year = (quarter - 1, today.year) if quarter > 1 else (4, today.year - 1)
    done = services.task_open(
        organisation=organisation,
        actor=office,
        title=f"报送{committee}{last_year}年第{last_q}季度工作情况",
        request="请书面报告本季度调研、协商和提案督办等工作开展情况及下季度安排。",
        assignee_role=Role.COMMITTEE_STAFF,
        working_days=10,
    )
    answer(done, "本季度开展专题调研2次、协商座谈1次，督办重点提案3件，详见书面报告。")
    services.task_close(task=done, actor=office)
    move_back([done], 70)
    still_open = services.task_open(
        organisation=organisation,
        actor=office,
        title=f"报送{committee}{today.year}年第{quarter}季度工作情况",
        request="请于期限前书面报告本季度工作开展情况及下季度安排。",
        assignee_role=Role.COMMITTEE_STAFF,
        working_days=15,
    )
    move_back([still_open], 6)
    return [done, still_open]
