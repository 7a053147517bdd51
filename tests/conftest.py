import os
import shutil

import pytest

pytest_plugins = ["tests.plugins.clauses"]


def pytest_configure(config):
    # Every transactional (browser) test ends with a flush. On PostgreSQL Django flushes with
    # one TRUNCATE of every table, which recreates each table's files: ~4 s for our ~110
    # tables, against 0.1 s for DELETE on the few rows a test leaves. The foreign keys are
    # deferred to the flush's commit, so DELETE in any order leaves the same empty tables.
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {self.quote_name(t)};" for t in tables]

    DatabaseOperations.sql_flush = sql_flush

    # The SQLite test database is in memory with a shared cache, where a reader is refused at
    # once ("database table is locked") while another connection writes that table; the
    # product's WAL file lets readers go on. A browser test's page fires a read (similar
    # items) while a save is writing, and CI failed on it twice. Readers of the test database
    # do not take table locks, as they would not wait on a file.
    from django.db.backends.signals import connection_created

    def _readers_do_not_lock(sender, connection, **kwargs):
        if connection.vendor == "sqlite":
            connection.cursor().execute("PRAGMA read_uncommitted = 1")

    connection_created.connect(_readers_do_not_lock, dispatch_uid="tests.sqlite_read_uncommitted")


DEMO_PROFILES = pytest.StashKey[list]()


def pytest_collection_modifyitems(config, items):
    # The longest tests first: `pytest -n 2 --dist loadgroup` hands the tests out in
    # collection order (after the xdist groups), so a long browser test collected near the
    # end kept one worker busy while the other had finished. Browser tests (a live server
    # and Chromium, tens of seconds each) go first; the order is otherwise kept, each
    # module's tests together.
    items.sort(key=lambda item: "live_server" not in item.fixturenames)
    # pytest-xdist 3.8 groups `xdist_group` tests by a suffix it writes to `item._nodeid`,
    # which pytest 9.2 no longer reads (the id is `item._id`): without this the group's tests
    # were spread over both workers.
    if getattr(config.option, "loadgroup", False):
        from _pytest.nodeid import coerce_node_id

        for item in items:
            names = sorted({str(m.args[0]) for m in item.iter_markers("xdist_group") if m.args})
            if names and "@" not in item.nodeid:
                item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(names)}")
    from tests.demodata import profiles_needed

    config.stash[DEMO_PROFILES] = profiles_needed(items)
    _work_while_waiting(config, items)


def _work_while_waiting(config, items) -> None:
    """The one-time work of this run that needs no test database, for the worker that
    waits for the other's migration to do meanwhile (tests/shared_db.py)."""
    from django.db import connection

    from tests import demodata, shared_db

    shared = demodata.SHARED_DIR
    if shared is None:
        return
    fixtures = set().union(*(getattr(item, "fixturenames", ()) for item in items))
    jobs = shared_db.while_waiting
    jobs.clear()
    if "migrated_sqlite" in fixtures and connection.vendor != "sqlite":
        jobs.append(lambda: shared_db.migrated_sqlite_file(shared))
    if "serve_env" in fixtures:
        jobs.append(lambda: shared_db.served_static_files(shared))


def pytest_sessionstart(session):
    # The xdist workers of one run seed each demo profile once between them: the worker that
    # seeds it leaves its copy in the run's base temporary folder for the other
    # (tests/demodata.py). pytest keeps the last three runs' folders, so no file outlives a
    # run by long, and no run ever reads another run's copy.
    if hasattr(session.config, "workerinput"):
        from tests import demodata, shared_db

        demodata.SHARED_DIR = session.config._tmp_path_factory.getbasetemp().parent
        # Likewise the migrated test database: one migration a run (tests/shared_db.py).
        shared_db.share_first_migration(demodata.SHARED_DIR)


def pytest_sessionfinish(session):
    if not hasattr(session.config, "workerinput"):  # the controller, once the workers are done
        from django.db import connection

        if connection.vendor == "postgresql":
            from tests import shared_db

            shared_db.drop_postgresql_copy(session.config._tmp_path_factory.getbasetemp())


CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]


def chromium_path() -> str | None:
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if os.path.exists(explicit) else None
    for candidate in CHROMIUM_CANDIDATES:
        if os.path.exists(candidate):
            return candidate
    return shutil.which("chromium")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Content types are re-made after a flush, with new ids on SQLite (AUTOINCREMENT); a
    # demo copy restored from the other worker carries that worker's ids; and one made
    # inside a test that rolls back is gone with it. A cached id from an earlier test would
    # break the foreign keys of the rows this test writes (CI failed so on a similarity
    # vector, and on PostgreSQL in a module fixture, which a function fixture came too late
    # for), so every test, and the module fixtures its setup builds, starts with an empty
    # cache.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture(scope="session", autouse=True)
