"""Who may see and act on a follow-up task, on top of core.access."""

from xieshang.core import access
from xieshang.orgs.models import Role

# The Party committee's and the government's offices: a leader's instruction may name them
# as units, and they record their own leaders' instructions on what is sent to them.
LEADERS_OFFICES = (Role.PARTY_OFFICE, Role.GOVERNMENT_OFFICE)


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
    """The office that asked: close (办结, accepting the written feedback), return, cancel,
    decide extensions. The CPPCC office (followups.manage), and, for a task set by a leader's
    instruction that a Party committee's or government's office recorded, that office at
    the instruction's node (`recording_office`), unless it answers the task itself."""
    if access.can(user, "followups.manage", task.organisation):
        return True
    return bool(recording_office(user, task)) and not can_answer(user, task)


def recorded_by(task) -> tuple[str, int] | None:
    """(role, organisation id) of the Party committee's or government's office that recorded
    the leader's instruction `task` carries out, or None (another task, an instruction the
    CPPCC office recorded). One query, remembered on the task."""
    if task.kind != task.Kind.INSTRUCTION or not task.object_id:
        return None
    if not hasattr(task, "_recorded_by"):
        from django.contrib.contenttypes.models import ContentType

        from .models import Instruction

        found = None
        if task.content_type_id == ContentType.objects.get_for_model(Instruction).pk:
            found = (
                Instruction.objects.filter(pk=task.object_id, recorded_as__in=LEADERS_OFFICES)
                .values_list("recorded_as", "organisation_id")
                .first()
            )
        task._recorded_by = found
    return task._recorded_by


def recording_office(user, task) -> str:
    """The office role (党委办公室, 政府办公室) in which `user` set `task`: the task carries out
    a leader's instruction that this office recorded at its node (C4.7), so it accepts the
    units' feedback as the CPPCC office does for what it asked. "" otherwise; no query for a
    user who holds neither office."""
    held = {
        (ra.role, ra.organisation_id)
        for ra in access.assignments(user)
        if ra.role in LEADERS_OFFICES
    }
    if not held:
        return ""
    found = recorded_by(task)
    return found[0] if found in held else ""


def can_urge(user, task) -> bool:
    """Chase (催办) an open task: the office that asked, and the supervising office or the
    Party committee or government office over the task's organisation (督查 sits in them),
    unless the task is their own to answer."""
    from xieshang.orgs.models import Role

    if task.status != task.Status.OPEN or can_answer(user, task):
        return False
    chasers = {Role.SUPERVISOR, Role.PARTY_OFFICE, Role.GOVERNMENT_OFFICE}
    return can_manage(user, task) or bool(access.roles(user, task.organisation) & chasers)


def can_view(user, task) -> bool:
    """The assignee, the office that oversees, and whoever asked for it: committee staff
    hand what a member raised in a talk to a department (members.contacts) without holding
    followups.view, and must read the department's answer."""
    # Overseeing (followups.view) is asked before deciding: `can_manage` may read the
    # task's instruction for a Party committee's or government's office, which oversees.
    return (
        (task.requested_by_id is not None and task.requested_by_id == getattr(user, "pk", None))
        or can_answer(user, task)
        or access.can(user, "followups.view", task.organisation)
        or can_manage(user, task)
    )


def works_on_followups(user) -> bool:
    """Who the 督办 lists are for: staff (any role but 政协委员: office, unit, supervising
    office) or a unit's leader. A member has no task there, and is refused the lists and
    their exports rather than shown empty ones the menu never offers."""
    if not getattr(user, "is_authenticated", False):
        return False
    if access.is_staff_user(user):
        return True
    from xieshang.orgs.models import Department

    return Department.objects.filter(leader_user_id=user.pk).exists()


def records_for_leaders(user) -> bool:
    """A Party committee's or government's office: it finds what was sent or reported to it
    (报送本机关) and records its own leaders' instructions on it (C4.7)."""
    return getattr(user, "is_authenticated", False) and access.has_role(user, *LEADERS_OFFICES)


def can_view_feedback_file(user, feedback) -> bool:
    """The feedback's document: its uploader, and whoever may open the task page."""
    if getattr(user, "pk", None) is not None and feedback.author_id == user.pk:
        return True
    return can_view(user, feedback.task)


def answers_about(user, item) -> bool:
    """The user's unit (or office role) is asked for written feedback about `item`: a task
    whose subject is the item, or a leader's instruction on it. A unit must be able to read
    what it answers, whatever else it may read. Two queries."""
    from django.contrib.contenttypes.models import ContentType

    key = (ContentType.objects.get_for_model(item).pk, item.pk)
    return key in answered_items(user, [key])


def supervises_task_about(user, item) -> bool:
    """The supervising office (督查室) of the organisation of a follow-up task about `item`
    (a task on it, or on a leader's instruction on it), or of a node above, reads the item:
    it tracks the task (followups.view, escalations, 催办) and must see what the task is
    about. Only such items: a 社情民意 item or an inspection report is not every supervising
    office's to read. Two queries, none for a user who is no supervising office."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from xieshang.orgs.models import Role

    from .models import Instruction, Task

    paths = [ra.organisation.path for ra in access.assignments(user) if ra.role == Role.SUPERVISOR]
    if not paths:
        return False
    item_type = ContentType.objects.get_for_model(item)
    instructions = Instruction.objects.filter(content_type=item_type, object_id=item.pk)
    about = Q(content_type=item_type, object_id=str(item.pk)) | Q(
        content_type=ContentType.objects.get_for_model(Instruction),
        object_id__in=[str(pk) for pk in instructions.values_list("pk", flat=True)],
    )
    scope = Q(pk__in=[])
    for path in paths:
        scope |= Q(organisation__path__startswith=path)
    return Task.objects.filter(about).filter(scope).exists()


def answered_items(user, keys) -> set[tuple[int, int]]:
    """Which of the items named by (content type id, item id) the user answers about (see
    `answers_about`): two queries however many, so that a list asks once for its page."""
    keys = set(keys)
    if not getattr(user, "is_authenticated", False) or not keys:
        return set()
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from .models import Instruction, Task

    by_type: dict[int, list[int]] = {}
    for type_id, pk in keys:
        by_type.setdefault(type_id, []).append(pk)
    about = on_items = Q(pk__in=[])
    for type_id, pks in by_type.items():
        about |= Q(content_type_id=type_id, object_id__in=[str(pk) for pk in pks])
        on_items |= Q(content_type_id=type_id, object_id__in=pks)
    instruction_type = ContentType.objects.get_for_model(Instruction)
    item_of = {
        str(pk): (type_id, object_id)
        for pk, type_id, object_id in Instruction.objects.filter(on_items).values_list(
            "pk", "content_type_id", "object_id"
        )
    }
    about |= Q(content_type=instruction_type, object_id__in=list(item_of))
    mine = Q(department_id__in=access.department_ids(user)) | Q(department__leader_user=user)
    for ra in access.assignments(user):
        mine |= Q(department__isnull=True, assignee_role=ra.role, organisation=ra.organisation_id)
    tasks = Task.objects.filter(about).filter(mine).values_list("content_type_id", "object_id")
    return {
        item_of[object_id] if type_id == instruction_type.pk else (type_id, int(object_id))
        for type_id, object_id in tasks
    }
