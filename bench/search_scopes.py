"""The product's own searches over a demo's proposals, as the demo's users make them.

    DATABASE_URL=postgres://postgres@127.0.0.1/xs_prov \\
        .venv/bin/python bench/search_scopes.py [--users proposal,city_office,province_office]
        [--runs 3] [--page]

`bench/search.py` times `textsim.search()` over generated rows in one scope at a time; this
one times what the pages run on the data `seed_demo` made (`--profile province`: 300,936
proposals in 874 organisations), for users whose scope is a district, a city and the whole
province:

- list: the proposals list's page of 50 for the query (`selectors.proposal_list`);
- total: the list's total (`selectors.proposal_count`);
- with `--year Y`, also "list Y" and "total Y": the same with the list's year filter (the
  list's default is this year; a closed year is what the office reads at year-end);
- header: the header search's proposals (`proposals.search.search_proposals`, 11 ranked);
- page (`--page`): the whole header search page, every kind, through Django's test client.

Each figure is the best of `--runs` for each of QUERIES (common words, phrases, two words,
a rare word); the median and the maximum over the queries are printed, ms. The run reads
only: it is one transaction rolled back at the end (logging in writes a session).
Target (issue 14): <= 50 ms p95 at 300,000 proposals.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERIES = [
    "养老", "教育", "电梯", "停车", "就业",
    "加装电梯", "学校 食品安全", "老旧小区 电梯", "农村 养老", "殡葬",
]  # fmt: skip


def best(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", default="proposal,city_office,province_office")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page", action="store_true", help="Also the whole header search page.")
    parser.add_argument("--year", type=int, help="Also the list and its total in that year.")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import Q
    from django.test import Client
    from django.urls import reverse

    from xieshang.core import access
    from xieshang.proposals import selectors
    from xieshang.proposals.models import Proposal
    from xieshang.proposals.search import search_proposals

    print(
        f"{connection.vendor}, {Proposal.objects.count():,} proposals; best of {args.runs} "
        f"for each of {len(QUERIES)} queries; median / max ms"
    )
    columns = ["list", "total", "header"] + (["page"] if args.page else [])
    if args.year:
        columns += [f"list {args.year}", f"total {args.year}"]
    in_year = Q(year=args.year)
    print(f"{'user':<18}{'scope':>7}  " + "".join(f"{c:>16}" for c in columns))
    with transaction.atomic():
        for username in args.users.split(","):
            user = get_user_model().objects.get(username=username)
            client = Client(HTTP_X_FORWARDED_PROTO="https")
            client.force_login(user)
            shapes = {
                "list": lambda q, u=user: list(
                    selectors.proposal_list(u, q=q, paged=True).only(
                        "number", "title", "first_proposer__name", "organisation__name"
                    )[:50]
                ),
                "total": lambda q, u=user: selectors.proposal_count(u, q=q),
                "header": lambda q, u=user: search_proposals(u, q, 10),
                "page": lambda q, c=client: c.get(reverse("search"), {"q": q}, secure=True),
                f"list {args.year}": lambda q, u=user: list(
                    selectors.proposal_list(u, q=q, paged=True, where=in_year).only(
                        "number", "title", "first_proposer__name", "organisation__name"
                    )[:50]
                ),
                f"total {args.year}": lambda q, u=user: selectors.proposal_count(
                    u, q=q, where=in_year
                ),
            }
            for q in QUERIES[:2]:  # warm up: the segmenter, the caches, the connection
                for name in columns:
                    shapes[name](q)
            cells = []
            for name in columns:
                times = [best(lambda q=q, f=shapes[name]: f(q), args.runs) for q in QUERIES]
                cells.append(f"{statistics.median(times):7.1f} / {max(times):6.1f}")
            # (Before 2026-12-02 there was no scope_share: the bench also runs on older code.)
            share = getattr(access, "scope_share", lambda *a: float("nan"))(user, "proposals.view")
            print(f"{username:<18}{share:>7.3f}  " + "".join(f"{c:>16}" for c in cells))
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
