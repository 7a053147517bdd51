"""The one instructions panel (批示, C4.7) on the page of every item that can carry one:
each instruction with its units' tasks and their written feedback, and the form to record
one for whoever may. Registered with core.panels by `instructions.register`. Three queries
for the list (instructions with their departments, tasks with their feedback), whatever the
item."""

from django.contrib.contenttypes.models import ContentType

from xieshang.core.panels import Panel

from . import policies
from .instructions import target_for
from .models import Instruction
from .selectors import mark_time_left

TEMPLATE = "followups/_instructions_panel.html"


def item_instructions(item):
    return (
        Instruction.objects.filter(
            content_type=ContentType.objects.get_for_model(item), object_id=item.pk
        )
        .prefetch_related("departments")
        .select_related("created_by")
    )


def instruction_panel(request, item) -> Panel | None:
    from .forms import InstructionForm
    from .services import instruction_tasks

    target = target_for(item)
    if target is None or not target.applies(item):
        return None
    user = request.user
    can_record = target.can_record(user, item) and not target.check(item)
    instructions = list(item_instructions(item))
    if not instructions and not can_record:
        return None
    tasks = instruction_tasks(instructions)
    reads_all = bool(instructions) and target.reads_feedback(user, item)
    mark_time_left(task for task_list in tasks.values() for task in task_list)
    for instruction in instructions:
        instruction.task_list = tasks.get(instruction.pk, [])
        for task in instruction.task_list:
            # The feedback text is for whoever may open the task and the people whose item
            # it is (its authors), not every reader of the item.
            task.openable = policies.can_view(user, task)
            task.feedback_visible = reads_all or task.openable
    form = None
    if can_record:
        form = InstructionForm(
            target=target,
            item=item,
            user=user,
            initial_days=target.working_days(item) if target.working_days else None,
        )
    return Panel(
        TEMPLATE,
        {
            "instructions": instructions,
            "form": form,
            "action": f"/followups/instructions/new/{target.key}/{item.pk}/",
        },
        order=40,
    )


def referral_panel(request, item) -> Panel | None:
    """The item's path up the tree (上报, C2.9): each level, its date, state and note, the
    buttons for the node's office that holds it now, and the submit button for the item's own
    office. Two queries."""
    from .referrals import kind_for
    from .services import can_report_up, item_referrals

    kind = kind_for(item)
    user = request.user
    if kind is None or not kind.applies(item) or not kind.reads_path(user, item):
        return None
    path = list(item_referrals(item))
    current = next((r for r in path if r.state == r.State.SUBMITTED), None)
    can_submit = can_report_up(user, item, kind, path)
    can_decide = current is not None and kind.can_act(user, current.to_organisation)
    if not path and not can_submit:
        return None
    return Panel(
        "followups/_referrals_panel.html",
        {
            "referral_path": path,
            "current": current,
            "can_submit": can_submit,
            "can_decide": can_decide,
            "can_forward": can_decide
            and current.to_organisation.parent_id is not None
            and current.to_organisation.parent.is_cppcc,
            "submit_action": f"/followups/referrals/new/{kind.key}/{item.pk}/",
        },
        order=35,
    )
