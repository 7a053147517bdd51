"""Similar items end to end at 300k: `textsim.vectors.similar()` over `--scale` stored vector
rows of one organisation (the bench's real title vectors repeated with a little noise, so no
two are equal), each query a title no cache has seen (its embedding included).

    DATABASE_URL=postgres://... .venv/bin/python bench/similarity_e2e.py [--scale 300000]

Prints the first query's cost (loading the rows and fitting the components), the memory it
took, and p50/p95 wall and CPU milliseconds over `--queries` queries, with the load. Writes
rows with a content type of its own organisation id (-1) and deletes them afterwards.
"""

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

ORG = None  # rows of no organisation: nothing else in a bench database has them


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
    import django

    django.setup()
    from similarity_background import titles
    from similarity_embed import load

    from xieshang.proposals.models import Proposal
    from xieshang.textsim import vectors
    from xieshang.textsim.models import SimilarityVector as Row

    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=300_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="leave the rows for a rerun")
    args = parser.parse_args()

    ct = vectors._content_type_id(Proposal)
    base = Row.objects.filter(content_type_id=ct, organisation_id__isnull=True)
    have = base.count()
    if have != args.scale:
        base.delete()
        real = np.stack(list(load().values())).astype(np.float32)
        rng = np.random.default_rng(1)
        t0 = time.perf_counter()
        for start in range(0, args.scale, 20000):
            n = min(20000, args.scale - start)
            v = real[rng.integers(0, len(real), n)] + rng.normal(0, 0.01, (n, real.shape[1]))
            v = (v / np.linalg.norm(v, axis=1, keepdims=True)).astype("<f2")
            Row.objects.bulk_create(
                [
                    Row(
                        content_type_id=ct,
                        object_id=10_000_000 + start + i,
                        organisation_id=ORG,
                        text="",
                        digest=f"bench{start + i}",
                        vector=v[i].tobytes(),
                    )
                    for i in range(n)
                ],
                batch_size=5000,
            )
        print(f"wrote {args.scale} rows in {time.perf_counter() - t0:.0f} s", flush=True)

    queries = [f"{t}（第{i}次）" for i, t in enumerate(titles(args.queries + 1, seed=99))]
    before = rss_mib()
    t0, c0 = time.perf_counter(), time.process_time()
    vectors.similar(Proposal, ORG, queries[-1])
    first = (time.perf_counter() - t0, time.process_time() - c0)
    print(
        f"first query (load {args.scale} rows, fit): wall {first[0]:.1f} s, CPU {first[1]:.1f} s;"
        f" in-memory vectors {vectors.memory_bytes() / 2**20:.0f} MiB; peak RSS "
        f"{before:.0f} -> {rss_mib():.0f} MiB; load {os.getloadavg()}",
        flush=True,
    )
    walls, cpus = [], []
    for q in queries[:-1]:
        t0, c0 = time.perf_counter(), time.process_time()
        vectors.similar(Proposal, ORG, q)
        walls.append((time.perf_counter() - t0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    walls.sort()
    cpus.sort()
    p95 = int(len(walls) * 0.95)
    print(
        f"similar() at {args.scale}, a new title each: wall p50 {statistics.median(walls):.0f} ms,"
        f" p95 {walls[p95]:.0f} ms; CPU p50 {statistics.median(cpus):.0f} ms, p95 {cpus[p95]:.0f}"
        f" ms; load {os.getloadavg()}"
    )
    if not args.keep:
        base.delete()


if __name__ == "__main__":
    main()
