"""The change generation: a counter that moves after every committed write, so that whatever
was computed from the database at generation n (the home cards, `core.dashboard`) is known to
be current while the counter still reads n, in every worker process at once.

Every database connection gets `watch_writes` as an execute wrapper (`install`, from the
connection_created signal, `CoreConfig.ready`). After a successful INSERT, UPDATE, DELETE,
REPLACE (executemany too) or any other statement that is not plainly a read, on a table that
can change what is computed (everything but `UNWATCHED`), it bumps the counter with one
`UPDATE core_changegeneration SET n = n + 1 WHERE id = 1`:

- in autocommit, at once: the statement has committed;
- inside a transaction, once, after it commits (`transaction.on_commit`, registered at the
  first such write; a rollback, or the rollback of the savepoint it was registered in,
  discards it with the writes).

So the bump always follows the commit of the write: whoever reads the new generation also
sees the write. What goes round Django's connections (psql, a COPY on the raw cursor) is not
seen; whatever relies on the generation bounds its age as well (HOME_CARDS_CACHE_SECONDS).
`migrate` (and `flush`, which runs the same signal) bumps too: a deploy's new code starts at
a new generation.

HOME_CARDS_CACHE off (the tests' default) makes the wrapper a no-op: nothing reads the
generation then, and a test's on-commit callbacks are its own.
"""

import logging
import re

from django.conf import settings
from django.db import DatabaseError, connections, router, transaction

logger = logging.getLogger(__name__)

# Tables whose writes cannot change anything computed against the generation (the home
# cards), and that are written where nothing else is (a login, a page view, an API call): the
# generation and the cache themselves; the logins' sessions, the login guard's records
# (django-axes), second-factor devices; the audit trail (a page showing personal data
# appends a row, and every change of state writes its domain row beside its audit row, which
# bumps); API tokens (their use is counted on every call); notifications (read marks); the
# task queue's rows (a task's work writes the domain tables) and background jobs' progress.
# No card reads any of them (tests/core/test_home_cache.py builds the cards of every role and
# checks). Everything else bumps: when in doubt, bump.
UNWATCHED = frozenset(
    {
        "core_changegeneration",
        "core_renderedregion",
        "core_accountsession",
        "django_session",
        "axes_accessattempt",
        "axes_accessattemptexpiration",
        "axes_accessfailurelog",
        "axes_accesslog",
        "core_totpdevice",
        "core_event",
        "core_apitoken",
        "core_notification",
        "django_tasks_database_dbtaskresult",
        "core_job",
    }
)
# Single statements on watched tables that change no card: a login's last_login (Django's
# update_last_login, the same text on both databases). Compared whole.
UNWATCHED_STATEMENTS = frozenset(
    {'UPDATE "core_user" SET "last_login" = %s WHERE "core_user"."id" = %s'}
)

# The statements that write and the table they write to. Django quotes names with "..." on
# both databases; SQLite's INSERT OR REPLACE/IGNORE and PostgreSQL's ONLY are allowed for.
_WRITE = re.compile(
    r"""\s*(?:
        INSERT\s+(?:OR\s+\w+\s+)?INTO
      | REPLACE\s+INTO
      | UPDATE(?:\s+OR\s+\w+)?(?:\s+ONLY)?
      | DELETE\s+FROM(?:\s+ONLY)?
    )\s+[`"\[]?([\w.]+)""",
    re.IGNORECASE | re.VERBOSE,
)
# Statements that never write data (transaction control, settings, plans). Anything else
# that is not a recognised INSERT/UPDATE/DELETE (a CTE, TRUNCATE, DDL, a function call…)
# bumps, whatever table it touches.
_READS = (
    "SELECT",
    "(SELECT",  # a compound query's first part
    "SAVEPOINT",
    "RELEASE",
    "ROLLBACK",
    "BEGIN",
    "COMMIT",
    "SET ",
    "SHOW",
    "EXPLAIN",
    "VALUES",
    "PRAGMA",
    "ANALYZE",
    "VACUUM",
)
_BUMP_SQL = 'UPDATE "core_changegeneration" SET "n" = "n" + 1 WHERE "id" = 1'
_READ_SQL = 'SELECT "n" FROM "core_changegeneration" WHERE "id" = 1'


