"""The helpers every stage of a follow-up task shares: the task's page, who answers it, who
hears of it when it is overdue, the notice to its assignees, the date in a message.
"""

import datetime as dt

from django.db.models import Q

from xieshang.core import access
from xieshang.core.notifications import notify, settle
from xieshang.core.phrases import Phrase
from xieshang.orgs.models import Role

from ..models import Task


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
        return access.role_holders(task.organisation_id, task.assignee_role)
    else:
        return User.objects.none()
    return User.objects.filter(q, is_active=True).distinct()


def escalation_recipients(task: Task):
    """Overdue goes to the department's responsible leader and the supervising office of
    the task's organisation or any level above it."""
    from xieshang.core.models import User

    supervisors = access.role_holders(task.organisation.ancestor_ids(), Role.SUPERVISOR)
    if not task.department_id:
        return supervisors
    leaders = User.objects.filter(task.department.leaders_q(), is_active=True).distinct()
    return supervisors | leaders


def _notify_assignees(task: Task, title_msgid: str, key: str, body="") -> None:
    notify(
        assignees(task),
        title=Phrase(title_msgid, title=task.title),
        body=body,
        url=_task_url(task),
        dedupe_key=f"followup:{task.pk}:{key}",
    )


def settle_open_notices(task: Task) -> int:
    """The task has left OPEN (answered or cancelled): the notices that pressed for its
    answer — due soon, overdue, urged — and those of its extension requests no longer
    wait as unread in anyone's inbox (`notifications.settle`)."""
    keys = ("remind", "overdue", "urge", "extension")
    return settle(*(f"followup:{task.pk}:{key}:" for key in keys))


def settle_feedback_notices(task: Task) -> int:
    """The office decided on the unit's written feedback (accepted it, or sent it back): its
    已书面反馈 notices no longer wait as unread for whoever was to decide."""
    return settle(f"followup:{task.pk}:feedback:")


def _fmt(day: dt.date) -> str:
    """A date in a message to whoever acts (a refusal): in their language, "Dec. 24, 2026"
    in English, not 2026年12月24日 (`core.text.reader_date`)."""
    from xieshang.core.text import reader_date

    return reader_date(day)
