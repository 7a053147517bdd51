"""Health of a deployment for monitoring: the checks behind `/health/`, and the heartbeats
the task worker and the scheduler write.

Each check returns {"status": "ok" | "degraded" | "fail", ...details}; the overall status is
the worst of them. A failed check means the site cannot serve (database unreachable,
migrations not applied, a disk almost full); degraded means it serves but something around
it needs a person (the worker or the scheduler stopped, a disk filling up).

Heartbeats are small JSON files in HEARTBEAT_DIR (default var/heartbeats): the worker
rewrites `worker.json` every HEARTBEAT_SECONDS from a thread of its process, the scheduler
rewrites `scheduler.json` at every tick. Files, not rows: a beat never takes the SQLite
write lock from the web requests, and it needs no migration. Like the scheduler's state
file they assume the worker and the scheduler run on the web server's host (README).

The whole report costs two queries (SELECT 1, the oldest queued task) plus one on the
migration table at most every MIGRATIONS_RECHECK seconds.
"""

import datetime as dt
import json
import logging
import os
import shutil
import threading
import time
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

logger = logging.getLogger(__name__)

OK, DEGRADED, FAIL = "ok", "degraded", "fail"
_RANK = {OK: 0, DEGRADED: 1, FAIL: 2}

# A clean migration state is remembered this long (seconds): loading the migration graph
# costs more than the rest of the report together.
MIGRATIONS_RECHECK = 300


def worst(statuses) -> str:
    return max(statuses, key=_RANK.__getitem__, default=OK)


def _setting(name: str, default):
    return getattr(settings, name, default)


# --- Heartbeats -----------------------------------------------------------------------


def heartbeat_dir() -> Path:
    return Path(_setting("HEARTBEAT_DIR", None) or Path(settings.VAR_DIR) / "heartbeats")


def beat(name: str, **info) -> None:
    """Record that `name` ("worker", "scheduler") is alive now. Never raises."""
    try:
        folder = heartbeat_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.json"
        payload = {"at": timezone.now().isoformat(), "pid": os.getpid(), **info}
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(payload), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        logger.warning("heartbeat %s: could not be written", name, exc_info=True)


