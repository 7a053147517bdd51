"""Leaders' instructions on inspection reports were follow-up tasks hung on the meeting;
they become followups.Instruction rows (the one mechanism, C4.7) and their tasks hang on
those. The old records named no leader: the text of the instruction is kept."""

from django.db import migrations


def copy_instructions(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Task = apps.get_model("followups", "Task")
    Meeting = apps.get_model("meetings", "Meeting")
    Instruction = apps.get_model("followups", "Instruction")
    meeting_ct = ContentType.objects.filter(app_label="meetings", model="meeting").first()
    if meeting_ct is None:
        return
    tasks = list(Task.objects.filter(kind="instruction", content_type=meeting_ct))
    if not tasks:
        return
    instruction_ct, _ = ContentType.objects.get_or_create(
        app_label="followups", model="instruction"
    )
    meetings = Meeting.objects.in_bulk([int(t.object_id) for t in tasks])
    for task in tasks:
        meeting = meetings.get(int(task.object_id))
        if meeting is None:
            continue
        instruction = Instruction.objects.create(
            organisation_id=meeting.organisation_id,
            content_type=meeting_ct,
            object_id=meeting.pk,
            item_title=meeting.title[:200],
            leader="",
            level="district",
            instructed_on=task.start_date,
            text=task.request,
            created_by_id=task.requested_by_id,
            created_at=task.created_at,
        )
        if task.department_id:
            instruction.departments.add(task.department_id)
        Task.objects.filter(pk=task.pk).update(
            content_type=instruction_ct, object_id=str(instruction.pk)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_tracked_base"),
        ("followups", "0003_instruction"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(copy_instructions, migrations.RunPython.noop)]
