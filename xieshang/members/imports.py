"""Excel imports of members as background jobs.

The view stores the upload privately, checks what is cheap (type, size, the sheet's row
count against `members.import_max_rows`) and queues the job; the task worker reads and
checks every row, reporting progress on the job row, then writes all rows in one
transaction or none. A 60,000-row file used to run past the web server's timeout and kill
the worker process."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.core import jobs
from xieshang.core.audit import record_event
from xieshang.core.jobs import Job
from xieshang.orgs import config
from xieshang.orgs.models import Term

from . import excel, services

KIND = "members.import"
IMPORT_MAX_ROWS = config.define(
    "members.import_max_rows",
    5000,
    gettext_lazy("每次 Excel 导入委员的最多行数"),
    gettext_lazy("超过的文件须分批导入。"),
    minimum=1,
    maximum=20000,  # a whole province's roll is a few thousand; larger files go in batches
)
PROGRESS_EVERY = 200  # rows between two progress writes
SKIPPED_SHOWN = 200  # rows already on the roll named on the result page; the rest counted
STALE_AFTER = jobs.STALE_AFTER
WRITING = "writing"  # the phase after every row was checked

S = Job.Status


def max_rows(organisation) -> int:
    return int(config.get(organisation, IMPORT_MAX_ROWS))


def describe(job: Job) -> str:
    if job.status == S.QUEUED:
        return _("排队等待导入……")
    if job.phase == WRITING:
        return _("已检查完毕，正在写入 %(n)s 名委员……") % {"n": job.done}
    if job.total:
        return _("正在检查：%(done)s / %(total)s 行") % {"done": job.done, "total": job.total}
    return _("正在检查：已读 %(done)s 行") % {"done": job.done}


def import_start(*, organisation, term, upload, rows_total: int | None, actor) -> Job:
    """Store the file, record the job and queue it once the transaction commits."""
    job = jobs.start(
        kind=KIND,
        owner=actor,
        organisation=organisation,
        params={"term": term.pk},
        total=rows_total or 0,
        source=upload,
    )
    record_event(
        actor=actor,
        verb="member.import_queued",
        subject=job,
        organisation=organisation,
        note=job.source_name,
        data={"rows": rows_total},
    )
    return job


@jobs.register(
    KIND,
    gettext_lazy("Excel 导入委员"),
    describe=describe,
    result_template="members/_import_result.html",
    stale_message=gettext_lazy("导入任务意外中断，未导入任何委员，请重新上传。"),
)
def run_import_job(job: Job) -> None:
    """Read and check every row, then write all of them in one transaction or none."""
    try:
        _run(job)
    except Exception:
        message = _("导入时发生系统错误，未导入任何委员，请重试。")
        jobs.fail(job, message=message, outcome={"errors": [{"row": 0, "message": message}]})
        raise


def run_import(job_id: int) -> None:
    """The task body (kept for tasks queued before imports became core jobs). Idempotent:
    only a queued job is claimed, so a second delivery of the task does nothing."""
    jobs.execute(job_id)


def _run(job: Job) -> None:
    term = Term.objects.get(pk=job.params["term"])

    def progress(rows_read: int) -> None:
        jobs.progress(job, rows_read)

    with job.source.open("rb") as f:
        read = excel.read_import(
            f,
            job.organisation,
            term=term,
            max_rows=max_rows(job.organisation),
            progress=progress,
            every=PROGRESS_EVERY,
        )
    if read.errors:
        _reject(job, read.errors, read)
        return
    # Every row checked: the bar is full while the rows are written.
    jobs.progress(job, len(read.rows), len(read.rows), phase=WRITING)
    with transaction.atomic():
        # This UPDATE locks the job row until commit: a stale-job sweep waits for it and
        # then finds the job done, so a slow write is never reported as failed.
        if not Job.objects.filter(pk=job.pk, status=S.RUNNING).update(heartbeat_at=timezone.now()):
            return
        sid = transaction.savepoint()
        try:
            created = services.members_import(
                organisation=job.organisation,
                term=term,
                rows=read.rows,
                actor=job.owner,
                file_name=job.source_name,
            )
        except IntegrityError:  # an ID number registered by someone else meanwhile
            transaction.savepoint_rollback(sid)
            failed = [excel.ImportError_(0, _("导入时发现重复的身份证号，已全部撤销，请重试。"))]
            _reject(job, failed, read)
            return
        message = _("已导入 %(n)d 名委员。") % {"n": len(created)}
        if read.skipped:
            message += _("%(n)d 名已在册，未重复导入。") % {"n": len(read.skipped)}
        jobs.complete(
            job,
            message=message,
            outcome={
                "created_count": len(created),
                "skipped_count": len(read.skipped),
                "skipped": [{"row": s.row, "name": s.name} for s in read.skipped[:SKIPPED_SHOWN]],
                **_layout(read),
            },
        )


def _layout(read) -> dict:
    """Where the table was read and which columns were not: the result page says both."""
    return {"sheet": read.sheet, "header_row": read.header_row, "ignored_columns": read.ignored}


def _reject(job: Job, errors: list, read=None) -> None:
    # Grouped by message, so 4,500 rows missing the same value are one line.
    outcome = excel.group_errors(errors)
    if read is not None:
        outcome.update(_layout(read))
    if jobs.fail(job, outcome=outcome):
        record_event(
            actor=job.owner,
            verb="member.import_rejected",
            subject=job,
            organisation=job.organisation,
            note=job.source_name,
            data={"errors": outcome["error_count"]},
        )


def fail_stale_jobs(now=None) -> int:
    """Running imports whose worker died: failed (nothing was written, the write is one
    transaction). The periodic core.sweep_jobs does this for every kind."""
    return jobs.fail_stale(now, kind=KIND)
