"""Periodic jobs: a small registry and the tick that `manage.py run_scheduler` repeats.

Apps declare jobs in their own `jobs.py` (imported by `autodiscover()`):

    from datetime import time, timedelta
    from xieshang.core.scheduler import periodic

    @periodic("followups.scan_deadlines", every=timedelta(minutes=15))
    def scan_deadlines(): ...

    @periodic("followups.morning_reminders", at=time(8, 30))   # daily, local time
    def morning_reminders(): ...

Each tick claims the jobs that are due and enqueues each as the `run_periodic_job` task, so
the work runs in the task worker (`manage.py db_worker`), not in the scheduler. A job must be
idempotent — a crash, a restart or a second scheduler may run it once more than planned —
which the notification and duty-record services already are (dedupe keys).

Last-run times live in a JSON file (SCHEDULER_STATE_FILE, default var/scheduler-state.json),
read, checked and rewritten under an exclusive file lock: a restarted scheduler continues
where it stopped, and several schedulers on one host never claim the same run twice. Several
hosts each running a scheduler do not share the file; run the scheduler on one host (the
jobs' idempotency makes an accidental second one harmless, only wasteful). `FileStateStore`
is the one class to replace with a database-backed store if that is ever needed.
"""

import contextlib
import datetime as dt
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from .health import beat

logger = logging.getLogger(__name__)

# A tick that wakes a little early still runs a job whose interval is (almost) over.
SLACK = dt.timedelta(seconds=2)


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[[], object]
    every: dt.timedelta | None = None
    at: dt.time | None = None

    def is_due(self, last_run: dt.datetime | None, now: dt.datetime) -> bool:
        if self.at is not None:
            local = timezone.localtime(now)
            today_at = timezone.make_aware(
                dt.datetime.combine(local.date(), self.at), timezone.get_current_timezone()
            )
            return now >= today_at and (last_run is None or last_run < today_at)
        return last_run is None or now - last_run >= self.every - SLACK

    def describe(self) -> str:
        if self.at is not None:
            return f"daily at {self.at:%H:%M}"
        return f"every {self.every}"


_registry: dict[str, Job] = {}
_discovered = False


def register(
    name: str,
    func: Callable[[], object],
    *,
    every: dt.timedelta | None = None,
    at: dt.time | None = None,
) -> Job:
    """Add a periodic job: `every` an interval, or `at` a local time of day (daily)."""
    if (every is None) == (at is None):
        raise ValueError(f"job {name!r}: give exactly one of every= or at=")
    if every is not None and every <= dt.timedelta(0):
        raise ValueError(f"job {name!r}: every= must be positive")
    existing = _registry.get(name)
    if existing is not None and existing.func is not func:
        # Re-importing the same module (autoreload) re-registers the same function; two
        # different functions under one name would silently shadow each other.
        if (existing.func.__module__, existing.func.__qualname__) != (
            func.__module__,
            func.__qualname__,
        ):
            raise ValueError(f"a periodic job named {name!r} is already registered")
    job = Job(name=name, func=func, every=every, at=at)
    _registry[name] = job
    return job


def periodic(name: str, *, every: dt.timedelta | None = None, at: dt.time | None = None):
    """Decorator form of `register`; returns the function unchanged."""

    def decorate(func):
        register(name, func, every=every, at=at)
        return func

    return decorate


def unregister(name: str) -> None:
    _registry.pop(name, None)


def autodiscover() -> None:
    """Import `<app>.jobs` for every installed app that has one (once per process)."""
    global _discovered
    if _discovered:
        return
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "jobs"):
            import_module(f"{config.name}.jobs")
    _discovered = True


def registry() -> dict[str, Job]:
    autodiscover()
    return dict(sorted(_registry.items()))


def run_job(name: str) -> object:
    """Run one registered job now, in this process (the worker calls this)."""
    job = registry().get(name)
    if job is None:
        raise LookupError(f"no periodic job named {name!r}")
    logger.info("periodic job %s: running", name)
    return job.func()


# --- State ------------------------------------------------------------------------------


