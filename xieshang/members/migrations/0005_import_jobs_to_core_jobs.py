"""Member imports become core jobs (core.jobs.Job, kind "members.import").

Every ImportJob row is copied with its own id, so the job pages' addresses and any import
task still queued under the old id go on naming the same import; the stored sheet (if not
yet read) moves with it. Then the table goes. Reversible: the rows are copied back."""

from django.db import migrations

KIND = "members.import"


def _reset_sequence(connection, model) -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), [model])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def forwards(apps, schema_editor):
    ImportJob = apps.get_model("members", "ImportJob")
    Job = apps.get_model("core", "Job")
    rows = [
        Job(
            pk=old.pk,
            kind=KIND,
            owner_id=old.created_by_id,
            organisation_id=old.organisation_id,
            status=old.status,
            phase="writing" if old.phase == "writing" else "",
            done=old.rows_done,
            total=old.rows_total,
            params={"term": old.term_id},
            outcome={"errors": old.errors or [], "created_count": old.created_count},
            message=(f"已导入 {old.created_count} 名委员。" if old.status == "done" else ""),
            source=old.file.name if old.file else "",
            source_name=old.file_name,
            started_at=old.started_at,
            heartbeat_at=old.heartbeat_at,
            finished_at=old.finished_at,
        )
        for old in ImportJob.objects.order_by("pk").iterator()
    ]
    if not rows:
        return
    Job.objects.bulk_create(rows, batch_size=500)
    # created_at is auto_now_add: give back the original times.
    for old in ImportJob.objects.only("pk", "created_at").iterator():
        Job.objects.filter(pk=old.pk).update(created_at=old.created_at)
    _reset_sequence(schema_editor.connection, Job)


def backwards(apps, schema_editor):
    ImportJob = apps.get_model("members", "ImportJob")
    Job = apps.get_model("core", "Job")
    for job in Job.objects.filter(kind=KIND).order_by("pk").iterator():
        term = (job.params or {}).get("term")
        if term is None:
            continue
        outcome = job.outcome or {}
        old = ImportJob.objects.create(
            pk=job.pk,
            organisation_id=job.organisation_id,
            term_id=term,
            created_by_id=job.owner_id,
            file=job.source.name if job.source else "",
            file_name=job.source_name,
            status=job.status,
            phase="writing" if job.phase == "writing" else "checking",
            rows_total=job.total,
            rows_done=job.done,
            errors=outcome.get("errors")
            or ([{"row": 0, "message": job.message}] if job.status == "failed" else []),
            created_count=outcome.get("created_count", 0),
            started_at=job.started_at,
            heartbeat_at=job.heartbeat_at,
            finished_at=job.finished_at,
        )
        ImportJob.objects.filter(pk=old.pk).update(created_at=job.created_at)
    Job.objects.filter(kind=KIND).delete()
    _reset_sequence(schema_editor.connection, ImportJob)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_job"),
        ("members", "0004_people_around_members"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="ImportJob"),
    ]
