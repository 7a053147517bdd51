"""The text index behind `textsim.search()`: which items are indexed, and keeping it current.

Each domain app declares what it indexes in its own `search_index.py` (found by
autodiscovery when the textsim app is ready):

    from xieshang.textsim import index
    from .models import Proposal, Signer

    index.register(
        Proposal,
        title=["title", "number"],                 # weighs most in the ranking
        names=["first_proposer__name", signer_names],   # whole names and their bigrams
        body=["facts", "analysis", "suggestions", "proposer_body"],
        select_related=["first_proposer"],
        prefetch_related=["signers__member"],
        depends={Signer: lambda signer: signer.proposal},   # re-index the proposal too
        organisation="organisation_id",            # kept on the entry (see below)
        year="year",                               # kept on the entry too
    )

A source is a field path ("first_proposer__name") or a callable `obj -> str | list[str]`
(which may name the fields it reads in a `reads` attribute, so saving others costs nothing).
`organisation` names the attribute holding the item's organisation id: the entry keeps it,
so that a search told the organisations of its scope (`search(..., organisations=...)`)
reads only their entries instead of every match in the province. `year` likewise names
the item's year: a search told the years asked (`search(..., years=...)`) reads only
their entries, so counting a common word's matches in one year of a province visits that
year's entries, not ten years'.
Saving or deleting a registered item updates its `SearchEntry` (signals); `manage.py
textindex --rebuild` rebuilds the lot in batches (`rebuild()`), and is the way after
`bulk_create` or `update()`, which send no signals.

What is stored: the item's words (`textsim.segment`, stop words dropped) and, for every word
of three or more Chinese characters, its character bigrams, so that "养老" finds "居家养老"
and "养老院"; a name is kept whole with its bigrams, so "建国" finds "王建国".
"""

import functools
import hashlib
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save

from .text import STOP_WORDS, normalise, segment

# Raw characters of one item's body that are indexed: enough for any proposal's matter,
# and a cap keeps one pasted report from costing a rebuild minutes.
MAX_BODY_CHARS = 12000
BATCH = 1000

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

Source = str | Callable


@dataclass(frozen=True)
class Spec:
    model: type[models.Model]
    title: tuple = ()
    names: tuple = ()
    body: tuple = ()
    select_related: tuple = ()
    prefetch_related: tuple = ()
    depends: dict = field(default_factory=dict)
    organisation: str | None = None
    year: str | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label

    def watched(self) -> set[str] | None:
        """The model's own fields the text comes from; None if a callable may read anything
        (a callable naming the fields it reads in a `reads` attribute reads only those)."""
        names = set()
        for source in (*self.title, *self.names, *self.body):
            if callable(source):
                reads = getattr(source, "reads", None)
                if reads is None:
                    return None
                names.update(reads)
                continue
            names.add(source.split("__", 1)[0])
        if self.organisation:
            names.add(self.organisation.removesuffix("_id"))
        if self.year:
            names.add(self.year)
        return names


_specs: dict[type[models.Model], Spec] = {}


def register(
    model: type[models.Model],
    *,
    title: Sequence[Source] = (),
    names: Sequence[Source] = (),
    body: Sequence[Source] = (),
    select_related: Sequence[str] = (),
    prefetch_related: Sequence[str] = (),
    depends: dict | None = None,
    organisation: str | None = None,
    year: str | None = None,
) -> Spec:
    """Index `model`'s items; see the module docstring."""
    spec = Spec(
        model=model,
        title=tuple(title),
        names=tuple(names),
        body=tuple(body),
        select_related=tuple(select_related),
        prefetch_related=tuple(prefetch_related),
        depends=dict(depends or {}),
        organisation=organisation,
        year=year,
    )
    _specs[model] = spec
    uid = f"textsim-index-{spec.label}"
    post_save.connect(_saved, sender=model, dispatch_uid=uid, weak=False)
    post_delete.connect(_deleted, sender=model, dispatch_uid=uid, weak=False)
    for related, parent_of in spec.depends.items():
        handler = _dependent_handler(parent_of)
        uid_related = f"{uid}-{related._meta.label}"
        post_save.connect(handler, sender=related, dispatch_uid=uid_related, weak=False)
        post_delete.connect(handler, sender=related, dispatch_uid=uid_related, weak=False)
    return spec


def spec_for(model: type[models.Model]) -> Spec | None:
    return _specs.get(model._meta.concrete_model)


def specs() -> list[Spec]:
    return sorted(_specs.values(), key=lambda s: s.label)


def _content_type(model):
    # Imported here: the package is imported before the apps are ready.
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model)


# --- what an item's entry holds ---------------------------------------------------------