def last_beat(name: str) -> dict | None:
    """{"at": datetime, ...} of the last beat, or None if there never was one."""
    try:
        raw = json.loads((heartbeat_dir() / f"{name}.json").read_text(encoding="utf-8"))
        raw["at"] = dt.datetime.fromisoformat(raw["at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return raw


def start_heartbeat_thread(name: str, *, every: float | None = None, **info) -> threading.Event:
    """Beat now and then every `every` seconds from a daemon thread, while the main thread
    lives. Returns the event that stops it."""
    every = every or _setting("HEARTBEAT_SECONDS", 30)
    stop = threading.Event()
    main = threading.main_thread()

    def loop():
        while main.is_alive() and not stop.is_set():
            beat(name, **info)
            stop.wait(every)

    threading.Thread(target=loop, name=f"{name}-heartbeat", daemon=True).start()
    return stop


# --- Checks ---------------------------------------------------------------------------


_migrations_clean_at: float | None = None


def _pending_migrations(connection) -> list[str]:
    global _migrations_clean_at
    if _migrations_clean_at is not None and time.monotonic() - _migrations_clean_at < (
        MIGRATIONS_RECHECK
    ):
        return []
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    pending = [f"{m.app_label}.{m.name}" for m, backwards in plan if not backwards]
    if not pending:
        _migrations_clean_at = time.monotonic()
    return pending


def check_database() -> dict:
    connection = connections[DEFAULT_DB_ALIAS]
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        latency = round((time.monotonic() - started) * 1000, 1)
        pending = _pending_migrations(connection)
    except Exception as exc:
        logger.exception("health: database check failed")
        return {"status": FAIL, "vendor": connection.vendor, "error": type(exc).__name__}
    result = {"status": OK, "vendor": connection.vendor, "latency_ms": latency}
    if pending:
        result.update(status=FAIL, pending_migrations=pending[:20])
    return result


def _uses_worker() -> bool:
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    return backend.startswith("django_tasks_db")


def check_worker(now: dt.datetime) -> dict:
    if not _uses_worker():
        return {"status": OK, "note": "tasks run in the web process (no worker needed)"}
    stale_after = dt.timedelta(minutes=_setting("HEALTH_WORKER_STALE_MINUTES", 5))
    result: dict = {"status": OK}
    last = last_beat("worker")
    if last is None:
        result.update(status=DEGRADED, last_heartbeat=None, problem="no heartbeat ever")
    else:
        age = (now - last["at"]).total_seconds()
        result.update(last_heartbeat=last["at"].isoformat(), age_seconds=round(age))
        if age > stale_after.total_seconds():
            result.update(status=DEGRADED, problem="heartbeat stale")
    try:
        from django_tasks_db.models import DBTaskResult

        oldest = (
            DBTaskResult.objects.ready()
            .order_by("enqueued_at")
            .values_list("enqueued_at", "run_after")
            .first()
        )
    except Exception as exc:
        logger.exception("health: queue check failed")
        return {**result, "status": worst([result["status"], DEGRADED]), "error": str(exc)[:200]}
    if oldest is not None:
        enqueued_at, run_after = oldest
        # A task planned for later waits from then (run_after is the far future when unset).
        since = enqueued_at if run_after > now else max(enqueued_at, run_after)
        wait = (now - since).total_seconds()
        result["oldest_queued_seconds"] = round(wait)
        if wait > stale_after.total_seconds():
            result.update(status=DEGRADED, problem=result.get("problem") or "queue not moving")
    return result


def check_scheduler(now: dt.datetime) -> dict:
    # Three ticks missed, and never less than five minutes.
    tick = _setting("SCHEDULER_TICK_SECONDS", 60)
    default = max(5, round(3 * tick / 60))
    stale_after = dt.timedelta(minutes=_setting("HEALTH_SCHEDULER_STALE_MINUTES", default))
    last = last_beat("scheduler")
    if last is None:
        return {"status": DEGRADED, "last_run": None, "problem": "never ran"}
    age = (now - last["at"]).total_seconds()
    result = {"status": OK, "last_run": last["at"].isoformat(), "age_seconds": round(age)}
    if age > stale_after.total_seconds():
        result.update(status=DEGRADED, problem="last run too long ago")
    return result


def watched_paths() -> dict[str, Path]:
    """The folders whose disks the check watches: the SQLite file's, the uploads', the
    var folder (heartbeats, scheduler state, logs) and the backup and log folders if set."""
    paths = {}
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and str(db["NAME"]) != ":memory:":
        paths["database"] = Path(db["NAME"]).parent
    paths["media"] = Path(settings.MEDIA_ROOT)
    paths["private_media"] = Path(settings.PRIVATE_MEDIA_ROOT)
    paths["var"] = Path(settings.VAR_DIR)
    for name in ("BACKUP_DIR", "LOG_DIR"):
        value = _setting(name, None)
        if value:
            paths[name.lower().removesuffix("_dir")] = Path(value)
    return paths


def _existing(path: Path) -> Path:
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def check_disk() -> dict:
    degraded_pct = _setting("HEALTH_DISK_DEGRADED_PERCENT", 10)
    degraded_bytes = _setting("HEALTH_DISK_DEGRADED_BYTES", 1024**3)
    fail_pct = _setting("HEALTH_DISK_FAIL_PERCENT", 2)
    volumes: dict = {}
    statuses = []
    seen: dict = {}
    for label, path in watched_paths().items():
        target = _existing(path)
        try:
            device = target.stat().st_dev
            if device in seen:
                volumes[seen[device]]["paths"].append(label)
                continue
            usage = shutil.disk_usage(target)
        except OSError as exc:
            volumes[label] = {"status": FAIL, "paths": [label], "error": type(exc).__name__}
            statuses.append(FAIL)
            continue
        free_pct = round(usage.free * 100 / usage.total, 1) if usage.total else 0.0
        if free_pct < fail_pct:
            status = FAIL
        elif free_pct < degraded_pct or usage.free < degraded_bytes:
            status = DEGRADED
        else:
            status = OK
        seen[device] = label
        volumes[label] = {
            "status": status,
            "paths": [label],
            "free_bytes": usage.free,
            "total_bytes": usage.total,
            "free_percent": free_pct,
        }
        statuses.append(status)
    return {"status": worst(statuses), "volumes": volumes}


@cache
def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("xieshang")
    except PackageNotFoundError:
        pass
    import tomllib

    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as fh:
            return tomllib.load(fh)["project"]["version"]
    except (OSError, ValueError, KeyError):
        return "unknown"


def report() -> dict:
    now = timezone.now()
    checks = {
        "database": check_database(),
        "worker": check_worker(now),
        "scheduler": check_scheduler(now),
        "disk": check_disk(),
    }
    return {
        "status": worst(c["status"] for c in checks.values()),
        "checks": checks,
        "version": version(),
        "time": now.isoformat(),
    }
