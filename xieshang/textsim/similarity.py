"""Near-duplicate detection over Chinese text.

A text's features are its character bigrams within each run of letters, plus its single
characters at a low weight, after `normalise`. This needs no dictionary and copes with
changed word order and reworded sentences that keep the key words. Scores are the cosine
of binary feature vectors; `most_similar` weights each feature by its inverse document
frequency over the closest candidates, so the words every proposal uses ("老旧小区" in a year of
housing proposals) count for less than the ones that set a text apart.

Speed: set operations do the work (C code), so comparing a new proposal with a few
thousand candidates takes a fraction of a second in plain Python. Candidates are first
ranked by plain overlap and only the best few are scored with the weights.
"""

import math
from collections import Counter
from collections.abc import Hashable, Iterable
from operator import add

from .text import STOP_WORDS, normalise

UNIGRAM_WEIGHT = 0.2
_STOP_BIGRAMS = frozenset(w for w in STOP_WORDS if len(w) == 2) | {"的建", "议案"}
_STOP_CHARS = frozenset(w for w in STOP_WORDS if len(w) == 1)
# How many candidates, ranked by unweighted overlap, are scored with IDF weights.
SHORTLIST = 60
# Letters of a text that count: a proposal's matter shows in its first pages, and a cap
# keeps one very long text from costing as much as ten ordinary ones.
MAX_CHARS = 2000


def features(text: str) -> set[str]:
    """Bigrams within runs (boilerplate dropped) and single characters. A feature's length
    tells which it is, so the two kinds never collide."""
    result: set[str] = set()
    for run in normalise(text[: MAX_CHARS * 2])[:MAX_CHARS].split(" "):
        if run:
            result.update(map(add, run, run[1:]))
            result.update(run)
    result -= _STOP_BIGRAMS
    result -= _STOP_CHARS
    return result


def tokens(text: str) -> list[str]:
    """The features of `text`, sorted (bigrams first): for tests and debugging."""
    return sorted(features(text), key=lambda t: (len(t) == 1, t))


def _weight(token: str) -> float:
    return UNIGRAM_WEIGHT if len(token) == 1 else 1.0


def similarity(a: str, b: str) -> float:
    """Cosine similarity of the two texts' features, 0 (nothing shared) to 1 (same)."""
    fa, fb = features(a), features(b)
    if not fa or not fb:
        return 0.0
    dot = sum(_weight(t) ** 2 for t in fa & fb)
    norm = math.sqrt(sum(_weight(t) ** 2 for t in fa) * sum(_weight(t) ** 2 for t in fb))
    return round(dot / norm, 4) if norm else 0.0


def most_similar(
    query: str,
    candidates: Iterable[tuple[Hashable, str]],
    *,
    limit: int = 5,
    min_score: float = 0.0,
) -> list[tuple[Hashable, float]]:
    """The `limit` candidates most similar to `query` with a score of at least `min_score`,
    best first: `[(key, score)]`. Scores use IDF weights over the shortlisted candidates."""
    q = features(query)
    if not q:
        return []
    docs = [(key, features(text)) for key, text in candidates]
    docs = [(key, f) for key, f in docs if f]
    if not docs:
        return []
    # Shortlist by plain overlap (all set operations), then weigh only the shortlist.
    overlap = [(len(q & f) / math.sqrt(len(f)), i) for i, (_key, f) in enumerate(docs)]
    overlap = [pair for pair in overlap if pair[0] > 0]
    overlap.sort(reverse=True)
    shortlist = [docs[i] for _score, i in overlap[: max(SHORTLIST, limit * 4)]]
    if not shortlist:
        return []
    # Document frequencies over the shortlist: among texts on related matters, the words
    # they all share say least about which one is the same matter.
    df: Counter = Counter()
    for _key, f in shortlist:
        df.update(f)
    n = len(shortlist) + 1

    def weight2(token: str) -> float:
        w = (math.log((n + 1) / (df.get(token, 0) + 1)) + 1.0) * _weight(token)
        return w * w

    cache: dict[str, float] = {}

    def w2(token: str) -> float:
        value = cache.get(token)
        if value is None:
            value = cache[token] = weight2(token)
        return value

    q_norm = math.sqrt(sum(map(w2, q)))
    scored = []
    for key, f in shortlist:
        dot = sum(map(w2, q & f))
        score = dot / (q_norm * math.sqrt(sum(map(w2, f))))
        if score >= min_score and score > 0:
            scored.append((key, round(score, 4)))
    scored.sort(key=lambda pair: -pair[1])
    return scored[:limit]
