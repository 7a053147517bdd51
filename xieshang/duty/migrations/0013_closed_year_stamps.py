"""Closed-year stamps (table duty_yearstamp): the database moves a counter per year
whenever a duty record of a finished year is written, and a counter 0 whenever what every
year's figures rest on is (seats, terms, score tables, the organisation tree), by triggers,
so that bulk writes, imports and COPY are seen as well as the ORM's. The roll-up page keeps
a finished year's duty figures while its counters stay put (duty.tree).

A year counts as finished for the triggers from the day before it ends in UTC (a day early
in every time zone), so that a write in the hours around New Year, or a transaction that
straddles midnight, still moves it: the stamp moves too often, never too rarely. The table
is not a model: the test suite's flush and demo copies leave it alone."""

from django.db import migrations

TABLE = "duty_yearstamp"
ANY = ["members_membership", "orgs_term", "duty_scorerule", "orgs_organisation"]

POSTGRESQL = [
    f"CREATE TABLE {TABLE} (year integer PRIMARY KEY, n bigint NOT NULL DEFAULT 0)",
    f"""
    CREATE FUNCTION duty_yearstamp_records() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE closing integer := EXTRACT(YEAR FROM (now() AT TIME ZONE 'UTC') + interval '1 day');
    BEGIN
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO {TABLE} (year, n)
          SELECT DISTINCT EXTRACT(YEAR FROM date)::integer, 1 FROM new_rows
          WHERE EXTRACT(YEAR FROM date) < closing
        ON CONFLICT (year) DO UPDATE SET n = {TABLE}.n + 1;
      END IF;
      IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO {TABLE} (year, n)
          SELECT DISTINCT EXTRACT(YEAR FROM date)::integer, 1 FROM old_rows
          WHERE EXTRACT(YEAR FROM date) < closing
        ON CONFLICT (year) DO UPDATE SET n = {TABLE}.n + 1;
      END IF;
      RETURN NULL;
    END $$
    """,
    f"""
    CREATE FUNCTION duty_yearstamp_any() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO {TABLE} (year, n) VALUES (0, 1)
      ON CONFLICT (year) DO UPDATE SET n = {TABLE}.n + 1;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER duty_yearstamp_ins AFTER INSERT ON duty_dutyrecord"
    " REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT"
    " EXECUTE FUNCTION duty_yearstamp_records()",
    "CREATE TRIGGER duty_yearstamp_upd AFTER UPDATE ON duty_dutyrecord"
    " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT"
    " EXECUTE FUNCTION duty_yearstamp_records()",
    "CREATE TRIGGER duty_yearstamp_del AFTER DELETE ON duty_dutyrecord"
    " REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT"
    " EXECUTE FUNCTION duty_yearstamp_records()",
    "CREATE TRIGGER duty_yearstamp_truncate AFTER TRUNCATE ON duty_dutyrecord"
    " FOR EACH STATEMENT EXECUTE FUNCTION duty_yearstamp_any()",
    *(
        f"CREATE TRIGGER duty_yearstamp_any AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
        f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION duty_yearstamp_any()"
        for table in ANY
    ),
]

POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS duty_yearstamp_{op} ON duty_dutyrecord"
    for op in ("ins", "upd", "del", "truncate")
] + [
    *(f"DROP TRIGGER IF EXISTS duty_yearstamp_any ON {table}" for table in ANY),
    "DROP FUNCTION IF EXISTS duty_yearstamp_records()",
    "DROP FUNCTION IF EXISTS duty_yearstamp_any()",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def _sqlite_year(row: str) -> str:
    return f"CAST(strftime('%Y', {row}.date) AS INTEGER)"


def _sqlite_closed(row: str) -> str:
    return f"{_sqlite_year(row)} < CAST(strftime('%Y', 'now', '+1 day') AS INTEGER)"


def _sqlite_bump(row: str) -> str:
    # SQLite has no statement triggers: these run per row, and only for a finished year's.
    return (
        f"INSERT OR IGNORE INTO {TABLE} (year, n) SELECT {_sqlite_year(row)}, 0"
        f" WHERE {_sqlite_closed(row)};"
        f" UPDATE {TABLE} SET n = n + 1"
        f" WHERE year = {_sqlite_year(row)} AND {_sqlite_closed(row)};"
    )


_SQLITE_ANY = (
    f"INSERT OR IGNORE INTO {TABLE} (year, n) VALUES (0, 0);"
    f" UPDATE {TABLE} SET n = n + 1 WHERE year = 0;"
)

SQLITE = [
    f"CREATE TABLE {TABLE} (year integer PRIMARY KEY, n integer NOT NULL DEFAULT 0)",
    "CREATE TRIGGER duty_yearstamp_ins AFTER INSERT ON duty_dutyrecord"
    f" WHEN {_sqlite_closed('NEW')} BEGIN {_sqlite_bump('NEW')} END",
    "CREATE TRIGGER duty_yearstamp_upd AFTER UPDATE ON duty_dutyrecord"
    f" WHEN {_sqlite_closed('NEW')} OR {_sqlite_closed('OLD')}"
    f" BEGIN {_sqlite_bump('NEW')} {_sqlite_bump('OLD')} END",
    "CREATE TRIGGER duty_yearstamp_del AFTER DELETE ON duty_dutyrecord"
    f" WHEN {_sqlite_closed('OLD')} BEGIN {_sqlite_bump('OLD')} END",
    *(
        f"CREATE TRIGGER duty_yearstamp_{table}_{op} AFTER {op.upper()} ON {table}"
        f" BEGIN {_SQLITE_ANY} END"
        for table in ANY
        for op in ("insert", "update", "delete")
    ),
]

SQLITE_REVERSE = [
    *(f"DROP TRIGGER IF EXISTS duty_yearstamp_{op}" for op in ("ins", "upd", "del")),
    *(
        f"DROP TRIGGER IF EXISTS duty_yearstamp_{table}_{op}"
        for table in ANY
        for op in ("insert", "update", "delete")
    ),
    f"DROP TABLE IF EXISTS {TABLE}",
]


def _run(statements: dict):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("duty", "0012_duty_record_imported_source"),
        ("members", "0006_membership_start_date"),
        ("orgs", "0010_organisation_version"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
