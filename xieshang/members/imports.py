"""Excel imports of members as background jobs.

The view stores the upload privately, checks what is cheap (type, size, the sheet's row
count against `members.import_max_rows`) and queues the job; the task worker reads and
checks every row, reporting progress on the job row, then writes all rows in one
transaction or none. A 60,000-row file used to run past the web server's timeout and kill
the worker process."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.core.audit import record_event
from xieshang.orgs import config

from . import excel, services
from .models import ImportJob

IMPORT_MAX_ROWS = config.define(
    "members.import_max_rows",
    5000,
    gettext_lazy("每次 Excel 导入委员的最多行数"),
    gettext_lazy("超过的文件须分批导入。"),
)
PROGRESS_EVERY = 200  # rows between two progress writes
# A running job whose heartbeat is older than this was killed (worker restart, OOM). The
# write transaction cannot beat, so this must exceed the longest write of a full file.
STALE_AFTER = dt.timedelta(minutes=15)

S = ImportJob.Status


def max_rows(organisation) -> int:
    return int(config.get(organisation, IMPORT_MAX_ROWS))


def import_start(*, organisation, term, upload, rows_total: int | None, actor) -> ImportJob:
    """Store the file, record the job and queue it once the transaction commits."""
    job = ImportJob(
        organisation=organisation,
        term=term,
        created_by=actor,
        file_name=upload.name[:200],
        rows_total=rows_total or 0,
    )
    job.file.save(upload.name, upload, save=False)
    job.save()
    record_event(
        actor=actor,
        verb="member.import_queued",
        subject=job,
        organisation=organisation,
        note=job.file_name,
        data={"rows": rows_total},
    )
    from .tasks import run_member_import

    transaction.on_commit(lambda: run_member_import.enqueue(job.pk))
    return job


def _beat(job: ImportJob, **fields) -> None:
    fields["heartbeat_at"] = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def _finish(job: ImportJob, *, status: str, **fields) -> bool:
    """Compare-and-set from running: a job already failed as stale stays failed."""
    now = timezone.now()
    done = ImportJob.objects.filter(pk=job.pk, status=S.RUNNING).update(
        status=status, finished_at=now, heartbeat_at=now, **fields
    )
    return done == 1


def _discard_file(job: ImportJob) -> None:
    # The result is in the database and the audit log; the sheet of ID numbers and phone
    # numbers is not kept once read.
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def run_import(job_id: int) -> None:
    """The task body. Idempotent: only a queued job is claimed, so a second delivery of
    the task does nothing."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=S.QUEUED).update(
        status=S.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("organisation", "term", "created_by").get(pk=job_id)
    try:
        _run(job)
    except Exception:
        _finish(
            job,
            status=S.FAILED,
            errors=[{"row": 0, "message": _("导入时发生系统错误，未导入任何委员，请重试。")}],
        )
        raise
    finally:
        _discard_file(job)


def _run(job: ImportJob) -> None:
    def progress(rows_read: int) -> None:
        _beat(job, rows_done=rows_read)

    with job.file.open("rb") as f:
        rows, errors = excel.read_import(
            f,
            job.organisation,
            max_rows=max_rows(job.organisation),
            progress=progress,
            every=PROGRESS_EVERY,
        )
    if errors:
        _reject(job, errors)
        return
    _beat(job, phase=ImportJob.Phase.WRITING, rows_done=len(rows))
    with transaction.atomic():
        # This UPDATE locks the job row until commit: a stale-job sweep waits for it and
        # then finds the job done, so a slow write is never reported as failed.
        if not ImportJob.objects.filter(pk=job.pk, status=S.RUNNING).update(
            heartbeat_at=timezone.now()
        ):
            return
        sid = transaction.savepoint()
        try:
            created = services.members_import(
                organisation=job.organisation,
                term=job.term,
                rows=rows,
                actor=job.created_by,
                file_name=job.file_name,
            )
        except IntegrityError:  # an ID number registered by someone else meanwhile
            transaction.savepoint_rollback(sid)
            failed = [excel.ImportError_(0, _("导入时发现重复的身份证号，已全部撤销，请重试。"))]
            _reject(job, failed)
            return
        _finish(job, status=S.DONE, created_count=len(created))


def _reject(job: ImportJob, errors: list) -> None:
    payload = [{"row": e.row, "message": e.message} for e in errors]
    if _finish(job, status=S.FAILED, errors=payload):
        record_event(
            actor=job.created_by,
            verb="member.import_rejected",
            subject=job,
            organisation=job.organisation,
            note=job.file_name,
            data={"errors": len(payload)},
        )


def fail_stale_jobs(now=None) -> int:
    """Running jobs whose worker died: mark them failed (nothing was written, the write is
    one transaction). Called when a job page is opened and by the periodic job."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    return ImportJob.objects.filter(status=S.RUNNING, heartbeat_at__lt=cutoff).update(
        status=S.FAILED,
        finished_at=timezone.now(),
        errors=[{"row": 0, "message": _("导入任务意外中断，未导入任何委员，请重新上传。")}],
    )
