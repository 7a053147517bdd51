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

The migrations themselves still run, once a run, on each database the suite is run on."""

import fcntl
import os
import sqlite3
from pathlib import Path

from django.core import management
from django.db import connection

SQLITE_COPY = "migrated-test.sqlite3"
POSTGRESQL_COPY = "migrated-test-postgresql.name"


def share_first_migration(shared_dir: Path) -> None:
    """Make the next `migrate` of a test database (the one `create_test_db` runs) use the
    run's shared copy, or make that copy. One shot: later `migrate` commands run as asked."""
    real = management.call_command

    def call_command(name, *args, **kwargs):
        if name != "migrate" or connection.vendor not in ("sqlite", "postgresql"):
            return real(name, *args, **kwargs)
        management.call_command = real
        with open(shared_dir / f"test-db-{connection.vendor}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another worker may be migrating right now
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