def _values(obj, source: Source) -> list[str]:
    if callable(source):
        value = source(obj)
    else:
        value = obj
        for part in source.split("__"):
            value = getattr(value, part, None) if value is not None else None
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [str(v) for v in value if v]
    return [str(value)]


def _bigrams(word: str) -> list[str]:
    return [word[i : i + 2] for i in range(len(word) - 1)]


@functools.lru_cache(maxsize=65536)
def _cut(run: str) -> tuple[str, ...]:
    """One run's words, stop words kept. Cached: texts written from the same templates and
    boilerplate share most of their clauses, and segmenting is the cost of a rebuild."""
    return tuple(segment(run, keep_stop_words=True))


def words_of(text: str) -> list[str]:
    """The indexed words of a text: its segmented words, then (each once) the bigrams of
    its long Chinese words, and the bigrams a lone character makes with its neighbours
    ("助餐点" is cut "助" + "餐点": "助餐" is kept too)."""
    words: list[str] = []
    extra: list[str] = []
    for run in normalise(text).split(" "):
        cut = _cut(run) if run else ()
        words.extend(w for w in cut if w not in STOP_WORDS)
        for i, w in enumerate(cut):
            if not _CJK.search(w) or w in STOP_WORDS:
                continue
            if len(w) > 2:
                extra.extend(_bigrams(w))
            elif len(w) == 1:
                if i > 0 and _CJK.search(cut[i - 1][-1]):
                    extra.append(cut[i - 1][-1] + w)
                if i + 1 < len(cut) and _CJK.search(cut[i + 1][0]):
                    extra.append(w + cut[i + 1][0])
    seen = set(words)
    return words + [b for b in dict.fromkeys(extra) if b not in seen and b not in STOP_WORDS]


def name_words(name: str) -> list[str]:
    """A name as one word with its bigrams (a name is never cut in the middle)."""
    result = []
    for run in normalise(name).split(" "):
        if run:
            result.append(run)
            if len(run) > 2 and _CJK.search(run):
                result.extend(_bigrams(run))
    return result


def masked(field: str) -> Callable:
    """A source for `register`: the field's text with the phone and ID card numbers a
    resident typed masked, as every staff page shows them (a search for the whole number
    would otherwise tell which item holds it)."""
    from xieshang.core.pii import mask_numbers

    def text(obj) -> str:
        return mask_numbers(getattr(obj, field) or "")

    text.__name__ = f"masked_{field}"
    text.reads = (field,)
    return text


def raw_text(spec: Spec, obj) -> tuple[list[str], list[str], list[str]]:
    title = [v for s in spec.title for v in _values(obj, s)]
    names = [v for s in spec.names for v in _values(obj, s)]
    body = [v for s in spec.body for v in _values(obj, s)]
    return title, names, body


def text_digest(title: list[str], names: list[str], body: list[str]) -> str:
    """What an entry's `digest` column holds for an item's raw text: equal digests, equal
    words, so an unchanged text is never segmented again."""
    return hashlib.md5(
        "\x1f".join(["\x1e".join(title), "\x1e".join(names), "\x1e".join(body)]).encode(),
        usedforsecurity=False,
    ).hexdigest()


def fields_from_text(title: list[str], names: list[str], body: list[str]) -> dict:
    """The `SearchEntry` columns for an item's raw text: digest, title words, body words."""
    digest = text_digest(title, names, body)
    title_words = [w for t in title for w in words_of(t)]
    title_words += [w for n in names for w in name_words(n)]
    body_text = "\n".join(body)[:MAX_BODY_CHARS]
    return {
        "digest": digest,
        "title": " ".join(title_words),
        "body": " ".join(words_of(body_text)),
    }


def _fields_from_raw(raw: tuple) -> dict:
    return fields_from_text(*raw)


def keys_of(spec: Spec, obj) -> dict:
    """The entry's columns that place the item: its organisation and year (None for a
    model that registers none)."""
    return {
        "organisation_id": getattr(obj, spec.organisation, None) if spec.organisation else None,
        "year": getattr(obj, spec.year, None) if spec.year else None,
    }


# --- keeping it current ------------------------------------------------------------------


def _entries():
    from .models import SearchEntry

    return SearchEntry


def index_object(obj) -> None:
    """Write `obj`'s entry (nothing if its indexed text, organisation and year did not
    change)."""
    spec = spec_for(type(obj))
    if spec is None or obj.pk is None:
        return
    SearchEntry = _entries()
    ct = _content_type(spec.model)
    raw = raw_text(spec, obj)
    digest, keys = text_digest(*raw), keys_of(spec, obj)
    current = (
        SearchEntry.objects.filter(content_type=ct, object_id=obj.pk)
        .values("digest", "organisation_id", "year")
        .first()
    )
    if current == {"digest": digest, **keys}:
        return  # most saves (a status, a deadline) change no indexed text: nothing segmented
    if current is not None and current["digest"] == digest:
        # Moved to another organisation or year, same text: no segmenting, no new tsvector.
        SearchEntry.objects.filter(content_type=ct, object_id=obj.pk).update(**keys)
        return
    values = {**fields_from_text(*raw), **keys}
    SearchEntry.objects.update_or_create(content_type=ct, object_id=obj.pk, defaults=values)


