"""`manage.py serve`: what `make run` starts — the web server, the task worker and the
scheduler, as three child processes that live and die together.

- gunicorn serves `xieshang.wsgi:application` on 127.0.0.1:PORT (WhiteNoise serves the
  static files), access log on stdout;
- `manage.py task_worker` (db_worker with crash recovery) runs background tasks (only
  when the task backend is the database);
- `manage.py run_scheduler` queues the periodic jobs.

Ctrl-C (SIGINT) or SIGTERM stops all of them; if one of them dies, the others are stopped
and the command exits non-zero, so a supervisor (systemd) restarts the whole set.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

STOP_TIMEOUT = 10.0


def _default_port() -> int:
    try:
        return int(os.environ.get("PORT") or 8000)
    except ValueError as exc:
        raise CommandError(f"PORT must be a number, got {os.environ['PORT']!r}") from exc


def static_is_current() -> bool:
    """Whether the collected static files are newer than every source file: a restart then
    skips collecting and compressing them again (~20 s on the 2-core build machine)."""
    from pathlib import Path

    from django.contrib.staticfiles import finders

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return False
    built = manifest.stat().st_mtime
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            if os.path.getmtime(storage.path(path)) > built:
                return False
    return True


def uses_database_tasks() -> bool:
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends["default"], DatabaseBackend)


def demo_accounts_line() -> str:
    """'演示账号 …' listing the demo logins that exist in this database, or ''."""
    from xieshang.core import demo_logins

    try:
        from django.contrib.auth import get_user_model

        listed = demo_logins.listed()
        if not listed:
            return ""
        existing = set(
            get_user_model()
            .objects.filter(username__in=[name for name, _label in listed])
            .values_list("username", flat=True)
        )
    except Exception:  # noqa: BLE001 - a missing table or demo module error: print nothing
        return ""
    shown = [f"{name}（{label}）" for name, label in listed if name in existing]
    if not shown:
        return ""
    return _("演示账号（密码 %(password)s）：") % {"password": settings.DEMO_PASSWORD} + "、".join(
        shown
    )


class Command(BaseCommand):
    help = "Run the web server, the task worker and the scheduler together (make run)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=None, help="Port (default: $PORT or 8000)")
        parser.add_argument("--host", default="127.0.0.1", help="Address to bind (127.0.0.1)")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")

    def handle(self, *args, port=None, host="127.0.0.1", workers=2, **options):
        port = port or _default_port()
        if not settings.DEBUG and not getattr(settings, "WHITENOISE_USE_FINDERS", False):
            # Production storage serves the collected, hashed files: collect them first.
            if not static_is_current():
                call_command("collectstatic", interactive=False, verbosity=0)

        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        commands = {
            "web": [
                python,
                "-m",
                "gunicorn",
                "xieshang.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
                "--error-logfile",
                "-",
                # No control socket: it would sit in $HOME, shared by every instance.
                "--no-control-socket",
                "--graceful-timeout",
                str(int(STOP_TIMEOUT) - 2),
            ],
            "scheduler": [python, manage, "run_scheduler"],
        }
        if uses_database_tasks():
            commands["worker"] = [python, manage, "task_worker", "--no-reload", "--interval", "1"]

        self.stopping = False
        self.received = None

        def request_stop(signum, frame):
            self.stopping = True
            self.received = signum

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)

        children: dict[str, subprocess.Popen] = {}
        exit_code = 0
        try:
            for name, argv in commands.items():
                # Own session per child: a terminal's Ctrl-C reaches this process only, and
                # stopping a child stops its whole group (gunicorn's workers too).
                children[name] = subprocess.Popen(argv, start_new_session=True)
            self.stdout.write(
                _("协商已启动：%(url)s （按 Ctrl-C 停止）") % {"url": f"http://{host}:{port}/"}
            )
            line = demo_accounts_line()
            if line:
                self.stdout.write(line)
            self.stdout.flush()
            while not self.stopping:
                dead = [(n, p.returncode) for n, p in children.items() if p.poll() is not None]
                if dead:
                    name, code = dead[0]
                    self.stderr.write(
                        _("子进程 %(name)s 已退出（代码 %(code)s），正在停止其他进程。")
                        % {"name": name, "code": code}
                    )
                    exit_code = 1
                    break
                time.sleep(0.3)
        finally:
            stop_children(children.values())
        if exit_code:
            sys.exit(exit_code)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def stop_children(children, timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM each child's process group, wait, then SIGKILL whatever is left."""
    children = list(children)
    for proc in children:
        if proc.poll() is None:
            _signal_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for proc in children:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    for proc in children:
        # The group may outlive its leader (a gunicorn worker): kill any stragglers.
        _signal_group(proc, signal.SIGKILL)
        if proc.poll() is None:
            proc.wait(timeout=5)
