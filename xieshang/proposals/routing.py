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

Cost: the model of an organisation is built from one query and kept in this process for
REBUILD_SECONDS (or until the organisation's units, names or remits change: one small query
per page). Building segments at most HISTORY_LIMIT proposals (title and the start of the
text); scoring a proposal is a dictionary walk over its words.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from xieshang.orgs.models import Department
from xieshang.textsim import segment

from .models import Assignment, Proposal

HISTORY_LIMIT = 2000
REBUILD_SECONDS = 600
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


# --- Cache ------------------------------------------------------------------------------

_models: dict[int, Model] = {}
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


def model_for(organisation_id: int, departments: list[Department] | None = None) -> Model:
    """The organisation's model, rebuilt when older than REBUILD_SECONDS or when its
    active units, their names or remits have changed."""
    if departments is None:
        departments = _active_departments([organisation_id]).get(organisation_id, [])
    fingerprint = _fingerprint(departments)
    model = _models.get(organisation_id)
    if (
        model is not None
        and model.fingerprint == fingerprint
        and time.monotonic() - model.built_at < REBUILD_SECONDS
    ):
        return model
    model = build(departments, history_rows(organisation_id)) if departments else None
    if model is None:
        model = Model({}, {}, {}, {}, 1.0)
    model.fingerprint = fingerprint
    with _lock:
        _models[organisation_id] = model
    return model


def forget(organisation_id: int | None = None) -> None:
    """Drop the cached model(s): the next suggestion rebuilds from the database."""
    with _lock:
        if organisation_id is None:
            _models.clear()
        else:
            _models.pop(organisation_id, None)


# --- Suggestions ------------------------------------------------------------------------


def suggest_many(proposals: Iterable[Proposal], limit: int = 3) -> dict[int, list[Suggestion]]:
    """Suggestions for each proposal, from its own organisation's active units only. One
    query for the units of all the proposals' organisations (plus one per organisation
    whose model is rebuilt)."""
    proposals = list(proposals)
    if not proposals:
        return {}
    by_org = _active_departments(p.organisation_id for p in proposals)
    result = {}
    for p in proposals:
        model = model_for(p.organisation_id, by_org.get(p.organisation_id, []))
        result[p.pk] = model.suggest_text(proposal_text(p.title, p.facts, p.suggestions), limit)
    return result


def suggest(proposal: Proposal, limit: int = 3) -> list[Suggestion]:
    return suggest_many([proposal], limit).get(proposal.pk, [])
