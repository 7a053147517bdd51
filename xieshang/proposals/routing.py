"""Department suggestion (智能分办): which handling unit is likely to lead on a proposal.

    suggest(proposal, limit=3) -> list[Suggestion]            # best first
    suggest_many(proposals, limit=3) -> {proposal pk: [Suggestion]}

Evidence, per organisation (a proposal is only ever suggested its own level's units):
- past assignments: the proposals each active unit has led or handled separately (分办), the
  most recent HISTORY_LIMIT of them; co-handling (协办), assignments the unit returned
  (申请退回) and those moved elsewhere (已改交) do not count;
- the unit's remit (`Department.remit`, 主要职责) and its name, so that a unit with no
  history yet, or a matter it has never had, can still be suggested.

The model is a centroid classifier over segmented words (textsim.segment): each unit's
history is one TF-IDF vector (the share of its proposals that use a word, times the word's
inverse document frequency), its remit another; a proposal's score for a unit is the
cosine with the history plus REMIT_WEIGHT times the cosine with the remit. The confidence
shown is a softmax of the scores (temperature TEMPERATURE, set so that on the demo's
held-back assignments the stated confidence of the first suggestion is about its accuracy;
bench/suggest.py measures it).

Cost: building segments at most HISTORY_LIMIT proposals (title and the start of the text),
seconds per organisation, so it is done only in the task worker and the result stored
(SuggestionModel, see "Stored models" below); a page loads the stored model (milliseconds)
and keeps it in its process. Scoring a proposal is a dictionary walk over its words.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.orgs.models import Department
from xieshang.textsim import segment

from .models import Assignment, Proposal, SuggestionModel

logger = logging.getLogger(__name__)

HISTORY_LIMIT = 2000
# Letters of a proposal's text (after its title) that are read: its matter shows early.
BODY_CHARS = 200
TITLE_REPEAT = 2
REMIT_WEIGHT = 1.0
TEMPERATURE = 0.035
# Below this score nothing on record or in any remit speaks for a unit.
MIN_SCORE = 0.02


@dataclass(frozen=True)
class Suggestion:
    department: Department
    confidence: int  # per cent, 0..100
    score: float = 0.0

    @property
    def level(self) -> str:
        if self.confidence >= 70:
            return str(_("把握较大"))
        if self.confidence >= 40:
            return str(_("有一定把握"))
        return str(_("仅供参考"))

    @property
    def percent(self) -> str:
        # A runner-up far behind rounds to 0; "0%" would read as "never", which it is not.
        return f"{self.confidence}%" if self.confidence >= 1 else "<1%"


# --- Text -------------------------------------------------------------------------------


def proposal_text(title: str, facts: str = "", suggestions: str = "") -> str:
    """What the model reads of a proposal: the title (counted twice) and the start of the
    problem and the suggestions."""
    body = f"{facts or ''}\n{suggestions or ''}"[:BODY_CHARS]
    return "\n".join([title or ""] * TITLE_REPEAT + [body])


def terms(text: str) -> Counter:
    """Word counts of `text`: jieba words (single characters dropped: they say little about a
    matter, and a remit is full of them), and the two-letter parts of longer words, so that
    "物业服务" meets "物业管理" and "网约车" meets "网约车平台" however jieba cuts them."""
    counts: Counter = Counter()
    for w in segment(text):
        if len(w) < 2 or w.isdigit():
            continue
        counts[w] += 1
        if len(w) > 2:
            counts.update(w[i : i + 2] for i in range(len(w) - 1))
    return counts


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {t: v / norm for t, v in vector.items()} if norm else {}


# --- Model ------------------------------------------------------------------------------


@dataclass
class Model:
    """Term weights of one organisation's units: `history[d][t]`, `remit[d][t]` (unit
    vectors) and the inverse document frequencies they were weighed with."""

    departments: dict[int, Department]
    history: dict[int, dict[str, float]]
    remit: dict[int, dict[str, float]]
    idf: dict[str, float]
    default_idf: float
    fingerprint: str = ""
    built_at: float = field(default_factory=time.monotonic)
    documents: int = 0

    def query_vector(self, text: str) -> dict[str, float]:
        counts = terms(text)
        return _unit(
            {t: (1 + math.log(c)) * self.idf.get(t, self.default_idf) for t, c in counts.items()}
        )

    def scores(self, text: str) -> list[tuple[int, float]]:
        """(department pk, score) for every unit, best first."""
        q = self.query_vector(text)
        result = []
        for pk in self.departments:
            hist, remit = self.history.get(pk, {}), self.remit.get(pk, {})
            score = sum(w * hist.get(t, 0.0) for t, w in q.items())
            score += REMIT_WEIGHT * sum(w * remit.get(t, 0.0) for t, w in q.items())
            result.append((pk, score))
        result.sort(key=lambda pair: (-pair[1], pair[0]))
        return result

    def suggest_text(self, text: str, limit: int = 3) -> list[Suggestion]:
        ranked = self.scores(text)
        if not ranked or ranked[0][1] < MIN_SCORE:
            return []
        top = ranked[0][1]
        weights = [math.exp((s - top) / TEMPERATURE) for _pk, s in ranked]
        total = sum(weights)
        return [
            Suggestion(self.departments[pk], round(100 * w / total), round(s, 4))
            for (pk, s), w in zip(ranked[:limit], weights, strict=False)
            if s >= MIN_SCORE
        ]


def build(
    departments: Iterable[Department],
    history: Iterable[tuple[int, str, float]],
) -> Model:
    """A model from the units and past assignments `(department pk, proposal text, weight)`.
    Pure: bench/suggest.py trains it on part of the demo's assignments."""
    departments = {d.pk: d for d in departments}
    doc_terms: list[tuple[int, float, set[str]]] = []
    df: Counter = Counter()
    seen: dict[str, set[str]] = {}  # a proposal split between units is segmented once
    for pk, text, weight in history:
        if pk not in departments:
            continue
        words = seen.get(text)
        if words is None:
            words = seen[text] = set(terms(text))
        if words:
            doc_terms.append((pk, weight, words))
            df.update(words)
    remit_terms = {
        pk: terms(f"{d.name}\n{d.remit}") + terms(d.name) for pk, d in departments.items()
    }
    # Remits count as documents too, so their words have a frequency even when no proposal
    # on record used them.
    for counts in remit_terms.values():
        df.update(counts.keys())
    n = len(doc_terms) + len(remit_terms)
    idf = {t: math.log((n + 1) / (c + 1)) + 1.0 for t, c in df.items()}
    default_idf = math.log(n + 1) + 1.0

    share: dict[int, Counter] = defaultdict(Counter)
    mass: Counter = Counter()
    for pk, weight, words in doc_terms:
        mass[pk] += weight
        for t in words:
            share[pk][t] += weight
    hist_vectors = {
        pk: _unit({t: (c / mass[pk]) * idf[t] for t, c in counts.items()})
        for pk, counts in share.items()
    }
    remit_vectors = {
        pk: _unit({t: (1 + math.log(c)) * idf[t] for t, c in counts.items()})
        for pk, counts in remit_terms.items()
    }
    return Model(departments, hist_vectors, remit_vectors, idf, default_idf, documents=n)


