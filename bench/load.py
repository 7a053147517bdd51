"""Throughput of the key pages under gunicorn, as a share of the framework ceiling.

    .venv/bin/python bench/load.py [--profile district|city|province] [--workers 5]
        [--duration 10] [--connections 10] [--generator auto|wrk|python]
        [--save results.json] [--compare district.json] [--read-only]

Starts gunicorn (production settings: DEBUG off, hashed static files, the product's whole
middleware stack; `--workers` defaults to docs/deployment.md's 2 x cores + 1) on 127.0.0.1
on a free port, serving the PostgreSQL database named by DATABASE_URL (seeded with the profile if
it is empty, used as it is if not) or, without DATABASE_URL, a fresh seeded SQLite file. It
logs the demo users in by creating their sessions directly, then drives each page with a
load generator on loopback: `wrk` when it is installed, else a small multi-process Python
keep-alive client. Every run is bounded by time (`--duration` a page) and by count
(`--max-requests` a page), and gunicorn is stopped at the end whatever happens.

The same run measures the framework ceiling: a view that runs one query behind the same
middleware (bench/urls_bench.py, mounted only by bench/settings_bench.py), measured first and
again right after each page, and the same view with no middleware at all (bench/wsgi_bench.py).
Each page's requests/s is printed as a ratio of the ceiling measured just before and just after
it (target: >= 0.5; others' load on a shared machine drifts within a minute), with its latency
under load (p50/p95) and the latency of one request at a time. `--compare` takes the
`--save`d results of another run (the district) and prints this run's single-request latency
as a multiple of it (target for the province: <= 1.3).

`--read-only` (PostgreSQL) opens the database read-only, so a shared data set cannot be
changed, and keeps the bench's sessions and the audit rows that pages append in the schema
bench_writes of BENCH_SESSION_DATABASE_URL (a scratch database with the product's tables).
"""

import argparse
import http.client
import json
import multiprocessing
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CEILING = "/_bench/one-query/"
BARE = "/_bench/bare/"
BARE_HELLO = "/_bench/bare-hello/"

# (key, label, username, path or None for one chosen from the data). The users are the demo
# accounts that use each page (xieshang/demo/data.py DEMO_ACCOUNTS).
PAGES = [
    ("home", "home page (office)", "office", "/"),
    ("member_list", "member list (office)", "office", "/members/"),
    ("proposal_list", "proposal list (committee)", "proposal", "/proposals/"),
    ("proposal_page", "proposal page (committee)", "proposal", None),
    ("dept_queue", "department queue (dept)", "dept", "/proposals/dept/"),
    ("home_member", "home page (member)", "member", "/"),
]
# Pages of a higher-level office, measured when the data set has that account.
HIGHER_PAGES = [
    ("home_city", "home page (city office)", "city_office", "/"),
    ("member_list_city", "member list (city office)", "city_office", "/members/"),
    ("home_province", "home page (province office)", "province_office", "/"),
    ("member_list_province", "member list (province office)", "province_office", "/members/"),
]
TARGET_RATIO = 0.5
TARGET_PROVINCE_LATENCY = 1.3

