"""Database chores that bulk writers share: planner statistics after a bulk load.

PostgreSQL's autovacuum analyses a table only after enough changes and some delay; a seed or
an import that has just written hundreds of thousands of rows leaves the planner with the
statistics of an empty table, and its first queries pick plans for ten rows (a province
member list's COUNT took 87 s until a manual ANALYZE). Every bulk writer ends with
`analyze(...)`; on SQLite it does nothing (its planner has no such statistics to go stale
that matter at the sizes SQLite serves).
"""

from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections, models


def analyze(*models_: type[models.Model], using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """ANALYZE the tables of `models_` (with their many-to-many tables), or the whole database
    when none is given, on PostgreSQL; a no-op elsewhere. Returns the tables analysed.

    Runs outside a transaction block or inside one alike (ANALYZE may run in a transaction
    and then sees the transaction's own rows)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    tables = list(_tables(models_)) if models_ else []
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if not tables:
            cursor.execute("ANALYZE")
            return ["*"]
        cursor.execute("ANALYZE " + ", ".join(qn(t) for t in tables))
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
