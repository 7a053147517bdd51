"""Leaders' instructions move to the one mechanism of followups (C4.7): each
opinions.Instruction row is copied into followups.Instruction (its item the opinion), and the
follow-up tasks and duty records that pointed at the old row point at the new one. Then the
old table goes."""

from django.db import migrations


def copy_instructions(apps, schema_editor):
    OldInstruction = apps.get_model("opinions", "Instruction")
    NewInstruction = apps.get_model("followups", "Instruction")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Task = apps.get_model("followups", "Task")
    DutyRecord = apps.get_model("duty", "DutyRecord")
    old_rows = list(OldInstruction.objects.select_related("opinion").order_by("id"))
    if not old_rows:
        return
    old_ct, _ = ContentType.objects.get_or_create(app_label="opinions", model="instruction")
    new_ct, _ = ContentType.objects.get_or_create(app_label="followups", model="instruction")
    opinion_ct, _ = ContentType.objects.get_or_create(app_label="opinions", model="opinion")
    for old in old_rows:
        opinion = old.opinion
        new = NewInstruction.objects.create(
            organisation_id=opinion.reported_to_id or opinion.organisation_id,
            content_type=opinion_ct,
            object_id=opinion.pk,
            item_title=opinion.title[:200],
            leader=old.leader,
            level=old.level,
            instructed_on=old.instructed_on,
            text=old.text,
            offices=old.offices,
            created_by_id=old.created_by_id,
            created_at=old.created_at,
        )
        new.departments.set(old.departments.all())
        Task.objects.filter(content_type=old_ct, object_id=str(old.pk)).update(
            content_type=new_ct, object_id=str(new.pk)
        )
        DutyRecord.objects.filter(content_type=old_ct, object_id=str(old.pk)).update(
            content_type=new_ct, object_id=str(new.pk)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("opinions", "0002_tracked_base"),
        ("followups", "0003_instruction"),
        ("duty", "0002_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_instructions, migrations.RunPython.noop),
        migrations.DeleteModel(name="Instruction"),
    ]