def unindex(model: type[models.Model], pk) -> None:
    spec = spec_for(model)
    if spec is None or pk is None:
        return
    ct = _content_type(spec.model)
    _entries().objects.filter(content_type=ct, object_id=pk).delete()


# True inside `paused()`: saves and deletes leave the entries alone.
_PAUSED: ContextVar[bool] = ContextVar("textsim_index_paused", default=False)


@contextmanager
def paused() -> Iterator[None]:
    """Saves and deletes inside the block write no entry, for a bulk writer that calls
    `rebuild()` when it is done (the demo seed: each proposal is saved a dozen times on its
    way through the services, and the rebuild replaces every entry anyway)."""
    token = _PAUSED.set(True)
    try:
        yield
    finally:
        _PAUSED.reset(token)


def _saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if raw or _PAUSED.get():
        return
    spec = spec_for(sender)
    if update_fields is not None and spec is not None:
        watched = spec.watched()
        if watched is not None and watched.isdisjoint(update_fields):
            return
    index_object(instance)


def _deleted(sender, instance, **kwargs):
    if not _PAUSED.get():
        unindex(sender, instance.pk)


def _dependent_handler(parent_of: Callable) -> Callable:
    def handler(sender, instance, raw=False, **kwargs):
        if raw or _PAUSED.get():
            return
        try:
            parent = parent_of(instance)
        except models.ObjectDoesNotExist:
            return  # the parent is being deleted with it
        if parent is not None and parent.pk is not None:
            index_object(parent)

    return handler


# --- rebuilding --------------------------------------------------------------------------


def default_jobs() -> int:
    """Worker processes a rebuild segments in by default: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def rebuild(
    models_: Sequence[type[models.Model]] | None = None,
    *,
    batch: int = BATCH,
    jobs: int | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Replace the entries of the given registered models (all by default) with fresh ones,
    read and written in batches; `jobs` > 1 segments in that many worker processes while
    this one reads and writes (by default one per usable core, started at the first full
    batch: a small index is done before processes would start). Returns the number of
    entries per model label."""
    SearchEntry = _entries()
    chosen = [spec_for(m) for m in models_] if models_ else specs()
    counts = {}
    jobs = default_jobs() if jobs is None else max(1, jobs)
    pool = None
    try:
        for spec in chosen:
            if spec is None:
                continue
            ct = _content_type(spec.model)
            with transaction.atomic():
                SearchEntry.objects.filter(content_type=ct).delete()
            base = spec.model._default_manager.order_by("pk")
            if spec.select_related:
                base = base.select_related(*spec.select_related)
            if spec.prefetch_related:
                base = base.prefetch_related(*spec.prefetch_related)
            done = 0
            last = None
            pending = None  # (pks, keys, async result) of the batch being segmented

            def write(pks, keys, fields_list, ct=ct):
                entries = [
                    SearchEntry(content_type=ct, object_id=pk, **key, **fields)
                    for pk, key, fields in zip(pks, keys, fields_list, strict=True)
                ]
                with transaction.atomic():
                    SearchEntry.objects.bulk_create(entries, batch_size=batch)

            while True:
                qs = base if last is None else base.filter(pk__gt=last)
                rows = list(qs[:batch])
                if rows:
                    last = rows[-1].pk
                    pks = [obj.pk for obj in rows]
                    keys = [keys_of(spec, obj) for obj in rows]
                    raws = [raw_text(spec, obj) for obj in rows]
                if pool is None and jobs > 1 and len(rows) == batch:
                    pool = multiprocessing.get_context("fork").Pool(jobs)
                if pool is None:
                    if not rows:
                        break
                    write(pks, keys, [_fields_from_raw(raw) for raw in raws])
                    done += len(rows)
                else:
                    # Read the next batch while the workers segment this one.
                    if pending is not None:
                        write(pending[0], pending[1], pending[2].get())
                        done += len(pending[0])
                    if not rows:
                        break
                    chunk = max(1, len(raws) // (jobs * 4))
                    pending = (pks, keys, pool.map_async(_fields_from_raw, raws, chunksize=chunk))
                if progress:
                    progress(spec.label, done)
            counts[spec.label] = done
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    if connection.vendor == "postgresql":
        from xieshang.core.db import analyze

        from .models import SearchEntry

        analyze(SearchEntry)
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO textsim_fts(textsim_fts) VALUES ('optimize')")
    return counts