def history_rows(organisation_id: int, *, limit: int = HISTORY_LIMIT):
    """(department pk, proposal text, weight) of the organisation's latest assignments."""
    S = Assignment.Status
    rows = (
        Assignment.objects.filter(
            department__organisation_id=organisation_id,
            department__is_active=True,
            status__in=[S.HANDLING, S.ANSWERED],
            # Co-handling is not leading: counted in, a unit that co-handles one matter
            # would outrank the unit that leads on it (its few proposals are all of it).
            role__in=[Assignment.Role.LEAD, Assignment.Role.SPLIT],
        )
        .order_by("-id")
        .values_list(
            "department_id", "proposal__title", "proposal__facts", "proposal__suggestions"
        )[:limit]
    )
    for pk, title, facts, suggestions in rows:
        yield pk, proposal_text(title, facts, suggestions), 1.0


# --- Stored models ---------------------------------------------------------------------
#
# A model is built from the history only in the task worker (`rebuild`, run by the
# `rebuild_suggestion_models` task and the `proposals.refresh_suggestion_models` periodic job)
# and stored in SuggestionModel, compressed JSON; every process loads it from there (a few
# milliseconds) and keeps it for CHECK_SECONDS before asking whether a newer one was stored.
# A request that finds no stored model for the organisation's current units (never built, or
# a unit added, renamed or given another remit since) uses the remit-only model, which is
# built from the units' names and remits alone and costs little, and enqueues a rebuild.

CHECK_SECONDS = 60
# A request asks for a rebuild of an organisation at most this often (per process).
REQUEST_AGAIN_SECONDS = 300


@dataclass
class _Cached:
    model: Model
    checked_at: float
    built_at: object = None  # the stored row's built_at; None for a remit-only model


