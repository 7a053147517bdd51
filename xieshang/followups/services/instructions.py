"""Leaders' instructions (批示, C4.7) on any registered item (the registry is
`followups.instructions`): recorded, and a task opened for each body that must act.
"""

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xieshang.core.audit import lock, record_event
from xieshang.orgs.models import Role

from .. import policies
from ..instructions import target_for
from ..models import Instruction, Task
from .tasks import task_open

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