WRK_SCRIPT = r"""
local cookies, n, count, max = {}, 0, 0, 0
function init(args)
  max = tonumber(args[1])
  for i = 2, #args do cookies[#cookies + 1] = args[i] end
end
function request()
  n = n + 1
  local headers = {["X-Forwarded-Proto"] = "https"}
  if #cookies > 0 then headers["Cookie"] = cookies[(n % #cookies) + 1] end
  return wrk.format("GET", nil, headers)
end
function response(status, headers, body)
  count = count + 1
  if max > 0 and count >= max then wrk.thread:stop() end
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\nBENCH {"requests": %d, "duration_us": %d, "errors": %d, "p50_us": %d, "p95_us": %d}\n',
    summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout + e.status,
    latency:percentile(50), latency:percentile(95)))
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="district", choices=["district", "city", "province"])
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1) + 1,
        help="gunicorn workers (2 x cores + 1, as docs/deployment.md recommends)",
    )
    parser.add_argument("--connections", type=int, default=0, help="default: 2 x workers")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load a page")
    parser.add_argument("--max-requests", type=int, default=20000, help="bound a page")
    parser.add_argument("--single", type=int, default=15, help="one-at-a-time requests a page")
    parser.add_argument("--generator", default="auto", choices=["auto", "wrk", "python"])
    parser.add_argument("--read-only", action="store_true")
    parser.add_argument("--save", help="write the results as JSON to this file")
    parser.add_argument("--compare", help="results JSON of the run to compare latency with")
    parser.add_argument("--only", default="", help="page keys to measure, comma-separated")
    parser.add_argument("--label", default="", help="name of this run in the saved results")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: a free one)")
    args = parser.parse_args()
    connections = args.connections or 2 * args.workers

    # Stopped from outside (timeout, kill): still stop gunicorn and remove the temporary files.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    var = Path(tempfile.mkdtemp(prefix="xs-load-"))
    env = production_env(var, args)
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections as connections_

    prepare_database(args)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    targets = choose_targets()
    if args.only:
        targets = [target for target in targets if target[0] in args.only.split(",")]
    cookies = {}
    for username in ["office"] + [target[2] for target in targets]:
        if username not in cookies:
            cookies[username] = make_sessions(username, connections * 2)
    connections_.close_all()

    generator = pick_generator(args.generator)
    port = args.port or free_port()
    server = start_gunicorn(port, args.workers, var, env)
    results: dict = {
        "label": args.label or args.profile,
        "profile": args.profile,
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "workers": args.workers,
        "connections": connections,
        "generator": generator,
        "cores": os.cpu_count(),
        "commit": git_commit(),
        "pages": {},
        "probes": [],
    }
    try:
        wait_until_up(port, server, var)
        runs = [
            ("ceiling_before", "ceiling: one query, full middleware", "office", CEILING),
            ("bare", "bare: one query, no middleware", None, BARE),
            ("bare_hello", "bare: no query, no middleware", None, BARE_HELLO),
            *targets,
        ]
        for key, label, username, path in runs:
            jar = cookies.get(username, [])
            status = get(port, path, jar[0] if jar else "")[0]
            if status != 200:
                print(f"{label}: {path} answered {status}, skipped", file=sys.stderr)
                results["pages"][key] = {"label": label, "path": path, "status": status}
                continue
            # A short warm-up, unmeasured, so that every worker has its templates and caches.
            warm_up(generator, port, path, jar, connections, args)
            single = single_requests(port, path, jar, args.single)
            load = run_load(generator, port, path, jar, connections, args)
            if key == "ceiling_before":
                results["probes"].append(load["rps"])
            results["pages"][key] = {
                "label": label,
                "user": username,
                "path": path,
                "status": 200,
                "bytes": single["bytes"],
                **load,
                "single_p50_ms": single["p50_ms"],
                "single_p95_ms": single["p95_ms"],
            }
            print(f"  {label:38} {load['rps']:8.1f} req/s", file=sys.stderr, flush=True)
            if not key.startswith("ceiling"):
                # The ceiling again, right after each page: on a shared machine the load of
                # others drifts within a minute, so each page is set against its neighbours.
                probe = run_load(generator, port, CEILING, cookies["office"], connections, args)
                results["probes"].append(probe["rps"])
                results["pages"][key]["ceiling_rps"] = statistics.mean(results["probes"][-2:])
    finally:
        stop(server)
        if any(page.get("status") != 200 for page in results["pages"].values()):
            print((var / "gunicorn.out").read_text()[-4000:], file=sys.stderr)
        shutil.rmtree(var, ignore_errors=True)

    compare = json.loads(Path(args.compare).read_text()) if args.compare else None
    failed = print_table(results, compare)
    if args.save:
        Path(args.save).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    sys.exit(1 if failed else 0)


def production_env(var: Path, args) -> dict:
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
        "XIESHANG_VAR_DIR": str(var),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "LOG_LEVEL": "WARNING",
        # The bench sends X-Forwarded-Proto: https like the office's TLS proxy would.
        "BEHIND_TLS_PROXY": "1",
        "HEALTH_TOKEN": "",
        # The bench's sessions are made directly, without a TOTP code (production's default).
        "STAFF_2FA_REQUIRED": "0",
    }
    if args.read_only:
        if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            sys.exit("--read-only needs DATABASE_URL=postgres://...")
        if not os.environ.get("BENCH_SESSION_DATABASE_URL"):
            sys.exit("--read-only needs BENCH_SESSION_DATABASE_URL for the bench's sessions")
        env["BENCH_READ_ONLY"] = "1"
    return env


def prepare_database(args) -> None:
    """Seed the profile into an empty database; use a database with data as it is."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    tables = connection.introspection.table_names()
    if args.read_only:
        from django.db import connections

        with connections["sessions"].cursor() as cursor:
            cursor.execute("CREATE SCHEMA IF NOT EXISTS bench_writes")
            # The audit table's columns without its foreign keys: the rows name users and
            # organisations of the measured database, not of this one.
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS bench_writes.core_event"
                " (LIKE public.core_event INCLUDING DEFAULTS INCLUDING IDENTITY)"
            )
            # The product's sessions (SESSION_ENGINE core.sessions), with their indexes.
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS bench_writes.core_accountsession"
                " (LIKE public.core_accountsession INCLUDING ALL)"
            )
        call_command("migrate", "sessions", database="sessions", verbosity=0)
    has_data = "core_user" in tables and _count("core_user") > 0
    if not has_data:
        if args.read_only:
            sys.exit("--read-only: the database is empty")
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call_command("seed_demo", profile=args.profile, verbosity=0)
        print(f"seeded {args.profile} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending and not args.read_only:
        call_command("migrate", verbosity=0)
    elif pending:
        print(f"warning: {len(pending)} migrations not applied (read-only)", file=sys.stderr)
    print(
        f"using the existing data: {_count('proposals_proposal')} proposals, "
        f"{_count('members_member')} members",
        file=sys.stderr,
    )


def _count(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        return cursor.fetchone()[0]


def choose_targets() -> list[tuple]:
    from xieshang.core.models import User
    from xieshang.proposals.models import Proposal

    usernames = set(User.objects.values_list("username", flat=True).filter(is_active=True))
    targets = []
    for key, label, username, path in PAGES + HIGHER_PAGES:
        if username not in usernames:
            continue
        if path is None:
            # The reviewer's page of a proposal waiting for review in the user's district:
            # the page with the merge targets, the heaviest the committee opens every day.
            path = f"/proposals/{proposal_for(username, Proposal)}/"
        targets.append((key, label, username, path))
    return targets


def proposal_for(username: str, proposal_model) -> int:
    from xieshang.core.models import User
    from xieshang.orgs.models import RoleAssignment

    user = User.objects.get(username=username)
    orgs = RoleAssignment.objects.filter(user=user).values_list("organisation_id", flat=True)
    mine = proposal_model.objects.filter(organisation_id__in=list(orgs))
    for status in ("submitted", "accepted", "assigned"):
        pk = mine.filter(status=status).order_by("pk").values_list("pk", flat=True).first()
        if pk:
            return pk
    return mine.order_by("pk").values_list("pk", flat=True).first()


def make_sessions(username: str, count: int) -> list[str]:
    """Session cookies of a logged-in user, written the way django.contrib.auth.login does,
    without login's side effects (last_login, the audit event) on the measured database."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from xieshang.core.models import User

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    user = User.objects.get(username=username)
    jar = []
    for _ in range(count):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        jar.append(f"{settings.SESSION_COOKIE_NAME}={store.session_key}")
    return jar


def pick_generator(choice: str) -> str:
    if choice == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if choice == "wrk" and not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk), use --generator python")
    return choice


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, var: Path, env: dict) -> subprocess.Popen:
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "bench.wsgi_bench:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--chdir",
        str(ROOT),
        "--error-logfile",
        str(var / "gunicorn.log"),
        "--no-control-socket",
        "--timeout",
        "120",
    ]
    log = open(var / "gunicorn.out", "wb")
    return subprocess.Popen(
        argv,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_up(port: int, server: subprocess.Popen, var: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped:\n" + (var / "gunicorn.log").read_text()[-3000:])
        try:
            if get(port, "/health/live/", "")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit("gunicorn did not answer within 60 s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def get(port: int, path: str, cookie: str, conn=None) -> tuple[int, int]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    if own:
        conn.close()
    return response.status, len(body)


def single_requests(port: int, path: str, jar: list[str], count: int) -> dict:
    """One request at a time: the latency a lone user sees."""
    cookie = jar[0] if jar else ""
    times = []
    size = 0
    for _ in range(count):
        t0 = time.perf_counter()
        size = get(port, path, cookie)[1]
        times.append((time.perf_counter() - t0) * 1000)
    return {"bytes": size, **percentiles(times, "ms")}


def percentiles(values: list[float], unit: str) -> dict:
    ordered = sorted(values)
    if not ordered:
        return {f"p50_{unit}": 0.0, f"p95_{unit}": 0.0}
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {f"p50_{unit}": statistics.median(ordered), f"p95_{unit}": p95}


def warm_up(generator: str, port: int, path: str, jar: list[str], connections: int, args):
    warm = max(1.0, args.duration / 4)
    if generator == "wrk":
        wrk(port, path, jar, connections, warm, args.max_requests)
    else:
        python_load(port, path, jar, connections, warm, args.max_requests)


def run_load(generator: str, port: int, path: str, jar: list[str], connections: int, args):
    if generator == "wrk":
        return wrk(port, path, jar, connections, args.duration, args.max_requests)
    return python_load(port, path, jar, connections, args.duration, args.max_requests)


def wrk(port, path, jar, connections, duration, max_requests) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    threads = 1  # the generator shares the two cores with the server: keep it light
    argv = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{max(1, round(duration))}s",
        "--timeout",
        "30s",
        "-s",
        script.name,
        f"http://127.0.0.1:{port}{path}",
        "--",
        str(max_requests // threads),
        *jar,
    ]
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60)
    finally:
        os.unlink(script.name)
    line = next(x for x in out.stdout.splitlines() if x.startswith("BENCH "))
    data = json.loads(line[len("BENCH ") :])
    seconds = data["duration_us"] / 1e6
    return {
        "requests": data["requests"],
        "errors": data["errors"],
        "rps": data["requests"] / seconds if seconds else 0.0,
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
    }


def _client(job) -> tuple[int, int, list[float]]:
    port, path, cookies, deadline, limit = job
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    done = errors = 0
    times = []
    while done < limit and time.monotonic() < deadline:
        t0 = time.perf_counter()
        try:
            status, _ = get(port, path, cookies[done % len(cookies)] if cookies else "", conn)
        except (OSError, http.client.HTTPException):
            conn.close()
            status = 0
        times.append((time.perf_counter() - t0) * 1000)
        done += 1
        errors += status != 200
    conn.close()
    return done, errors, times


def python_load(port, path, jar, connections, duration, max_requests) -> dict:
    """The fallback generator: one process a connection, keep-alive where the server allows
    it (gunicorn's sync workers close each connection, http.client then reconnects)."""
    limit = max(1, max_requests // connections)
    started = time.monotonic()
    deadline = started + duration
    jobs = [(port, path, jar[i::connections] or jar, deadline, limit) for i in range(connections)]
    with multiprocessing.get_context("fork").Pool(connections) as pool:
        parts = pool.map(_client, jobs)
    seconds = time.monotonic() - started
    requests = sum(p[0] for p in parts)
    times = [t for p in parts for t in p[2]]
    return {
        "requests": requests,
        "errors": sum(p[1] for p in parts),
        "rps": requests / seconds,
        **percentiles(times, "ms"),
    }


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "diff", "--quiet", "HEAD", "--", "xieshang"], check=False
        ).returncode
        # Uncommitted changes to the product: the numbers are of the working tree, not HEAD.
        return out.stdout.strip() + ("+uncommitted" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


def print_table(results: dict, compare: dict | None) -> int:
    pages = results["pages"]
    ceilings = results["probes"]
    ceiling = statistics.mean(ceilings) if ceilings else 0.0
    results["ceiling_rps"] = ceiling
    print(
        f"\n{results['label']}: {results['database']}, gunicorn {results['workers']} workers, "
        f"{results['generator']} {results['connections']} connections, "
        f"{results['cores']} cores, commit {results['commit']}"
    )
    print(
        f"ceiling: {ceiling:.0f} req/s on average over {len(ceilings)} measurements "
        f"({min(ceilings, default=0):.0f}-{max(ceilings, default=0):.0f}); each page's ratio is "
        "against the ceiling measured just before and just after it"
    )
    header = f"{'page':40} {'req/s':>7} {'ratio':>6} {'p50':>6} {'p95':>6} {'one p50':>8} {'KB':>6}"
    if compare:
        header += f" {'vs ' + compare.get('label', 'other'):>12}"
    print(header + "  (ms; ratio = req/s / ceiling; one = one request at a time)")
    failed = 0
    for key, page in pages.items():
        if page.get("status") != 200:
            print(f"{page['label']:40} answered {page.get('status')}")
            failed += 1
            continue
        own = page.get("ceiling_rps") or ceiling
        ratio = page["rps"] / own if own else 0.0
        page["ratio"] = ratio
        line = (
            f"{page['label']:40} {page['rps']:7.0f} {ratio:6.2f} {page['p50_ms']:6.0f}"
            f" {page['p95_ms']:6.0f} {page['single_p50_ms']:8.1f} {page['bytes'] / 1024:6.0f}"
        )
        other = (compare or {}).get("pages", {}).get(key)
        if other and other.get("status") == 200:
            times = page["single_p50_ms"] / other["single_p50_ms"]
            page["latency_vs_compare"] = times
            line += f" {times:11.2f}x"
            if not key.startswith(("ceiling", "bare")) and times > TARGET_PROVINCE_LATENCY:
                line += " SLOW"
        if not key.startswith(("ceiling", "bare")) and ratio < TARGET_RATIO:
            line += "  < 0.5"
        if page["errors"]:
            line += f"  {page['errors']} errors"
        print(line)
    if "bare" in pages and pages["bare"].get("rps") and ceiling:
        print(
            f"middleware stack: the one-query view serves {pages['bare']['rps'] / ceiling:.1f}x "
            f"as many requests without it"
        )
    return failed


if __name__ == "__main__":
    main()
