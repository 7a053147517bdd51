"""Time the pages and scans people wait on, on a demo data set of a SPEC "Scale" profile.

    .venv/bin/python bench/run.py [--profile district|city|province] [--repeat 5]

Seeds the profile into a fresh database (a temporary SQLite file, or the empty PostgreSQL
database named by DATABASE_URL; a PostgreSQL database that already holds data is used as it
is, so the slow province seed is made once), then requests each page as the user who uses it and
prints the median time and the number of queries. Timing goals live here, not in the tests:
the goal column is what a clerk on the office intranet should not notice (SPEC "Scale").
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (label, username, path, goal in ms)
PAGES = [
    ("login page", None, "/accounts/login/", 100),
    ("member list (stroke order)", "office", "/members/", 400),
    ("member list, text filter", "office", "/members/?q=张", 400),
    ("member checks", "office", "/members/checks/", 800),
    ("proposal review queue", "proposal", "/proposals/review/", 400),
    ("assignment board", "proposal", "/proposals/board/", 800),
    ("proposal figures", "proposal", "/proposals/figures/", 800),
    ("department queue", "dept", "/proposals/dept/", 400),
    ("follow-up queue", "dept", "/followups/", 400),
    ("my proposals (member)", "member", "/proposals/mine/", 400),
    ("audit log", "auditor", "/audit/", 600),
    ("portal: published answers", None, "/portal/proposals/", 400),
    ("portal: search", None, "/portal/proposals/?q=电梯", 600),
    ("API: members page", "office", "/api/v1/members/", 400),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="district", choices=["district", "city", "province"])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="xs-bench-")
    os.environ.setdefault("XIESHANG_VAR_DIR", var)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
    os.environ["DEBUG"] = "1"
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from xieshang.core.models import ApiToken, User
    from xieshang.followups.services import scan_deadlines

    seeded = "core_user" in connection.introspection.table_names() and User.objects.exists()
    call_command("migrate", verbosity=0)
    if seeded:
        print(
            f"profile {args.profile}: using the data already in the database ({connection.vendor})"
        )
    else:
        started = time.perf_counter()
        call_command("seed_demo", profile=args.profile, verbosity=0)
        seed_seconds = time.perf_counter() - started
        print(f"profile {args.profile}: seeded in {seed_seconds:.1f} s ({connection.vendor})")
    print(f"{'page':34} {'median ms':>10} {'goal ms':>8} {'queries':>8}  ")

    clients: dict[str | None, Client] = {None: Client()}
    failures = 0
    for label, username, path, goal in PAGES:
        client = clients.get(username)
        headers = {}
        if client is None:
            client = Client()
            client.force_login(User.objects.get(username=username))
            clients[username] = client
        if path.startswith("/api/"):
            _, raw = ApiToken.issue(user=User.objects.get(username=username), name="bench")
            headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        times = []
        queries = 0
        for _ in range(args.repeat):
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(path, **headers)
                times.append((time.perf_counter() - t0) * 1000)
            queries = len(ctx)
            if response.status_code != 200:
                print(f"  {path} answered {response.status_code}")
                failures += 1
                break
        median = statistics.median(times)
        flag = "" if median <= goal else "  SLOW"
        print(f"{label:34} {median:10.0f} {goal:8d} {queries:8d}{flag}")

    t0 = time.perf_counter()
    result = scan_deadlines()
    print(
        f"{'deadline scan (all open tasks)':34} {(time.perf_counter() - t0) * 1000:10.0f}"
        f" {2000:8d}          {result}"
    )
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
