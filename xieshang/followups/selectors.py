"""Reads of follow-up tasks with a fixed number of queries."""

import datetime as dt

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from xieshang.core import access
from xieshang.orgs.models import Role

from .models import Task


def visible_tasks(user) -> QuerySet:
    """Tasks the user answers for (their departments, their office role) or oversees."""
    q = access.org_filter(user, "followups.view")
    departments = access.department_ids(user)
    if departments:
        q |= Q(department_id__in=departments)
    for ra in access.assignments(user):
        if ra.department_id and ra.role in access.DEPARTMENT_ROLES:
            continue
        if ra.role != Role.MEMBER:
            q |= Q(
                assignee_role=ra.role, organisation_id=ra.organisation_id, department__isnull=True
            )
    q |= Q(department__leader_user_id=user.pk)
    return Task.objects.filter(q)


def task_queue(user, *, state: str = "open", today: dt.date | None = None) -> QuerySet:
    """The queue page: overdue first, then by due date."""
    today = today or timezone.localdate()
    qs = visible_tasks(user).select_related("department", "organisation")
    if state == "open":
        qs = qs.filter(status=Task.Status.OPEN)
    elif state == "overdue":
        qs = qs.filter(status=Task.Status.OPEN, due_date__lt=today)
    elif state == "submitted":
        qs = qs.filter(status=Task.Status.SUBMITTED)
    elif state == "closed":
        qs = qs.filter(status__in=[Task.Status.CLOSED, Task.Status.CANCELLED])
    return qs.annotate(
        overdue_rank=Case(
            When(status=Task.Status.OPEN, due_date__lt=today, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("overdue_rank", "due_date", "id")
