"""Background jobs (django-tasks). A task loads its data and calls a service; running it
twice sends nothing twice (delivery state is stored per notification and channel)."""

import datetime as dt
import logging
import os
import secrets
import socket
from pathlib import Path

from django.utils.module_loading import import_string
from django_tasks import task

logger = logging.getLogger(__name__)

# A task whose worker cannot be checked (another host) counts as lost after this long. Our
# tasks take seconds; the longest, a member import, well under a minute.
LOST_AFTER = dt.timedelta(minutes=30)


@task()
def deliver_notifications(notification_ids: list[int]) -> int:
    """Send the email/SMS channels of these notifications. Returns how many were handled."""
    from .notifications import deliver

    count = 0
    for pk in notification_ids:
        if deliver(pk):
            count += 1
    return count


@task()
def run_job(job_id: int) -> None:
    """Run one long job with progress (see core/jobs.py)."""
    from .jobs import execute

    execute(job_id)


@task()
def run_periodic_job(name: str) -> None:
    """Run one job of the scheduler's registry in the worker (see core/scheduler.py)."""
    from .scheduler import run_job

    run_job(name)


# --- Recovering the work of a dead worker --------------------------------------------------


class WorkerLost(Exception):
    """Recorded as the failure of a task whose worker stopped while running it."""


def worker_id() -> str:
    """host:pid:random — enough for a later recovery on the same host to see whether the
    process is still there."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # the recovery runs inside a worker: its own tasks are alive
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():
        # The pid may have been given to another program since.
        text = cmdline.read_bytes().replace(b"\0", b" ")
        return b"worker" in text
    return True


def _worker_gone(worker: str, started_at, now) -> bool:
    parts = worker.split(":")
    if len(parts) == 3 and parts[0] == socket.gethostname()[:40] and parts[1].isdigit():
        return not _process_alive(int(parts[1]))
    return started_at is None or started_at < now - LOST_AFTER


def recover_lost_tasks(*, now=None) -> int:
    """Tasks left RUNNING by a worker that died (killed, out of memory, host restarted): mark
    each failed with `WorkerLost` and queue it again. Every task of ours is idempotent
    (deliveries claim each channel, scans claim each due date, imports are all-or-nothing),
    so running one again sends nothing twice. A compare-and-set on the status means two
    recoveries never requeue the same task. Returns how many were requeued."""
    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    requeued = 0
    for row in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        worker = (row.worker_ids or ["?"])[-1]
        if not _worker_gone(worker, row.started_at, now):
            continue
        claimed = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=f"worker {worker} stopped while running this task; queued again",
        )
        if not claimed:
            continue
        args = row.args_kwargs or {}
        # The task as declared (not `row.task`, which carries the old row's run_after).
        again = import_string(row.task_path).using(queue_name=row.queue_name)
        again.enqueue(*args.get("args", []), **args.get("kwargs", {}))
        requeued += 1
        logger.warning(
            "tasks: %s (%s) lost with worker %s, queued again", row.pk, row.task_path, worker
        )
    return requeued
