"""落实跟踪 tasks opened before their title carried the proposal's number ("落实跟踪：关于…的
建议") get it, as new ones do ("落实跟踪：2026年平时提案第0011号《关于…的建议》"): titles
repeat, and two such tasks read alike in the list and the inbox. Only a title still exactly
as the service wrote it (in Chinese, the site's language) is rewritten; notices already sent
keep the words they were sent with."""

from django.db import migrations

PREFIX = "落实跟踪："


def numbered(apps, schema_editor):
    Task = apps.get_model("followups", "Task")
    Proposal = apps.get_model("proposals", "Proposal")
    tasks = list(
        Task.objects.filter(
            kind="implementation",
            content_type__app_label="proposals",
            content_type__model="proposal",
            title__startswith=PREFIX,
        ).only("pk", "title", "object_id")
    )
    ids = sorted({int(t.object_id) for t in tasks if t.object_id.isdigit()})
    proposals = {}
    for start in range(0, len(ids), 2000):  # a province's tasks: within any driver's limit
        chunk = ids[start : start + 2000]
        for p in Proposal.objects.filter(pk__in=chunk).only("pk", "number", "title"):
            proposals[p.pk] = p
    changed = []
    for task in tasks:
        proposal = proposals.get(int(task.object_id)) if task.object_id.isdigit() else None
        if proposal is None or not proposal.number or task.title != PREFIX + proposal.title:
            continue
        task.title = f"{PREFIX}{proposal.number}《{proposal.title}》"[:200]
        changed.append(task)
    Task.objects.bulk_update(changed, ["title"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("followups", "0007_instruction_recorded_as"),
        ("proposals", "0016_figures_snapshot"),
    ]

    operations = [migrations.RunPython(numbered, migrations.RunPython.noop)]
