"""Who may see and act on a follow-up task, on top of core.access."""

from xieshang.core import access
from xieshang.orgs.models import Role


def can_answer(user, task) -> bool:
    """The assignee: the department's clerks and leaders, or the holder of the task's
    assignee role in its organisation."""
    if not getattr(user, "is_authenticated", False):
        return False
    for ra in access.assignments(user):
        if task.department_id:
            if ra.department_id == task.department_id and ra.role in (
                Role.DEPARTMENT,
                Role.DEPARTMENT_LEADER,
            ):
                return True
        elif task.assignee_role and ra.role == task.assignee_role:
            if ra.organisation_id == task.organisation_id:
                return True
    return bool(task.department_id and task.department.leader_user_id == user.pk)


def can_manage(user, task) -> bool:
    """The office that asked: close, return, cancel, decide extensions."""
    return access.can(user, "followups.manage", task.organisation)


def can_view(user, task) -> bool:
    return (
        can_answer(user, task)
        or can_manage(user, task)
        or access.can(user, "followups.view", task.organisation)
    )
