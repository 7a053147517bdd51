"""Helpers for tests where several threads use the database at the same moment."""

import contextlib
import sqlite3

from django.db import connection


@contextlib.contextmanager
def database_as_deployed(tmp_path):
    """On SQLite the test database lives in memory in shared-cache mode, where a second
    writer fails at once ("database table is locked") instead of waiting its turn as it does
    in a deployment, which uses a file (WAL, IMMEDIATE transactions, the busy timeout of
    settings.DATABASES). So copy the test database to a file and point every connection
    opened meanwhile at it; PostgreSQL needs nothing of the kind."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    path = tmp_path / "deployed.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    # A deployed file is in WAL mode already. Left to the threads' first connections, the
    # switch needs the file to itself, and one of a dozen connecting at once could be told
    # "database is locked" without waiting (seen in CI on a busy machine).
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    # Threads build their connections from this same settings dict.
    memory_name, memory_connection = connection.settings_dict["NAME"], connection.connection
    connection.settings_dict["NAME"] = str(path)
    connection.connection = None
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = memory_name
        connection.connection = memory_connection
