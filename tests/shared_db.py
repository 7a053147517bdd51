"""One migration per test run, not one per xdist worker.

Applying our migrations to an empty database takes ~50 s of one core here (Django renders
the model states of ~120 migrations over models that all relate to one another), and every
worker's test database needs them: two on a `make test` of SQLite, two on PostgreSQL, and a
third for the tests that start the real commands on a SQLite file (`migrated_sqlite`).
The first worker to create its test database migrates it and leaves a copy in the run's
shared folder; the others start from that copy:

- SQLite: the in-memory database is written to a file with SQLite's backup API and read
  back the same way, page for page (the FTS5 tables and the reference rows included);
- PostgreSQL: the migrated database is copied with CREATE DATABASE … TEMPLATE, and the
  other workers' databases are re-created from that copy (`drop_postgresql_copy` removes it
  when the run ends).

The migrations themselves still run, once a run, on each database the suite is run on.

While one worker migrates, the other waits for its copy (~50 s): it spends that wait on the
run's other one-time work that needs no test database (`while_waiting`): the static files
`manage.py serve` serves, collected and compressed (~40 s of a core), and, on a PostgreSQL
run, the migrated SQLite file of the tests that start the real commands (`migrated_sqlite`).
Whichever worker gets there first makes each of them, under a lock, once a run."""

import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from django.core import management
from django.db import connection

SQLITE_COPY = "migrated-test.sqlite3"
POSTGRESQL_COPY = "migrated-test-postgresql.name"
# The run's one-time jobs that need no test database, done by a worker that would otherwise
# wait for the other's migration (set by tests/conftest.py once the tests are collected).
while_waiting: list[Callable[[], None]] = []


def share_first_migration(shared_dir: Path) -> None:
    """Make the next `migrate` of a test database (the one `create_test_db` runs) use the
    run's shared copy, or make that copy. One shot: later `migrate` commands run as asked."""
    real = management.call_command

    def call_command(name, *args, **kwargs):
        if name != "migrate" or connection.vendor not in ("sqlite", "postgresql"):
            return real(name, *args, **kwargs)
        management.call_command = real
        with open(shared_dir / f"test-db-{connection.vendor}.lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # another worker is migrating right now: work meanwhile
                for job in while_waiting:
                    job()
                fcntl.flock(lock, fcntl.LOCK_EX)
            if connection.vendor == "sqlite":
                _sqlite(shared_dir / SQLITE_COPY, lambda: real(name, *args, **kwargs))
            else:
                _postgresql(shared_dir / POSTGRESQL_COPY, lambda: real(name, *args, **kwargs))

    management.call_command = call_command


def _sqlite(path: Path, migrate) -> None:
    connection.ensure_connection()
    if path.exists():
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    migrate()
    connection.ensure_connection()
    part = path.with_suffix(".part")
    part.unlink(missing_ok=True)
    target = sqlite3.connect(part)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    os.replace(part, path)


def _postgresql(marker: Path, migrate) -> None:
    qn = connection.ops.quote_name
    own = connection.settings_dict["NAME"]
    if not marker.exists():
        migrate()
        copy = f"{own[:50]}_migrated"
        connection.close()  # a template must have no session open on it
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {qn(copy)}")
            cursor.execute(f"CREATE DATABASE {qn(copy)} WITH TEMPLATE {qn(own)}")
        marker.write_text(copy)
        return
    copy = marker.read_text()
    connection.close()
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE {qn(own)}")
        cursor.execute(f"CREATE DATABASE {qn(own)} WITH TEMPLATE {qn(copy)}")


def sqlite_copy(shared_dir: Path | None) -> Path | None:
    """The run's migrated SQLite database, if this run made one."""
    path = shared_dir / SQLITE_COPY if shared_dir else None
    return path if path and path.exists() else None


def drop_postgresql_copy(shared_dir: Path) -> None:
    """Called by the controlling process when every worker has finished."""
    marker = shared_dir / POSTGRESQL_COPY
    if not marker.exists():
        return
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    params = {
        "dbname": "postgres",
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    with psycopg.connect(autocommit=True, **{k: v for k, v in params.items() if v}) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{marker.read_text()}"')
    marker.unlink()


def _once(shared_dir: Path, name: str, make: Callable[[Path], None]) -> Path:
    """shared_dir/name, made by `make(folder)` by the first worker that asks in this run."""
    folder = shared_dir / name
    with open(shared_dir / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "done").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            (folder / "done").touch()
    return folder


def _manage(var_dir: Path, settings_module: str, *args: str, **env: str) -> None:
    from django.conf import settings

    environ = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TASKS_BACKEND"}}
    environ.update(XIESHANG_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE=settings_module, **env)
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    subprocess.run([sys.executable, manage, *args], env=environ, check=True, timeout=600)


def migrated_sqlite_file(shared_dir: Path) -> Path:
    """A migrated SQLite database file (xieshang.sqlite3) for the tests that start the real
    commands: the test databases' migrated copy on a SQLite run, else a migration of its
    own (on a PostgreSQL run), once a run."""

    def make(folder: Path) -> None:
        copied = sqlite_copy(shared_dir)
        if copied:
            shutil.copyfile(copied, folder / "xieshang.sqlite3")
        else:
            _manage(folder, "xieshang.settings_test", "migrate", "-v0")

    return _once(shared_dir, "migrated-sqlite", make) / "xieshang.sqlite3"


# The settings `make run` serves with (production's, over plain HTTP): tests/core/test_serve.py.
SERVE_ENV = {
    "XIESHANG_TESTING": "0",
    "DEBUG": "0",
    "PLAIN_HTTP": "1",
    "STAFF_2FA_REQUIRED": "0",
    "SECRET_KEY": "serve-test-" + "k" * 50,
}


def served_static_files(shared_dir: Path) -> Path:
    """The static files as `manage.py serve` collects and compresses them with production's
    settings (var/staticfiles, with its manifest), once a run: `serve` finds them current
    and starts without collecting them again."""

    def make(folder: Path) -> None:
        _manage(folder, "xieshang.settings", "collectstatic", "--noinput", "-v0", **SERVE_ENV)

    return _once(shared_dir, "served-static", make) / "staticfiles"
