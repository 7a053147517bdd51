"""The one instructions panel (批示, C4.7) on the page of every item that can carry one:
each instruction with its units' tasks and their written feedback, and the form to record
one for whoever may. Registered with core.panels by `instructions.register`. Three queries
for the list (instructions with their departments, tasks with their feedback), whatever the
item."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from xieshang.core.panels import Panel

from . import policies
from .instructions import target_for
from .models import Instruction

TEMPLATE = "followups/_instructions_panel.html"


def item_instructions(item):
    return Instruction.objects.filter(
        content_type=ContentType.objects.get_for_model(item), object_id=item.pk
    ).prefetch_related("departments")


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
    for instruction in instructions:
        instruction.task_list = tasks.get(instruction.pk, [])
        for task in instruction.task_list:
            # The feedback text is for whoever may open the task, not every reader of the item.
            task.feedback_visible = policies.can_view(user, task)
    form = None
    if can_record:
        form = InstructionForm(
            organisation=target.organisation(item),
            initial_days=target.working_days(item) if target.working_days else None,
        )
    return Panel(
        TEMPLATE,
        {
            "instructions": instructions,
            "form": form,
            "action": f"/followups/instructions/new/{target.key}/{item.pk}/",
            "today": timezone.localdate(),
        },
        order=40,
    )
