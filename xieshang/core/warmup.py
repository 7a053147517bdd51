"""Work a server process does once, before it takes its first request.

Without it the first request each gunicorn worker serves pays for importing every view
module through the URLconf (pinyin tables, the API's schemas: ~1.5 s) and for building
jieba's dictionary (~1 s), and a worker restarted by `systemctl reload` makes someone wait
again. `xieshang/wsgi.py` calls `run()` after loading the application; apps add their own
one-time loads with `register` in their `AppConfig.ready` (a lower layer never imports
the apps above it). `XIESHANG_WARMUP=0` skips it (tests, one-off commands never call it).
"""

import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)
_hooks: list[Callable[[], object]] = []


def register(hook: Callable[[], object]) -> Callable[[], object]:
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def run() -> float:
    """Import the URLconf's views and run the apps' hooks; returns the seconds it took.
    A hook that fails is logged and skipped: a cold cache must not stop the server."""
    from django.urls import get_resolver

    started = time.perf_counter()
    get_resolver()._populate()  # imports every view module, compiles every pattern
    for hook in _hooks:
        try:
            hook()
        except Exception:  # warming is an optimisation, never fatal
            log.exception("warm-up step %s failed", getattr(hook, "__name__", hook))
    elapsed = time.perf_counter() - started
    log.info("warm-up done in %.2f s", elapsed)
    return elapsed
