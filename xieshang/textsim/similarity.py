"""Near-duplicate detection over Chinese text.

Features are character bigrams within each run of letters (weight 1) plus single
characters (low weight), after `normalise`. This needs no dictionary, copes with changed
word order and synonyms sharing a character, and is fast enough to compare a new proposal
with a few thousand candidates in Python. `most_similar` weights the features by their
inverse document frequency over the candidates, so that words every proposal uses
("老旧小区" in a year of housing proposals) count for less than the ones that set a text
apart.
"""

import math
from collections import Counter
from collections.abc import Hashable, Iterable

from .text import STOP_WORDS, normalise

UNIGRAM_WEIGHT = 0.2
_STOP_BIGRAMS = frozenset(w for w in STOP_WORDS if len(w) == 2) | {"的建", "议案"}
_STOP_CHARS = frozenset(w for w in STOP_WORDS if len(w) == 1)


def tokens(text: str) -> list[str]:
    """The features of `text`: character bigrams (within runs, boilerplate dropped), then
    single characters prefixed with "1:" so that they never collide with a bigram."""
    result: list[str] = []
    unigrams: list[str] = []
    for run in normalise(text).split(" "):
        if not run:
            continue
        result.extend(
            b for b in (run[i : i + 2] for i in range(len(run) - 1)) if b not in _STOP_BIGRAMS
        )
        unigrams.extend(f"1:{c}" for c in run if c not in _STOP_CHARS)
    return result + unigrams


def _vector(text: str) -> Counter:
    counts: Counter = Counter()
    for token in tokens(text):
        counts[token] += UNIGRAM_WEIGHT if token.startswith("1:") else 1.0
    return counts


def _cosine(a: dict, b: dict) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(weight * b.get(key, 0.0) for key, weight in a.items())
    if not dot:
        return 0.0
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def _damped(counts: Counter) -> dict:
    # Sub-linear term frequency: a long text repeating a phrase does not dominate.
    return {key: (1.0 + math.log(w)) if w >= 1 else w for key, w in counts.items()}


def similarity(a: str, b: str) -> float:
    """Cosine similarity of the two texts' features, 0 (nothing shared) to 1 (same)."""
    return round(_cosine(_damped(_vector(a)), _damped(_vector(b))), 4)


def most_similar(
    query: str,
    candidates: Iterable[tuple[Hashable, str]],
    *,
    limit: int = 5,
    min_score: float = 0.0,
) -> list[tuple[Hashable, float]]:
    """The `limit` candidates most similar to `query` with a score of at least `min_score`,
    best first: `[(key, score)]`. Scores use TF-IDF weights over the candidates."""
    query_vec = _damped(_vector(query))
    if not query_vec:
        return []
    docs = [(key, _damped(_vector(text))) for key, text in candidates]
    if not docs:
        return []
    df: Counter = Counter()
    for _key, vec in docs:
        df.update(vec.keys())
    n = len(docs) + 1

    def idf(token: str) -> float:
        return math.log((n + 1) / (df.get(token, 0) + 1)) + 1.0

    weights = {token: idf(token) for token in query_vec}
    q = {token: w * weights[token] for token, w in query_vec.items()}
    scored = []
    for key, vec in docs:
        d = {token: w * (weights.get(token) or idf(token)) for token, w in vec.items()}
        score = _cosine(q, d)
        if score >= min_score and score > 0:
            scored.append((key, round(score, 4)))
    scored.sort(key=lambda pair: -pair[1])
    return scored[:limit]