def writes_watched_table(sql: str) -> bool:
    """Whether `sql` may change data that the generation stands for."""
    if sql.startswith("SELECT"):  # Django's reads: the common case, first
        return False
    match = _WRITE.match(sql)
    if match is not None:
        if sql in UNWATCHED_STATEMENTS:
            return False
        table = match.group(1).rsplit(".", 1)[-1].lower()
        return table not in UNWATCHED
    head = sql.lstrip()[:9].upper()
    return not head.startswith(_READS)


def enabled() -> bool:
    """Whether anything reads the generation: the home cards' cache or the regions'."""
    return getattr(settings, "HOME_CARDS_CACHE", False) or getattr(settings, "REGION_CACHE", False)


def watch_writes(execute, sql, params, many, context):
    """The execute wrapper: run the statement, then, when it wrote, bump (or plan to)."""
    result = execute(sql, params, many, context)
    if enabled() and isinstance(sql, str) and writes_watched_table(sql):
        changed(context["connection"])
    return result


# True while `migrate` runs in this process (pre_migrate to post_migrate): the table may not
# exist yet, and the post_migrate handler bumps once at the end.
_migrating = False


def changed(connection) -> None:
    """A watched write has just succeeded on `connection`: bump now or after its commit."""
    if _migrating:
        return
    if connection.in_atomic_block:
        # Once a transaction: a bump registered earlier and not discarded by a savepoint's
        # rollback covers this write too. Robust: the write has committed when it runs, and a
        # failed bump (logged) must not turn it into an error page.
        for _sids, func, _robust in connection.run_on_commit:
            if func is bump:
                return
        connection.on_commit(bump, robust=True)
    elif connection.get_autocommit():
        try:
            bump()
        except DatabaseError:
            logger.exception("the change generation was not bumped")
    else:
        # Manual transaction management (set_autocommit(False)): no on_commit. A bump inside
        # the same transaction commits or rolls back with the write; correct, only it holds the
        # row's lock to the end. Only in the generation's own database, which is the only one
        # whose transaction the bump can join.
        if connection.alias == generation_alias():
            bump()
        else:
            logger.warning("a write in manual transaction management on %s", connection.alias)


def generation_alias() -> str:
    from .models import ChangeGeneration

    return router.db_for_write(ChangeGeneration)


def bump() -> None:
    """Move the generation on (one statement, the row's lock held only for it)."""
    with connections[generation_alias()].cursor() as cursor:
        cursor.execute(_BUMP_SQL)


def current() -> int | None:
    """The generation now; None when its row is missing (a flushed test database)."""
    from .models import ChangeGeneration

    with connections[router.db_for_read(ChangeGeneration)].cursor() as cursor:
        cursor.execute(_READ_SQL)
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def install(sender=None, connection=None, **kwargs) -> None:
    """connection_created: watch this connection's writes (once; the signal comes again on
    every reconnection of the same connection object)."""
    if connection is not None and watch_writes not in connection.execute_wrappers:
        # First, not last: `connection.execute_wrapper()` pops the last wrapper when its block
        # ends, and a connection opened inside such a block must not lose this one to it.
        connection.execute_wrappers.insert(0, watch_writes)


def before_migrate(sender, **kwargs) -> None:
    global _migrating
    _migrating = True


def after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate (`migrate`, and `flush` in the tests): make sure the row exists and move
    the generation on, so that nothing computed by the code before a deploy is served after."""
    global _migrating
    from .models import ChangeGeneration

    _migrating = False
    if using != router.db_for_write(ChangeGeneration):
        return
    try:
        with transaction.atomic(using=using):
            ChangeGeneration.objects.using(using).get_or_create(pk=1)
        with connections[using].cursor() as cursor:
            cursor.execute(_BUMP_SQL)
    except DatabaseError:  # the table is not there (migrating backwards)
        logger.info("no change generation to bump in %s", using)
