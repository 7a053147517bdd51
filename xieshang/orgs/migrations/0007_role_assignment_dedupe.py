"""Remove exact duplicate role assignments before 0008 makes them impossible.

The unique constraint of 0001 never held for a role without a department or committee (SQL
counts NULLs as distinct), so a role could be granted twice, and revoking one copy left the
user holding it. The copies are the same grant: the oldest stays, the others go, so nobody
gains or loses a right here.
"""

from django.db import migrations


def remove_duplicates(apps, schema_editor):
    RoleAssignment = apps.get_model("orgs", "RoleAssignment")
    seen = set()
    extra = []
    rows = RoleAssignment.objects.order_by("created_at", "pk").values_list(
        "pk", "user_id", "organisation_id", "role", "department_id", "committee_id"
    )
    for pk, *key in rows.iterator():
        key = tuple(key)
        if key in seen:
            extra.append(pk)
        else:
            seen.add(key)
    for start in range(0, len(extra), 500):
        RoleAssignment.objects.filter(pk__in=extra[start : start + 500]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0006_department_remit"),
    ]

    operations = [
        migrations.RunPython(remove_duplicates, migrations.RunPython.noop),
    ]