_models: dict[int, _Cached] = {}
_requested: dict[int, float] = {}
_lock = threading.Lock()


def _fingerprint(departments: list[Department]) -> str:
    digest = hashlib.blake2b(digest_size=12)
    for d in departments:
        digest.update(f"{d.pk}\x1f{d.name}\x1f{d.remit}\x1e".encode())
    return digest.hexdigest()


def _active_departments(organisation_ids: Iterable[int]) -> dict[int, list[Department]]:
    by_org: dict[int, list[Department]] = defaultdict(list)
    for d in Department.objects.filter(
        organisation_id__in=set(organisation_ids), is_active=True
    ).order_by("organisation_id", "sort_order", "name"):
        by_org[d.organisation_id].append(d)
    return by_org


def dumps(model: Model) -> bytes:
    """The model's term weights as zlib-compressed JSON (the units are stored as pks)."""
    payload = {
        "version": 1,
        "departments": list(model.departments),
        "history": {str(pk): v for pk, v in model.history.items()},
        "remit": {str(pk): v for pk, v in model.remit.items()},
        "idf": model.idf,
        "default_idf": model.default_idf,
        "documents": model.documents,
    }
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode(), 6)


def loads(data: bytes, departments: list[Department], fingerprint: str) -> Model:
    """A stored model, its units the `departments` whose fingerprint it was built with."""
    payload = json.loads(zlib.decompress(bytes(data)))
    by_pk = {d.pk: d for d in departments}
    return Model(
        {pk: by_pk[pk] for pk in payload["departments"] if pk in by_pk},
        {int(pk): v for pk, v in payload["history"].items()},
        {int(pk): v for pk, v in payload["remit"].items()},
        payload["idf"],
        payload["default_idf"],
        fingerprint=fingerprint,
        documents=payload["documents"],
    )


def _last_assignment(organisation_id: int) -> int:
    from django.db.models import Max

    return (
        Assignment.objects.filter(department__organisation_id=organisation_id).aggregate(
            last=Max("id")
        )["last"]
        or 0
    )


def rebuild(organisation_id: int) -> SuggestionModel | None:
    """Build the organisation's model from its history and store it (the task worker's work:
    never called in a request). Returns the stored row, None for an organisation without
    active units (whose stored model, if any, is dropped)."""
    departments = _active_departments([organisation_id]).get(organisation_id, [])
    if not departments:
        SuggestionModel.objects.filter(organisation_id=organisation_id).delete()
        return None
    last = _last_assignment(organisation_id)
    model = build(departments, history_rows(organisation_id))
    row, _created = SuggestionModel.objects.update_or_create(
        organisation_id=organisation_id,
        defaults={
            "fingerprint": _fingerprint(departments),
            "last_assignment": last,
            "built_at": timezone.now(),
            "data": dumps(model),
        },
    )
    return row


def stale_organisations() -> list[int]:
    """Organisations with active units whose stored model is missing, was built for other
    units (names, remits) or predates their newest assignment: what the periodic job
    rebuilds."""
    from django.db.models import Max

    stored = {
        row["organisation_id"]: row
        for row in SuggestionModel.objects.values(
            "organisation_id", "fingerprint", "last_assignment"
        )
    }
    last = dict(
        Assignment.objects.values_list("department__organisation_id")
        .annotate(last=Max("id"))
        .values_list("department__organisation_id", "last")
    )
    by_org: dict[int, list[Department]] = defaultdict(list)
    for d in Department.objects.filter(is_active=True).order_by(
        "organisation_id", "sort_order", "name"
    ):
        by_org[d.organisation_id].append(d)
    result = []
    for org, departments in by_org.items():
        row = stored.get(org)
        if (
            row is None
            or row["fingerprint"] != _fingerprint(departments)
            or row["last_assignment"] < last.get(org, 0)
        ):
            result.append(org)
    return sorted(result)


def _not_asked_lately(organisation_ids: list[int]) -> list[int]:
    """Those of these organisations whose rebuild this process has not asked for in the last
    REQUEST_AGAIN_SECONDS (marked as asked now)."""
    now = time.monotonic()
    with _lock:
        due = [
            o for o in organisation_ids if now - _requested.get(o, -1e9) >= REQUEST_AGAIN_SECONDS
        ]
        for o in due:
            _requested[o] = now
    return due


