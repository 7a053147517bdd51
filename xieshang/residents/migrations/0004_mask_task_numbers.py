"""Follow-up tasks already opened for routed issues: numbers the resident typed into the
title, description or place are masked in the task's title and request, as new routings
now write them (services.issue_route)."""

from django.db import migrations


def mask_tasks(apps, schema_editor):
    from xieshang.portal.scrub import mask_numbers

    Issue = apps.get_model("residents", "ResidentIssue")
    Task = apps.get_model("followups", "Task")
    task_ids = Issue.objects.exclude(task=None).values_list("task_id", flat=True)
    for task in Task.objects.filter(pk__in=list(task_ids)).only("pk", "title", "request"):
        title, request = mask_numbers(task.title), mask_numbers(task.request)
        if (title, request) != (task.title, task.request):
            Task.objects.filter(pk=task.pk).update(title=title, request=request)


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0003_screen_reason_codes"),
        ("followups", "0002_private_documents"),
    ]

    operations = [migrations.RunPython(mask_tasks, migrations.RunPython.noop)]