class FileStateStore:
    """Last-run times in a JSON file, changed only under an exclusive lock file."""

    def __init__(self, path: Path | str | None = None):
        default = Path(settings.VAR_DIR) / "scheduler-state.json"
        self.path = Path(path or getattr(settings, "SCHEDULER_STATE_FILE", None) or default)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock_file:
            try:
                import fcntl
            except ImportError:  # pragma: no cover - not POSIX: a single scheduler only
                yield
                return
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    def _read(self) -> dict[str, dt.datetime]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (ValueError, OSError):
            logger.warning("scheduler state %s unreadable; starting afresh", self.path)
            return {}
        state = {}
        for name, value in raw.get("last_run", {}).items():
            try:
                state[name] = dt.datetime.fromisoformat(value)
            except (TypeError, ValueError):
                continue
        return state

    def _write(self, state: dict[str, dt.datetime]) -> None:
        payload = {"last_run": {name: when.isoformat() for name, when in sorted(state.items())}}
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(payload, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)

    def last_runs(self) -> dict[str, dt.datetime]:
        with self._locked():
            return self._read()

    def claim_due(self, jobs: list[Job], now: dt.datetime) -> list[Job]:
        """Atomically pick the due jobs and record `now` as their last run."""
        with self._locked():
            state = self._read()
            due = [job for job in jobs if job.is_due(state.get(job.name), now)]
            if due:
                for job in due:
                    state[job.name] = now
                self._write(state)
            return due


def tick(now: dt.datetime | None = None, *, store: FileStateStore | None = None) -> list[str]:
    """Enqueue every due job once; returns the names enqueued."""
    from .tasks import run_periodic_job

    now = now or timezone.now()
    store = store or FileStateStore()
    due = store.claim_due(list(registry().values()), now)
    started = []
    for job in due:
        try:
            run_periodic_job.enqueue(job.name)
        except Exception:
            # Claimed but not queued: this run is skipped, the next interval runs it.
            logger.exception("periodic job %s: could not be queued", job.name)
            continue
        started.append(job.name)
    if started:
        logger.info("scheduler: queued %s", ", ".join(started))
    return started


def run_forever(stop: threading.Event, *, tick_seconds: float) -> None:
    """Tick until `stop` is set (the command sets it on SIGINT/SIGTERM)."""
    from django.db import close_old_connections

    logger.info("scheduler: started, %d jobs, tick %ss", len(registry()), tick_seconds)
    while not stop.is_set():
        close_old_connections()
        try:
            tick()
        except Exception:
            # A database hiccup must not end the scheduler; the next tick tries again.
            logger.exception("scheduler: tick failed")
        else:
            beat("scheduler")  # /health/ reads it (core.health)
        stop.wait(tick_seconds)
    logger.info("scheduler: stopped")


# --- Built-in jobs ----------------------------------------------------------------------


@periodic("core.heartbeat", every=dt.timedelta(minutes=5))
def heartbeat() -> None:
    """Shows in the worker's log that the scheduler and the worker are alive; writes nothing."""
    logger.info("scheduler heartbeat")


@periodic("core.retry_notifications", every=dt.timedelta(minutes=15))
def retry_notifications() -> int:
    """Settle the sends a dead worker cut off, then queue again the email/SMS deliveries
    that a lost task or a failed send left pending."""
    from .notifications import recover_stalled, retry_undelivered

    recover_stalled()
    return retry_undelivered()


@periodic("core.recover_lost_tasks", every=dt.timedelta(minutes=5))
def recover_lost_tasks() -> int:
    """Requeue the background tasks whose worker died while running them."""
    from .tasks import recover_lost_tasks

    return recover_lost_tasks()


@periodic("core.seal_audit", every=dt.timedelta(minutes=1))
def seal_audit() -> int:
    """Give the audit events written since the last run their place in the seal chain."""
    from .audit_seal import seal_pending

    return seal_pending()


@periodic("core.verify_audit", at=dt.time(2, 40))
def verify_audit() -> bool:
    """Check the whole seal chain, record the result and tell the audit administrators of
    a break (core.audit_seal)."""
    from .audit_seal import check_and_record

    return check_and_record().ok


@periodic("core.remind_api_tokens", at=dt.time(8, 30))
def remind_api_tokens() -> int:
    """Tell owners of API tokens that expire within a week (once per token)."""
    from .api_tokens import remind_expiring

    return remind_expiring()


def _backup_time() -> dt.time | None:
    """settings.BACKUP_TIME as a time of day; None when nightly backups are switched off."""
    from django.core.exceptions import ImproperlyConfigured

    value = str(getattr(settings, "BACKUP_TIME", "02:30") or "").strip()
    if value.lower() in {"", "off", "none", "no", "false", "0"}:
        return None
    try:
        return dt.time.fromisoformat(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f'BACKUP_TIME must be "HH:MM" or "off", got {value!r}') from exc


def nightly_backup() -> str:
    """Write a backup archive to BACKUP_DIR and keep the newest BACKUP_KEEP (core/backup.py)."""
    from .backup import create_backup

    return str(create_backup().path)


def register_backup_job() -> Job | None:
    """The nightly backup, at settings.BACKUP_TIME unless that is "off" (the test settings)."""
    at = _backup_time()
    if at is None:
        unregister("core.backup")
        return None
    return register("core.backup", nightly_backup, at=at)


register_backup_job()
