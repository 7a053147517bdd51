"""Who may see and act on a follow-up task, on top of core.access."""

from xieshang.core import access


def can_answer(user, task) -> bool:
    """The assignee: the department's clerks and leaders, or the holder of the task's
    assignee role in its organisation."""
    if not getattr(user, "is_authenticated", False):
        return False
    if task.department_id:
        return task.department_id in access.department_ids(user) or (
            task.department.leader_user_id == user.pk
        )
    return bool(task.assignee_role) and any(
        ra.role == task.assignee_role and ra.organisation_id == task.organisation_id
        for ra in access.assignments(user)
    )


def can_manage(user, task) -> bool:
    """The office that asked: close, return, cancel, decide extensions."""
    return access.can(user, "followups.manage", task.organisation)


def can_view(user, task) -> bool:
    """The assignee, the office that oversees, and whoever asked for it: committee staff
    hand what a member raised in a talk to a department (members.contacts) without holding
    followups.view, and must read the department's answer."""
    return (
        (task.requested_by_id is not None and task.requested_by_id == getattr(user, "pk", None))
        or can_answer(user, task)
        or can_manage(user, task)
        or access.can(user, "followups.view", task.organisation)
    )


def can_view_feedback_file(user, feedback) -> bool:
    """The feedback's document: its uploader, and whoever may open the task page."""
    if getattr(user, "pk", None) is not None and feedback.author_id == user.pk:
        return True
    return can_view(user, feedback.task)