def _demo_copies_ahead(request):
    """Under pytest-xdist, each worker seeds its share of the demo profiles this run needs
    before its first test (worker i takes profiles i, i + n, …), so that no worker waits
    for another's seed later (tests/demodata.py). One process alone seeds when first asked."""
    from tests import demodata

    worker = getattr(request.config, "workerinput", None)
    if worker is None or demodata.SHARED_DIR is None:
        return
    index = int(worker["workerid"].removeprefix("gw"))
    mine = request.config.stash.get(DEMO_PROFILES, [])[index :: worker["workercount"]]
    if mine:
        request.getfixturevalue("django_db_setup")
        with request.getfixturevalue("django_db_blocker").unblock():
            demodata.seed_ahead(mine)


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Chinese). A request through LocaleMiddleware
    leaves the language it chose active on the thread, and Django does not put it back: after
    a test that browsed in English, a test on the same worker that names a file by `_()`
    got "answer-….pdf" instead of "答复函-….pdf" (CI failed so once the tests were dealt out
    differently)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Reference rows that a data migration fills (the parties, the screening lexicon) are
    wiped by the flush that ends every transactional test (browser tests). Put them back
    before any test that uses the database, so test order never matters."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        names & {"transactional_db", "live_server", "django_db_reset_sequences"}
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        if "live_server" in names:
            # Runs before the flush that ends the test (this fixture set the database up).
            request.addfinalizer(_finish_live_requests)
    elif marker is not None or "db" in names:
        request.getfixturevalue("db")
    else:
        return
    from tests.members.factories import ensure_parties
    from xieshang.portal import lexicon
    from xieshang.portal.models import ScreeningTerm

    ensure_parties()
    # The public forms' screening lexicon, filled by portal's data migration likewise.
    if not ScreeningTerm.objects.filter(organisation__isnull=True).exists():
        lexicon.seed()


def _finish_live_requests(timeout: float = 60.0) -> None:
    """Wait for the live server's request threads before the test's flush. A page closed
    with a request still running (a slow page of a crawl) left that request writing while
    the flush emptied the tables: on the shared-cache SQLite database the two blocked each
    other and CI hung. The threads are the server's, one per request."""
    import threading
    import time

    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture(scope="session")
def browser():
    """A real headless Chromium driven by Playwright. Skipped when no Chromium is installed,
    unless REQUIRE_BROWSER=1, where a missing browser fails the run."""
    path = chromium_path()
    if path is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but no Chromium was found")
        pytest.skip("Chromium not installed")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # the test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    pg = context.new_page()
    pg.base_url = live_server.url
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15000)
    pg = context.new_page()
    pg.base_url = live_server.url
    yield pg
    context.close()


def login(page, username: str, password: str | None = None) -> None:
    from django.conf import settings

    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password or settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


@pytest.fixture(autouse=True)
def _generated_files_cache():
    """Each test starts with no cached open-data file: a file's key holds its rows' ids,
    which a rolled-back test hands on to the next one on SQLite."""
    from django.core.cache import caches

    caches["files"].clear()


@pytest.fixture(autouse=True)
def _similar_items_memory():
    """Each test starts with no in-memory similar-items vectors: on SQLite a rolled-back
    test's row ids come back in the next test."""
    from xieshang.textsim import vectors

    vectors.forget()
    yield


@pytest.fixture(scope="session")
def migrated_sqlite(request, tmp_path_factory):
    """Copies a migrated SQLite database (xieshang.sqlite3) into a var/ folder, for the
    tests that start the real commands in processes of their own (`manage.py serve`,
    `run_scheduler`). On a SQLite run it is the test databases' migrated copy; on a
    PostgreSQL run a migration made once per run (~50 s), which the xdist workers share
    through the run's base temporary folder as they share the demo, and which the worker
    that waits for the other's migration of the test database makes meanwhile
    (tests/shared_db.py)."""
    from pathlib import Path

    from django.db import connection

    from tests import demodata, shared_db

    if demodata.SHARED_DIR and connection.vendor == "sqlite":
        # This run's test databases are SQLite: their migrated copy (tests/shared_db.py) serves.
        request.getfixturevalue("django_db_setup")
    master = shared_db.migrated_sqlite_file(
        demodata.SHARED_DIR or tmp_path_factory.getbasetemp()
    ).parent

    def copy_into(var_dir: Path) -> None:
        for name in ("xieshang.sqlite3", "xieshang.sqlite3-wal"):
            if (master / name).exists():
                shutil.copyfile(master / name, Path(var_dir) / name)

    return copy_into


@pytest.fixture
def member_tokens_allowed(monkeypatch):
    """Lets a member's token through the API, for the tests of the API's member operations
    (drafts, leave, opinions), which stay for a future member app with its own sign-in.
    Deployed, `core.api_tokens.may_use` refuses a member's token
    (tests/api/test_token_holder.py)."""
    from xieshang.core import api_tokens

    monkeypatch.setattr(api_tokens, "may_use", lambda user: True)
