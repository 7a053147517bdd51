"""What the product's middleware stack costs a request, and each middleware's share.

    .venv/bin/python bench/middleware.py [--n 1000]

In process, no web server: Django's test client sends the same request to the same one-query
view (one indexed query, a short text answer) behind no middleware and behind the product's
full stack, as a logged-in office user, many times, and prints the mean time per request.
Then each middleware's share, measured two ways:

- "self": timing probes placed between the middlewares; a middleware's self time is the time
  spent inside it minus the time spent inside the next one (its process_view hook, if any,
  runs at the view and counts there, hence the second way);
- with --without, "without": the whole stack again with that one middleware left out (n/a
  where the others cannot run without it: sessions and authentication). On a busy machine
  the difference drowns in the noise; the probes are steadier.

A third view renders the base layout (navigation, the user's roles, the unread count: the
context processors every page runs). Also printed: what opening a database connection costs,
which every request paid with DB_CONN_MAX_AGE=0.

Runs against the configured database (SQLite under var/, or DATABASE_URL) inside a
transaction that is rolled back: the user and the sessions it makes are gone afterwards.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path  # noqa: E402

from xieshang.orgs.models import Organisation  # noqa: E402


def one_query(request):
    first = Organisation.objects.order_by("pk").values_list("pk", flat=True).first()
    return HttpResponse(f"ok {first}", content_type="text/plain")


def layout(request):
    return render(request, "base.html", {})


urlpatterns = [
    path("_bench/one-query/", one_query),
    path("_bench/layout/", layout),
    path("", include("xieshang.urls")),  # the layout links to the product's pages
]

# --- Probes between the middlewares ------------------------------------------------------

PROBES = 40
_spent: list[float] = [0.0] * PROBES  # inclusive time inside probe i, for the last request


def _probe(index: int):
    class Probe:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            start = time.perf_counter()
            try:
                return self.get_response(request)
            finally:
                _spent[index] += time.perf_counter() - start

    Probe.__name__ = Probe.__qualname__ = f"Probe{index}"
    return Probe


for _i in range(PROBES):
    globals()[f"Probe{_i}"] = _probe(_i)


# The others cannot run without these (authentication reads the session).
NEEDED = {
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
}


def _client(middleware: list[str], user) -> Client:
    """A client whose handler runs `middleware`, logged in as `user`."""
    client = Client()
    with override_settings(MIDDLEWARE=middleware):
        client.handler.load_middleware()  # otherwise loaded at the first request
    client.force_login(user)
    return client


def _time(client: Client, url: str, n: int) -> tuple[float, int, int]:
    """(mean ms per request, queries per request, status) over n requests after a warm-up."""
    response = client.get(url)
    for _ in range(20):
        client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    queries = len(ctx)
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(n):
            client.get(url)
        runs.append((time.perf_counter() - start) / n * 1000)
    return min(runs), queries, response.status_code


def _connect_cost(n: int = 100) -> float:
    """Mean ms to open a new database connection and run one query."""
    runs = []
    for _ in range(n):
        connection.close()
        start = time.perf_counter()
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def _user():
    from tests.factories import make_org, user_with_role
    from xieshang.orgs.models import Level, Role

    org = make_org("基准测试区政协", Level.DISTRICT)
    return user_with_role(Role.OFFICE, org, username="bench-middleware")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="requests per measurement")
    parser.add_argument(
        "--without", action="store_true", help="also time the stack without each middleware"
    )
    args = parser.parse_args()
    without = args.without
    stack = list(settings.MIDDLEWARE)
    n = args.n
    print(f"database: {connection.vendor}; {n} requests per measurement; best of 3 runs")
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False), transaction.atomic():
        user = _user()
        url = "/_bench/one-query/"
        bare, bare_q, _ = _time(_client([], user), url, n)
        full, full_q, status = _time(_client(stack, user), url, n)
        assert status == 200, status
        print(f"\none-query view, no middleware:   {bare:7.3f} ms  {bare_q} queries")
        print(f"one-query view, full stack:      {full:7.3f} ms  {full_q} queries")
        print(f"the stack costs {full - bare:.3f} ms a request ({full / bare:.1f}× the bare view)")
        page, page_q, _ = _time(_client(stack, user), "/_bench/layout/", n // 4)
        print(f"base layout, full stack:         {page:7.3f} ms  {page_q} queries")

        # Self time of each middleware, from the probes between them.
        probed = []
        for i, name in enumerate(stack):
            probed += [f"{__name__}.Probe{i}", name]
        probed.append(f"{__name__}.Probe{len(stack)}")
        client = _client(probed, user)
        client.get(url)
        totals = [0.0] * (len(stack) + 1)
        for _ in range(n):
            _spent[:] = [0.0] * PROBES
            client.get(url)
            for i in range(len(stack) + 1):
                totals[i] += _spent[i]
        inclusive = [t / n * 1000 for t in totals]

        print(f"\n{'middleware':58} {'self ms':>8}" + (f" {'without':>9} {'saves':>7}" * without))
        for i, name in enumerate(stack):
            own = inclusive[i] - inclusive[i + 1]
            cell = ""
            if without and name in NEEDED:
                cell = "       n/a"
            elif without:
                rest = [m for m in stack if m != name]
                alone, _, status = _time(_client(rest, user), url, n // 2)
                cell = f" {alone:9.3f} {full - alone:7.3f}" if status == 200 else "       n/a"
            print(f"{name:58} {own:8.3f}{cell}")
        print(f"{'view and process_view hooks':58} {inclusive[len(stack)]:8.3f}")
        transaction.set_rollback(True)

    print(f"\nopening a database connection: {_connect_cost():.2f} ms (median)")
    print(f"persistent connections: CONN_MAX_AGE={connection.settings_dict['CONN_MAX_AGE']}")


if __name__ == "__main__":
    main()
