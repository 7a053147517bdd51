"""The pages a province, a city and a district office use, timed side by side on one data set.

    DATABASE_URL=postgres://postgres@127.0.0.1/xs_prov \\
        .venv/bin/python bench/scope_pages.py [--users office,city_office,province_office]
        [--runs 5] [--only figures,members] [--top]

In process, through Django's test client, with production settings (DEBUG off, the whole
middleware stack; static files unhashed, so that no collectstatic is needed). Each page is
requested once to warm up, then `--runs` times by each user; printed per page and user: the
status, the median ms, the number of queries, the SQL ms (the queries' own time) and the
size of the answer; with `--top` the slowest query of the page too. The last column is the
province office's median over the district office's (issue 14: ≤ 1.3). Everything runs in
one transaction rolled back at the end (logging in writes a session, pages that show
personal data an audit row, exports a job).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (label, path); a path may hold {year} (this year) or {last} (the year before).
PAGES = [
    ("home", "/"),
    ("proposals: list", "/proposals/"),
    ("proposals: list, search 养老", "/proposals/?q=养老"),
    ("proposals: list, last year", "/proposals/?year={last}"),
    ("header search 养老", "/search/?q=养老"),
    ("figures 办理统计", "/proposals/figures/"),
    ("figures, last year", "/proposals/figures/?year={last}"),
    ("figures export", "/proposals/figures/export.xlsx?year={last}"),
    ("work report", "/proposals/figures/report/?year={last}"),
    ("key proposals", "/proposals/key/"),
    ("members: list", "/members/"),
    ("members: search 张", "/members/?q=张"),
    ("members: pinyin order", "/members/?order=pinyin"),
    ("members: status", "/members/?status=active"),
    ("members: export", "/members/export/"),
    ("members: checks", "/members/checks/"),
    ("follow-ups: queue", "/followups/"),
    ("follow-ups: assessment", "/followups/assessment/"),
    ("duty: evaluation", "/duty/evaluation/"),
    ("duty: evaluation, last year", "/duty/evaluation/?year={last}"),
    ("duty: evaluation export", "/duty/evaluation/export/?year={last}"),
    ("duty: entries", "/duty/entries/"),
    ("duty: reports", "/duty/reports/"),
    ("audit log", "/audit/"),
    ("audit export", "/audit/export/"),
    ("meetings", "/meetings/"),
    ("meetings: leave", "/meetings/leave/"),
    ("tree", "/dashboard/tree/"),
    ("screen", "/dashboard/screen/"),
    ("inbox", "/inbox/"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", default="office,city_office,province_office")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="", help="Comma-separated parts of page labels.")
    parser.add_argument("--top", action="store_true", help="Print each page's slowest query.")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("PLAIN_HTTP", "1")
    os.environ.setdefault("STAFF_2FA_REQUIRED", "0")
    os.environ.setdefault("SECRET_KEY", "bench-scope-pages-not-secret-" + "x" * 30)
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    import xieshang.settings as product

    product.STORAGES = {
        **product.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    year = timezone.localdate().year
    only = [o for o in args.only.split(",") if o]
    pages = [(label, path.format(year=year, last=year - 1)) for label, path in PAGES]
    if only:
        pages = [(label, path) for label, path in pages if any(o in label for o in only)]
    users = args.users.split(",")
    print(f"{connection.vendor}; median of {args.runs} after a warm-up; ms, queries, SQL ms, KB")
    print(f"{'page':34}" + "".join(f"{u:>30}" for u in users) + "   prov/dist")
    with transaction.atomic():
        clients = {}
        for username in users:
            client = Client()
            client.force_login(get_user_model().objects.get(username=username))
            clients[username] = client
        for label, path in pages:
            cells, medians, tops = [], {}, []
            for username in users:
                client = clients[username]
                response = client.get(path)  # warm-up
                times, sql = [], []
                for _ in range(args.runs):
                    with CaptureQueriesContext(connection) as ctx:
                        started = time.perf_counter()
                        response = client.get(path)
                        body = b"".join(response) if response.streaming else response.content
                        times.append((time.perf_counter() - started) * 1000)
                    sql.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
                median = statistics.median(times)
                medians[username] = median
                status = response.status_code
                flag = "" if status == 200 else f"[{status}]"
                cells.append(
                    f"{flag}{median:7.0f}{len(ctx):5d}{statistics.median(sql):7.0f}"
                    f"{len(body) / 1024:8.0f}"
                )
                if args.top and ctx.captured_queries:
                    slow = max(ctx.captured_queries, key=lambda q: float(q["time"]))
                    tops.append(
                        f"    {username}: {float(slow['time']) * 1000:.0f} ms {slow['sql'][:300]}"
                    )
            ratio = ""
            if "office" in medians and "province_office" in medians and medians["office"]:
                ratio = f"{medians['province_office'] / medians['office']:8.2f}"
            print(f"{label:34}" + "".join(f"{c:>30}" for c in cells) + f"   {ratio}", flush=True)
            for line in tops:
                print(line, flush=True)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
