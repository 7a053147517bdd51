"""The demo data set for the tests that need a whole district (crawls, fuzzing, the API
checks): seeded with `manage.py seed_demo` once per run (under xdist each worker seeds its
share of the profiles at its start, `seed_ahead`; alone, the first time a test asks), then
copied back table by table for every later module.

Seeding the district takes about 40 s on a 2-core machine and half a dozen modules need it;
the copy takes about a second. The rows are the seed's own rows, byte for byte (PostgreSQL:
COPY out and in; SQLite: the rows as the driver returns them), so a module sees exactly what
a fresh `seed_demo` leaves. The seed itself is still tested from scratch in tests/demo.
"""

import fcntl
import io
import os
import pickle
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import translation

DEMO_SEED = 11

# (profile, seed) -> [(table, columns, rows)], one per process (each xdist worker has its own).
_snapshots: dict[tuple[str, int], list[tuple[str, list[str], object]]] = {}
# Under pytest-xdist the workers of one run share their snapshots through files in this
# folder (the run's base temporary folder, set by tests/conftest.py): the first worker to
# need a profile seeds it and writes the file, the other waits for the lock and reads it, so
# a run seeds each profile once instead of once per worker. None: no sharing.
SHARED_DIR: Path | None = None


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _capture() -> list[tuple[str, list[str], object]]:
    qn = connection.ops.quote_name
    captured = []
    with connection.cursor() as cursor:
        for table in _tables():
            if connection.vendor == "postgresql":
                # COPY keeps every type as PostgreSQL wrote it (json, arrays, intervals).
                data = bytearray()
                with cursor.cursor.copy(f"COPY {qn(table)} TO STDOUT") as copy:
                    for block in copy:
                        data += block
                captured.append((table, [], bytes(data)))
            else:
                cursor.execute(f"SELECT * FROM {qn(table)}")
                columns = [c[0] for c in cursor.description]
                captured.append((table, columns, cursor.fetchall()))
    return captured


def _restore(captured) -> None:
    from django.apps import apps

    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Foreign keys are deferred to the end of the transaction, so the order is free.
        for table, _columns, _rows in captured:
            cursor.execute(f"DELETE FROM {qn(table)}")
        for table, columns, rows in captured:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {qn(table)} FROM STDIN") as copy:
                    copy.write(rows)
            elif rows:
                marks = ", ".join(["%s"] * len(columns))
                names = ", ".join(qn(c) for c in columns)
                cursor.executemany(f"INSERT INTO {qn(table)} ({names}) VALUES ({marks})", rows)
        # The copied rows carry their ids: move PostgreSQL's sequences past them.
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)


def _seed(profile: str, seed: int) -> None:
    # The demo stores some gettext-made text (task titles, channel notes); an earlier
    # test in the same process may have left English active.
    from tests.members.factories import ensure_parties

    ensure_parties()  # a transactional test's flush may have emptied the reference rows
    with translation.override(settings.LANGUAGE_CODE):
        call_command("seed_demo", profile=profile, seed=seed, stdout=io.StringIO())


def _seed_or_share(key: tuple[str, int]) -> None:
    """Seed `key` and keep its copy; with a shared folder, take another worker's copy of
    this run if it made one (both workers' databases are migrated alike, and the copy
    carries every table, so the rows are the same as a seed here would leave)."""
    if SHARED_DIR is None:
        _seed(*key)
        _snapshots[key] = _capture()
        return
    path = SHARED_DIR / f"demo-{connection.vendor}-{key[0]}-{key[1]}.pickle"
    with open(SHARED_DIR / f"{path.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker may be seeding it right now
        if path.exists():
            _snapshots[key] = pickle.loads(path.read_bytes())
            _restore(_snapshots[key])
        else:
            _seed(*key)
            _snapshots[key] = _capture()
            part = path.with_suffix(".part")
            part.write_bytes(pickle.dumps(_snapshots[key], protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(part, path)


def seed_demo_data(profile: str = "district", seed: int = DEMO_SEED) -> None:
    """The demo `profile` with `seed`, as `seed_demo` builds it, into the current database
    (call it inside a transaction the caller rolls back, or in a transactional test)."""
    from django.contrib.contenttypes.models import ContentType

    with transaction.atomic():
        key = (profile, seed)
        if key in _snapshots:
            _restore(_snapshots[key])
        else:
            _seed_or_share(key)
        check_foreign_keys_now()
    ContentType.objects.clear_cache()


def check_foreign_keys_now() -> None:
    """Check the rows written so far in a module's transaction once, now, rather than at
    every test's end (the demo's copy; a module fixture's own rows after it).

    PostgreSQL queues a deferred check for each row written, and each test of the module
    ends with Django's `SET CONSTRAINTS ALL IMMEDIATE`, which runs every queued check, the
    demo's included; the test's rollback to its savepoint then puts the checks that ran in
    it back in the queue, so each test of a demo module re-checked the whole demo (~1.8 s a
    test on PostgreSQL: 65 tests of tests/api/test_odd_input.py spent 84 s, now 10 s).
    Checked outside any test's savepoint, they stay done."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def profiles_needed(items) -> list[str]:
    """The demo profiles the collected tests load: through the `demo` or `city_demo` fixture
    (a module's own `demo` fixture seeds the district too), or by calling `seed_demo_data`
    themselves, which such a test says with `@pytest.mark.demo_data(profile)`."""
    needed: set[str] = set()
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if "demo" in names:
            needed.add("district")
        if "city_demo" in names:
            needed.add("city")
        needed.update(marker.args[0] for marker in item.iter_markers("demo_data"))
    from xieshang.demo.seed import PROFILES

    return [profile for profile in PROFILES if profile in needed]


@contextmanager
def rolled_back():
    """A transaction that is rolled back at the end of the block, for the demo's rows; then
    an empty content-type cache, since the rows rolled back may have had other ids."""
    from django.contrib.contenttypes.models import ContentType

    with transaction.atomic():
        yield
        transaction.set_rollback(True)
    ContentType.objects.clear_cache()


def seed_ahead(profiles: list[str]) -> None:
    """Seed `profiles` and share their copies, each in a transaction rolled back. The xdist
    workers call it at their start, each with its own share of the profiles: a worker that
    needed a profile the other was seeding waited for it (two CI workers waited ~50 s each
    so, on the district and on the city), and now both seed at once."""
    for profile in profiles:
        with rolled_back():
            seed_demo_data(profile)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo district for one module, inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), rolled_back():
        seed_demo_data()
        yield


@pytest.fixture(scope="module")
def city_demo(django_db_setup, django_db_blocker):
    """The demo city (the demo district and nine more, and the city node above them) for
    one module, inside a transaction rolled back at its end. It shares its seeded copy
    with the other users of the city profile (the permission matrix)."""
    with django_db_blocker.unblock(), rolled_back():
        seed_demo_data("city")
        yield
