"""Which office recorded each leader's instruction (`Instruction.recorded_as`), kept beside
the clerk; filled for those recorded before from the clerk's roles at the instruction's node
or above, as `services.recording_role` reads them now."""

from django.db import migrations, models

# services.RECORDING_ROLES, as they are today.
RECORDING_ROLES = (
    "party_office",
    "government_office",
    "office",
    "proposal_committee",
    "standing_secretary",
)


def fill(apps, schema_editor):
    Instruction = apps.get_model("followups", "Instruction")
    RoleAssignment = apps.get_model("orgs", "RoleAssignment")
    for instruction in Instruction.objects.filter(created_by__isnull=False).select_related(
        "organisation"
    ):
        held = {
            role
            for role, path in RoleAssignment.objects.filter(
                user_id=instruction.created_by_id, role__in=RECORDING_ROLES
            ).values_list("role", "organisation__path")
            if instruction.organisation.path.startswith(path)
        }
        role = next((r for r in RECORDING_ROLES if r in held), "")
        if role:
            Instruction.objects.filter(pk=instruction.pk).update(recorded_as=role)


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0006_extension_decision_phrase"),
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="instruction",
            name="recorded_as",
            field=models.CharField(blank=True, max_length=32, verbose_name="记录机关"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