def _request_rebuild(due: list[int]) -> bool:
    """Enqueue a rebuild of these organisations. True when the task has already run (the
    immediate backend of the tests and the demo)."""
    from .tasks import rebuild_suggestion_models

    try:
        result = rebuild_suggestion_models.enqueue(due)
    except Exception:  # a queue that cannot take it must not break the page
        logger.exception("department suggestion: could not enqueue a rebuild of %s", due)
        return False
    return bool(getattr(result, "is_finished", False))


def _remit_only(departments: list[Department], fingerprint: str) -> Model:
    model = build(departments, []) if departments else Model({}, {}, {}, {}, 1.0)
    model.fingerprint = fingerprint
    return model


def models_for(by_org: dict[int, list[Department]], organisation_ids: Iterable[int]):
    """{organisation pk: Model} for these organisations, from this process's cache or the
    stored models (one query for those due a check, one more for those whose stored model
    is new to this process); never built from the history here."""
    now = time.monotonic()
    result: dict[int, Model] = {}
    fingerprints = {}
    check = []
    for org in set(organisation_ids):
        departments = by_org.get(org, [])
        fingerprints[org] = fp = _fingerprint(departments)
        cached = _models.get(org)
        if (
            cached is not None
            and cached.model.fingerprint == fp
            and cached.built_at is not None
            and now - cached.checked_at < CHECK_SECONDS
        ):
            result[org] = cached.model
        elif not departments:
            result[org] = _remit_only([], fp)
        else:
            check.append(org)
    if not check:
        return result
    for attempt in range(2):
        stamps = dict(
            SuggestionModel.objects.filter(
                organisation_id__in=check, fingerprint__in=[fingerprints[o] for o in check]
            ).values_list("organisation_id", "built_at")
        )
        load = []
        for org in check:
            cached = _models.get(org)
            if org not in stamps:
                continue
            if (
                cached is not None
                and cached.built_at == stamps[org]
                and cached.model.fingerprint == fingerprints[org]
            ):
                cached.checked_at = now
                result[org] = cached.model
            else:
                load.append(org)
        if load:
            for org, fp, built_at, data in SuggestionModel.objects.filter(
                organisation_id__in=load
            ).values_list("organisation_id", "fingerprint", "built_at", "data"):
                if fp != fingerprints[org]:
                    continue
                model = loads(data, by_org[org], fp)
                with _lock:
                    _models[org] = _Cached(model, now, built_at)
                result[org] = model
        missing = [o for o in check if o not in result]
        due = _not_asked_lately(missing) if missing and not attempt else []
        if not due or not _request_rebuild(due):
            break
        check = missing
    for org in check:
        if org not in result:
            cached = _models.get(org)
            if cached is not None and cached.model.fingerprint == fingerprints[org]:
                result[org] = cached.model  # a remit-only model built a moment ago
                continue
            model = _remit_only(by_org.get(org, []), fingerprints[org])
            with _lock:
                _models[org] = _Cached(model, now, None)
            result[org] = model
    return result


def model_for(organisation_id: int, departments: list[Department] | None = None) -> Model:
    """The organisation's model (see models_for)."""
    if departments is None:
        departments = _active_departments([organisation_id]).get(organisation_id, [])
    return models_for({organisation_id: departments}, [organisation_id])[organisation_id]


def forget(organisation_id: int | None = None) -> None:
    """Drop the model(s) kept in this process and stored: the next suggestion asks for a
    rebuild."""
    with _lock:
        if organisation_id is None:
            _models.clear()
            _requested.clear()
        else:
            _models.pop(organisation_id, None)
            _requested.pop(organisation_id, None)
    rows = SuggestionModel.objects.all()
    if organisation_id is not None:
        rows = rows.filter(organisation_id=organisation_id)
    rows.delete()


# --- Suggestions ------------------------------------------------------------------------


def suggest_many(proposals: Iterable[Proposal], limit: int = 3) -> dict[int, list[Suggestion]]:
    """Suggestions for each proposal, from its own organisation's active units only. One
    query for the units of all the proposals' organisations (plus one per organisation
    whose model is rebuilt)."""
    proposals = list(proposals)
    if not proposals:
        return {}
    by_org = _active_departments(p.organisation_id for p in proposals)
    models = models_for(by_org, (p.organisation_id for p in proposals))
    result = {}
    for p in proposals:
        model = models[p.organisation_id]
        result[p.pk] = model.suggest_text(proposal_text(p.title, p.facts, p.suggestions), limit)
    return result


def suggest(proposal: Proposal, limit: int = 3) -> list[Suggestion]:
    return suggest_many([proposal], limit).get(proposal.pk, [])
