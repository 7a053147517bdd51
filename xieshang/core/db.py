"""Database chores that bulk writers share: planner statistics after a bulk load, and
foreign keys and indexes set aside during one (`bulk_load`).

PostgreSQL's autovacuum analyses a table only after enough changes and some delay; a seed or
an import that has just written hundreds of thousands of rows leaves the planner with the
statistics of an empty table, and its first queries pick plans for ten rows (a province
member list's COUNT took 87 s until a manual ANALYZE). Every bulk writer ends with
`analyze(...)` (with a VACUUM when it can); on SQLite it does nothing (its planner has no
such statistics to go stale that matter at the sizes SQLite serves).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, models


def analyze(*models_: type[models.Model], using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """ANALYZE the tables of `models_` (with their many-to-many tables), or the whole database
    when none is given, on PostgreSQL; a no-op elsewhere. Returns the tables analysed.

    Outside a transaction block it runs VACUUM (ANALYZE): the vacuum also marks the pages
    just written all-visible, so that a count can be answered from an index alone. Until
    autovacuum got round to it, a province office's proposal count read the whole table
    (60 ms against 18 ms; the province seed's VACUUM takes 6 s). Inside a transaction
    (an import's), where VACUUM cannot run, ANALYZE alone: it then sees the transaction's
    own rows."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    tables = list(_tables(models_)) if models_ else []
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if not tables:
            cursor.execute(command)
            return ["*"]
        cursor.execute(f"{command} " + ", ".join(qn(t) for t in tables))
    return tables


def _tables(models_: Iterable[type[models.Model]]) -> Iterable[str]:
    seen = set()
    for model in models_:
        names = [model._meta.db_table]
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through is not None and through._meta.auto_created:
                names.append(through._meta.db_table)
        for name in names:
            if name not in seen:
                seen.add(name)
                yield name


@contextmanager
def bulk_load(*models_: type[models.Model], using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Write many rows into the tables of `models_` without PostgreSQL checking each row's
    foreign keys or updating the plain indexes row by row: inside a transaction, the foreign
    keys of those tables and their indexes that back no constraint are dropped, and on the
    way out re-created from their own definitions (`pg_get_constraintdef`,
    `pg_get_indexdef`), so the schema afterwards is exactly the migrated one. Re-adding a
    foreign key checks every row in one join and building an index sorts once, where a
    COPY of millions of rows otherwise queues a deferred check per row and key (checked one
    by one at COMMIT) and inserts into every index as it goes.

    A row that breaks a foreign key makes the re-adding fail, and the transaction with it.
    If the block raises, nothing is re-created: the transaction is being rolled back, which
    brings the constraints back. On other databases it does nothing."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("bulk_load() drops constraints: use it inside transaction.atomic().")
    tables = list(_tables(models_))
    with connection.cursor() as cursor:
        # ALTER TABLE refuses a table with deferred checks still pending: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, quote_ident(c.conname),
                   pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[])
            ORDER BY c.conrelid, c.conname
            """,
            [tables],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[])
              AND NOT i.indisprimary AND NOT i.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY i.indexrelid
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        # Back to the constraints' own timing (Django makes its foreign keys deferred).
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def in_chunks(qs: models.QuerySet, size: int = 2000) -> Iterator[models.Model]:
    """The rows of `qs`, in its order, read `size` at a time with each chunk read whole, so
    that no read stays open while the caller writes between rows (a job's progress).

    On SQLite in WAL mode a connection whose read began before another connection's write
    cannot write until that read ends: `.iterator()` kept it open for the whole export, and
    the job's first progress report after the scheduler's or a clerk's write failed with
    "database is locked". One query for the ids (EXPORT_LIMIT ints), then one per chunk."""
    ids = list(qs.values_list("pk", flat=True))
    base = qs.all()
    base.query.clear_limits()
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        found = {row.pk: row for row in base.filter(pk__in=chunk)}
        for pk in chunk:
            if pk in found:
                yield found[pk]
