"""What the demo needs of the follow-up engine: the demo writes everything today through the
services, then moves some tasks back in time (as the proposals and residents demos move
their items), so that a leader's instruction shows tasks answered on time, still open and
overdue. Not a `build` module of its own: the apps' demos call it."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import F

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


def answer(task: Task, text: str) -> bool:
    """Written feedback on `task` by one of its assignees (the department's clerk, the
    office asked); False when nobody can answer it in this data set."""
    from . import services

    actor = services.assignees(task).order_by("id").first()
    if actor is None:
        return False
    services.feedback_submit(task=task, text=text, actor=actor)
    return True
