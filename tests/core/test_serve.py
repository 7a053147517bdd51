"""`manage.py serve` (what `make run` starts), tried for real: gunicorn, the task worker and
the scheduler come up together, serve pages and static files, and go down together."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

# One worker runs them in turn: two at once ran two whole stacks side by side.
pytestmark = pytest.mark.xdist_group("serve")

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> set[int]:
    """All processes below `pid`, read from /proc (children and grandchildren)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may contain spaces, so split after the last ')'.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents[int(entry.name)] = ppid
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has already exited


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


@pytest.fixture(scope="module")
def serve_env(tmp_path_factory, migrated_sqlite):
    """The settings `make run` serves with (production's, over plain HTTP) against a fresh
    SQLite database in a temporary var/, a copy of the one the run migrated once (a
    migration run from scratch takes ~20 s), with the static files collected and compressed
    as `serve` does, once a run (tests/shared_db.py): `serve` finds them current."""
    from tests import demodata, shared_db

    tmp_path = tmp_path_factory.mktemp("var")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TASKS_BACKEND"}}
    env.update(
        shared_db.SERVE_ENV,
        XIESHANG_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="xieshang.settings",
        SCHEDULER_TICK_SECONDS="1",
    )
    migrated_sqlite(tmp_path)
    static = shared_db.served_static_files(demodata.SHARED_DIR or tmp_path_factory.getbasetemp())
    # copy2 keeps the times: the manifest stays newer than the sources.
    shutil.copytree(static, tmp_path / "staticfiles", copy_function=shutil.copy2)
    return env


def start(env: dict, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, MANAGE, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_until_up(proc: subprocess.Popen, base: str, timeout: float = 180) -> None:
    # Generous: this is about behaviour, not speed (timings live in bench/). On a loaded CI
    # machine the first start collects and compresses the static files, and two gunicorn
    # workers, the task worker and the scheduler import Django beside the other test worker.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "serve exited early:\n" + proc.stdout.read()
        try:
            if get(base + "/accounts/login/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"the web server did not answer within {timeout:.0f} s")


def wait_for_children(pid: int, names: tuple[str, ...], timeout: float = 30) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kids = descendants(pid)
        cmdlines = " ".join(
            Path(f"/proc/{k}/cmdline").read_text(errors="ignore") for k in kids if alive(k)
        )
        if all(name in cmdlines for name in names):
            return kids
        time.sleep(0.2)
    pytest.fail(f"not all of {names} started")


def stop(proc: subprocess.Popen, kids: set[int]) -> None:
    # The children run in sessions of their own: found before `serve` goes, or a test that
    # failed early would leave them serving (seen on CI).
    kids = kids | descendants(proc.pid)
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    for pid in kids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_it_serves_pages_and_static_files_and_stops_everything_on_ctrl_c(serve_env):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    state = Path(serve_env["XIESHANG_VAR_DIR"]) / "scheduler-state.json"
    state.unlink(missing_ok=True)  # written by this run, not an earlier one
    proc = start(serve_env, port)
    kids: set[int] = set()
    try:
        wait_until_up(proc, base)
        status, body = get(base + "/static/vendor/htmx/htmx.min.js")
        assert status == 200 and len(body) > 10_000
        # No debug page: an unknown address gets the product's own page, not the URL list.
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "/no-such-page/", timeout=3)
        page = missing.value.read().decode()
        assert missing.value.code == 404 and "页面不存在" in page and "URLconf" not in page
        kids = wait_for_children(proc.pid, ("gunicorn", "task_worker", "run_scheduler"))
        assert len(kids) >= 5  # gunicorn master + 2 workers, the task worker, the scheduler
        # The scheduler queued its jobs and the worker ran them: the whole chain is live.
        deadline = time.monotonic() + 20
        while not state.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert state.exists()

        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0
        deadline = time.monotonic() + 15
        while any(alive(k) for k in kids) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [k for k in kids if alive(k)]
        with pytest.raises(OSError):
            get(base + "/accounts/login/")
        output = proc.stdout.read()
        assert f"{base}/" in output
        assert "Ctrl-C" in output
    finally:
        stop(proc, kids)


def test_it_stops_the_others_and_fails_when_one_child_dies(serve_env):
    port = free_port()
    proc = start(serve_env, port)
    kids: set[int] = set()
    try:
        wait_until_up(proc, f"http://127.0.0.1:{port}")
        kids = wait_for_children(proc.pid, ("gunicorn", "task_worker", "run_scheduler"))
        (scheduler_pid,) = [
            k
            for k in kids
            if alive(k) and "run_scheduler" in Path(f"/proc/{k}/cmdline").read_text()
        ]
        os.kill(scheduler_pid, signal.SIGKILL)
        assert proc.wait(timeout=15) != 0
        deadline = time.monotonic() + 15
        while any(alive(k) for k in kids) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [k for k in kids if alive(k)]
        assert "scheduler" in proc.stdout.read()
    finally:
        stop(proc, kids)


@pytest.mark.django_db
def test_it_lists_only_the_demo_accounts_that_exist(monkeypatch):
    from tests.factories import UserFactory
    from xieshang.core.management.commands import serve

    monkeypatch.setattr(
        "xieshang.core.demo_logins._providers",
        [lambda: [("office", "政协办公室"), ("member", "政协委员")]],
    )
    assert serve.demo_accounts_line() == ""  # an empty database: nothing to advertise
    UserFactory(username="member")
    line = serve.demo_accounts_line()
    assert line == f"演示账号（密码 {settings.DEMO_PASSWORD}）：member（政协委员）"


@pytest.mark.django_db
def test_the_demo_app_registers_its_logins_for_the_start_up_line():
    from tests.factories import UserFactory
    from xieshang.core.management.commands import serve
    from xieshang.demo import accounts

    username, label = accounts()[0]
    UserFactory(username=username)
    assert f"{username}（{label}）" in serve.demo_accounts_line()


def test_a_restart_collects_the_static_files_only_when_a_source_file_is_newer(tmp_path, settings):
    from xieshang.core.management.commands.serve import static_is_current

    settings.STATIC_ROOT = tmp_path
    assert not static_is_current()  # never collected
    manifest = tmp_path / "staticfiles.json"
    manifest.write_text("{}")
    assert static_is_current()
    os.utime(manifest, (0, 0))  # collected before the sources last changed
    assert not static_is_current()


@pytest.mark.parametrize("current", [False, True])
def test_a_start_collects_the_static_files_unless_they_are_current(monkeypatch, settings, current):
    """The real starts above find the static files collected once a run beforehand
    (tests/shared_db.py): `serve` collecting them itself is shown here, up to the children."""
    from xieshang.core.management.commands import serve

    class Started(Exception):
        pass

    def popen(*args, **kwargs):
        raise Started

    settings.DEBUG = False
    settings.WHITENOISE_USE_FINDERS = False  # production's storage, as `make run` has it
    collected = []
    monkeypatch.setattr(serve, "static_is_current", lambda: current)
    monkeypatch.setattr(serve, "call_command", lambda name, **kw: collected.append(name))
    monkeypatch.setattr(serve.signal, "signal", lambda *args: None)
    monkeypatch.setattr(serve.subprocess, "Popen", popen)
    with pytest.raises(Started):
        serve.Command().handle(port=free_port())
    assert collected == ([] if current else ["collectstatic"])
