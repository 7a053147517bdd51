"""Text search over querysets, the same on SQLite and PostgreSQL.

`search(queryset, fields, query)` narrows `queryset` to the rows matching every word of
`query`. When the queryset's model is in the text index (`xieshang.textsim.index`), the
index answers: a tsvector with a GIN index on PostgreSQL, FTS5 on SQLite; `fields` then only
matter for the fallback, and the item's indexed fields (its `search_index.py`) are searched.
Otherwise, or when the query has nothing the index can look up (a lone character, stop words
only), every word must occur (case-insensitive substring) in at least one of `fields`.

Either way the result is the given queryset filtered: a search never widens what a user may
see. `ranked=True` also orders the rows by relevance, best first (`search_rank`).
"""

from collections.abc import Sequence

from django.db import connection
from django.db.models import (
    BooleanField,
    Expression,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)

from . import index
from .text import normalise, segment

MAX_TERMS = 8
# Column weights of the ranking on SQLite (title and names, body), as tsvector's A and D.
FTS_WEIGHTS = (10.0, 1.0)


def terms(query: str) -> list[str]:
    """The distinct search words of `query`, longest first, at most MAX_TERMS."""
    words = segment(query)
    if not words:
        # A query of stop words only ("关于建议") still searches for what was typed.
        words = segment(query, keep_stop_words=True)
    unique = list(dict.fromkeys(words))
    # Drop a word that is part of a longer one already searched for.
    kept = [w for w in unique if not any(w != other and w in other for other in unique)]
    return kept[:MAX_TERMS]


def _is_cjk(word: str) -> bool:
    return bool(index._CJK.search(word))


def index_terms(query: str) -> list[str] | None:
    """The words the index looks up for `query`, or None when it cannot answer it.

    A single Chinese character that segmentation left alone ("欧阳明" + "华") is joined to
    its neighbour ("欧阳明华", found through its bigrams); one with no Chinese neighbour is
    dropped. Stop words are never indexed, so a query of stop words only goes to the
    fallback, as does a query of one character."""
    result: list[str] = []
    for run in normalise(query or "").split(" "):
        words = [w for w in segment(run)] if run else []
        merged: list[str] = []
        for word in words:
            if len(word) == 1 and _is_cjk(word):
                if merged and _is_cjk(merged[-1]):
                    merged[-1] += word
                    continue
                merged.append(word)  # joined to the next word below, if it is Chinese
                continue
            if merged and len(merged[-1]) == 1 and _is_cjk(merged[-1]) and _is_cjk(word):
                merged[-1] += word
            else:
                merged.append(word)
        result.extend(w for w in merged if len(w) > 1 or not _is_cjk(w))
    unique = list(dict.fromkeys(result))
    kept = [w for w in unique if not any(w != other and w in other for other in unique)]
    return kept[:MAX_TERMS] or None


def _alternatives(word: str) -> list[list[tuple[str, bool]]]:
    """Ways `word` may be stored: itself, or (a long Chinese word) all its bigrams.
    Each lexeme is (text, prefix): Latin letters and digits also match as a prefix."""
    if not _is_cjk(word):
        return [[(word, True)]]
    if len(word) <= 2:
        return [[(word, False)]]
    return [[(word, False)], [(word[i : i + 2], False) for i in range(len(word) - 1)]]


def pg_query(words: list[str]) -> str:
    """A to_tsquery('simple', ...) text: every word, each as itself or its bigrams."""

    def lexeme(text, prefix):
        return f"'{text}'" + (":*" if prefix else "")

    clauses = []
    for word in words:
        options = [" & ".join(lexeme(*lx) for lx in alt) for alt in _alternatives(word)]
        clauses.append("(" + " | ".join(f"({o})" for o in options) + ")")
    return " & ".join(clauses)


def fts_query(words: list[str]) -> str:
    """The FTS5 MATCH expression for the same words."""

    def lexeme(text, prefix):
        return f'"{text}"' + ("*" if prefix else "")

    clauses = []
    for word in words:
        options = [" AND ".join(lexeme(*lx) for lx in alt) for alt in _alternatives(word)]
        clauses.append("(" + " OR ".join(f"({o})" for o in options) + ")")
    return " AND ".join(clauses)


class Matches(Expression):
    """True for the `SearchEntry` rows matching the query text (`pg_query`/`fts_query`)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, query: str, *, column: str):
        super().__init__()
        self.query = query
        self.column = F(column)

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.column)
        return f"{sql} @@ to_tsquery('simple', %s)", (*params, self.query)

    def as_sqlite(self, compiler, connection):
        sql, params = compiler.compile(self.column)
        return (
            f"{sql} IN (SELECT rowid FROM textsim_fts WHERE textsim_fts MATCH %s)",
            (*params, self.query),
        )


class Rank(Expression):
    """The relevance of a matching `SearchEntry` row, higher is better."""

    output_field = FloatField()

    def __init__(self, query: str, *, column: str):
        super().__init__()
        self.query = query
        self.column = F(column)

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.column)
        # Normalisation 1: divided by 1 + log(length), so a long body does not win by size.
        return f"ts_rank({sql}, to_tsquery('simple', %s), 1)", (*params, self.query)

    def as_sqlite(self, compiler, connection):
        sql, params = compiler.compile(self.column)
        weights = ", ".join(str(w) for w in FTS_WEIGHTS)
        return (
            f"(SELECT -bm25(textsim_fts, {weights}) FROM textsim_fts "
            f"WHERE textsim_fts MATCH %s AND rowid = {sql})",
            (self.query, *params),
        )


def _vendor_ok() -> bool:
    return connection.vendor in ("postgresql", "sqlite")


def matching_entries(model, query: str):
    """The `SearchEntry` rows of `model` matching `query`, with a `rank`; None when the
    model is not indexed or the index cannot answer the query."""
    from .models import SearchEntry

    spec = index.spec_for(model)
    words = index_terms(query) if spec is not None and _vendor_ok() else None
    if not words:
        return None
    if connection.vendor == "postgresql":
        text, column = pg_query(words), "vector"
    else:
        text, column = fts_query(words), "id"
    ct = index._content_type(spec.model)
    return (
        SearchEntry.objects.filter(content_type=ct)
        .filter(Matches(text, column=column))
        .annotate(rank=Rank(text, column=column))
    )


def search(
    queryset: QuerySet, fields: Sequence[str], query: str, *, ranked: bool = False
) -> QuerySet:
    """`queryset` narrowed to rows matching every word of `query` (see the module
    docstring); ranked: ordered best first, with `search_rank` on each row. An empty query
    returns the queryset unchanged."""
    if not terms(query or ""):
        return queryset
    entries = matching_entries(queryset.model, query)
    if entries is None:
        result = _substring_search(queryset, fields, query)
        if ranked:
            result = result.annotate(search_rank=Value(0.0, output_field=FloatField()))
        return result
    result = queryset.filter(pk__in=entries.values("object_id"))
    if ranked:
        rank = entries.filter(object_id=OuterRef("pk")).values("rank")[:1]
        result = result.annotate(search_rank=Subquery(rank, output_field=FloatField()))
        result = result.order_by("-search_rank", "-pk")
    return result


def _substring_search(queryset: QuerySet, fields: Sequence[str], query: str) -> QuerySet:
    words = terms(query or "")
    condition = Q()
    for word in words:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    result = queryset.filter(condition)
    if any("__" in field for field in fields):
        result = result.distinct()
    return result
