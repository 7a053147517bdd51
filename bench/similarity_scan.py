"""Similar items at 300k: a two-stage scan (a few principal components in float32, then the
full float16 vectors of the best few thousand) against the exact float32 product.

    .venv/bin/python bench/similarity_scan.py [--scale 300000] [--dims 32 48 64 96]

Quality: on the real titles of the bench (the vector cache of bench/similarity_embed.py), the
rank, in the reduced space, of each query's exact top 5 (as a share of the candidates): the
first stage must keep them, so at 300k it must keep that share of 300k. Speed: the same
code as textsim.vectors over `--scale` vectors (the real ones repeated, with a little noise
so that no two are equal), p50/p95 over 200 queries, with the machine's load printed.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # before numpy is imported: one core per query

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
    import django

    django.setup()
    from similarity_embed import load

    from xieshang.textsim import vectors

    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=300_000)
    parser.add_argument("--dims", type=int, nargs="*", default=[32, 48, 64, 96])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--close", type=float, default=0.93, help="a cosine that is shown")
    args = parser.parse_args()

    cache = load()
    real = np.stack(list(cache.values())).astype(np.float32)
    real /= np.linalg.norm(real, axis=1, keepdims=True)
    n = len(real)
    print(f"{n} real vectors; load {os.getloadavg()}", flush=True)
    rng = np.random.default_rng(1)
    qidx = rng.choice(n, size=min(400, n), replace=False)

    # Quality: rank of the exact top 5 in the reduced space.
    exact = real @ real[qidx].T  # n x q
    for d in args.dims:
        basis = vectors.Reducer.fit(real, d)
        reduced = basis.items(real)
        approx = reduced @ basis.query(real[qidx]).T
        worst, close_kept, close_total = [], 0, 0
        for j in range(len(qidx)):
            e = exact[:, j].copy()
            e[qidx[j]] = -9  # not itself
            a = approx[:, j].copy()
            a[qidx[j]] = -9
            true5 = np.argpartition(-e, 5)[:5]
            order = np.argsort(-a)
            pos = np.empty(n, dtype=np.int64)
            pos[order] = np.arange(n)
            worst.append(pos[true5].max() + 1)
            # the items close enough to be shown: kept by a first stage of 1 % at any scale?
            close = np.flatnonzero(e >= args.close)
            close_total += len(close)
            close_kept += int((pos[close] < max(1, n // 100)).sum())
        worst = np.array(worst) / n
        print(
            f"d={d}: the exact top 5 within the reduced top "
            f"{np.percentile(worst, 50) * 100:.2f}% (median query), "
            f"{np.percentile(worst, 99) * 100:.2f}% (p99), {worst.max() * 100:.2f}% (worst); "
            f"items with cosine >= {args.close} within the reduced top 1%: "
            f"{close_kept}/{close_total}",
            flush=True,
        )

    # Speed at scale.
    reps = -(-args.scale // n)
    big = np.tile(real, (reps, 1))[: args.scale]
    big += rng.normal(0, 0.01, big.shape).astype(np.float32)
    big /= np.linalg.norm(big, axis=1, keepdims=True)
    big16 = big.astype(np.float16)
    queries = real[rng.choice(n, size=args.queries)]

    def timed(fn):
        """Wall and CPU (this process) milliseconds, p50 and p95: on a loaded machine the
        CPU time is what an idle machine's wall time would be (one BLAS thread)."""
        walls, cpus = [], []
        for q in queries:
            t0, c0 = time.perf_counter(), time.process_time()
            fn(q)
            walls.append((time.perf_counter() - t0) * 1000)
            cpus.append((time.process_time() - c0) * 1000)
        walls.sort()
        cpus.sort()
        p95 = int(len(walls) * 0.95)
        return (statistics.median(walls), walls[p95], statistics.median(cpus), cpus[p95])

    def exact_scan(q):
        s = big @ q
        return np.argpartition(-s, 50)[:50]

    results = {"exact float32 product, top 50": timed(exact_scan)}
    for d in args.dims:
        reducer = vectors.Reducer.fit(big[:20000], d)
        t0 = time.perf_counter()
        small = reducer.items(big)
        project = time.perf_counter() - t0
        for keep in (2000, 5000):

            def two_stage(q, small=small, reducer=reducer, keep=keep):
                return vectors.two_stage_top(small, big16, reducer.query(q[None])[0], q, keep, 50)

            # agreement with the exact top 5 at scale (noisy copies: 5 of the ~90 copies)
            agree = 0
            for q in queries[:20]:
                got = set(two_stage(q)[:5][0].tolist())
                agree += len(got & set(np.argsort(-(big @ q))[:5].tolist()))
            results[f"d={d} keep {keep} (+{small.nbytes / 2**20:.0f} MiB, {project:.1f} s)"] = (
                *timed(two_stage),
                agree / 100,
            )
    print(
        f"{args.scale} vectors: float32 {big.nbytes / 2**20:.0f} MiB, float16 "
        f"{big16.nbytes / 2**20:.0f} MiB; load {os.getloadavg()}"
    )
    for name, values in results.items():
        extra = f", exact top-5 kept {values[4]:.2f}" if len(values) > 4 else ""
        print(
            f"{name}: wall p50 {values[0]:.1f} ms, p95 {values[1]:.1f} ms; "
            f"CPU p50 {values[2]:.1f} ms, p95 {values[3]:.1f} ms{extra}"
        )


if __name__ == "__main__":
    main()
