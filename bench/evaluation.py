"""Duty evaluation at province scale: the yearly evaluation of every member and one member's
live score, timed on the database DATABASE_URL names (issue 14).

    DATABASE_URL=postgres://postgres@127.0.0.1/xs_prov \\
        .venv/bin/python bench/evaluation.py [--year 2025] [--runs 5] [--members 200] [--explain]

Measures, on the organisation tree already in the database (`seed_demo --profile province`
gives ~35,000 members and ~3,000,000 duty records), with p50/p95 and the queries each run:

- province: `selectors.scores_in_scope(root, year)`, every seated member of every committee
  of the tree in one go, each against its own committee's score table (target <= 10 s);
- office page: `selectors.evaluation_rows(root, year)`, what the root office's evaluation
  page, its Excel export and the annual reports compute (its own committee's members);
- live score: `selectors.scores(member.organisation, this year, [member])` for `--members`
  members drawn at random from the whole tree, what a member's home page and duty file show
  (target <= 20 ms).

`--year` defaults to the last finished year (the one the office grades). Nothing is kept:
the whole run is one transaction rolled back at the end (a live score creates the year's
score table on first use), so a shared database is read only. `--explain` prints the
PostgreSQL plans of the two aggregates (EXPLAIN ANALYZE, BUFFERS).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
    import django

    django.setup()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn, runs: int):
    """(result of the last run, [seconds per run], queries of the last run). Also keeps this
    process's CPU seconds of each run in CPU: on a loaded machine the wall time is mostly
    waiting for a core, and CPU time (ours, not the database's) says what is left."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, result, queries = [], None, []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start, cpu = time.perf_counter(), time.process_time()
            result = fn()
            times.append(time.perf_counter() - start)
            CPU.append(time.process_time() - cpu)
        queries = list(captured.captured_queries)
    return result, times, queries


CPU: list[float] = []


def line(label: str, times: list[float], queries: list, extra: str = "") -> None:
    ms = [t * 1000 for t in times]
    cpu = [t * 1000 for t in CPU[-len(times) :]]
    sql = sum(float(q["time"]) for q in queries) * 1000
    print(
        f"{label:<12} p50 {statistics.median(ms):8.1f} ms  p95 {pct(ms, 0.95):8.1f} ms  "
        f"max {max(ms):8.1f} ms  | our CPU p50 {statistics.median(cpu):7.1f} ms  "
        f"| {len(queries)} queries, {sql:.1f} ms in SQL (last run)  (n={len(ms)}){extra}",
        flush=True,
    )


def explain(sql: str) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        for (row,) in cursor.fetchall():
            print("    " + row)


def aggregate_sql(queries: list) -> str:
    found = [q["sql"] for q in queries if "duty_dutyrecord" in q["sql"] and "GROUP BY" in q["sql"]]
    return found[-1] if found else ""


def main() -> None:
    from django.utils import timezone

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=timezone.localdate().year - 1)
    parser.add_argument("--live-year", type=int, default=timezone.localdate().year)
    parser.add_argument("--runs", type=int, default=5, help="runs of the whole evaluation")
    parser.add_argument("--members", type=int, default=200, help="live scores to time")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()

    from django.db import connection, transaction

    from xieshang.duty import selectors
    from xieshang.duty.models import DutyRecord
    from xieshang.members.models import Member
    from xieshang.orgs.models import Organisation

    root = Organisation.objects.filter(parent__isnull=True).order_by("path").first()
    if root is None:
        sys.exit("no organisation: seed the database first (seed_demo --profile province)")
    with connection.cursor() as cursor:
        # The planner's estimate: an exact COUNT of millions of rows would take seconds.
        table = DutyRecord._meta.db_table
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
            records = f"~{cursor.fetchone()[0]:,}"
        else:
            records = f"{DutyRecord.objects.count():,}"
    print(
        f"{connection.vendor} {connection.settings_dict['NAME']}: {root.name}, "
        f"{Organisation.objects.filter(path__startswith=root.path).count()} organisations, "
        f"{Member.objects.count():,} members, {records} duty records; "
        f"evaluation year {args.year}, live-score year {args.live_year}",
        flush=True,
    )
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}", flush=True)

    with transaction.atomic():
        scope, times, queries = timed(lambda: selectors.scores_in_scope(root, args.year), args.runs)
        evaluated = sum(len(m) for m in scope.values())
        line("province", times, queries, f"   {evaluated:,} members in {len(scope)} committees")
        if args.explain:
            explain(aggregate_sql(queries))

        rows, times, queries = timed(lambda: selectors.evaluation_rows(root, args.year), args.runs)
        line("office page", times, queries, f"   {len(rows):,} members of {root.name}")

        seated = [(org_id, mid) for org_id, members in scope.items() for mid in members]
        rng = random.Random(args.seed)
        sample = rng.sample(seated, min(args.members, len(seated)))
        members = Member.objects.select_related("organisation").in_bulk([m for _o, m in sample])
        for member in members.values():  # first use creates the year's score tables
            selectors.scores(member.organisation, args.live_year, [member.pk])
        times, queries = [], []
        for _org_id, mid in sample:
            member = members[mid]
            _result, t, queries = timed(
                lambda m=member: selectors.scores(m.organisation, args.live_year, [m.pk]), 1
            )
            times += t
        line("live score", times, queries)
        if args.explain:
            explain(aggregate_sql(queries))

        # The two agree (tests/duty/test_evaluation_set_based.py checks it on every case).
        for org_id, mid in sample[:20]:
            member = members[mid]
            assert (
                scope[org_id][mid] == selectors.scores(member.organisation, args.year, [mid])[mid]
            ), mid
        transaction.set_rollback(True)


if __name__ == "__main__":
    setup()
    main()
