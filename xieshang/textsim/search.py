"""Text search over querysets, the same on SQLite and PostgreSQL.

First version: the query is segmented and every word must occur (case-insensitive
substring) in at least one of the given fields. Later: a tsvector over pre-segmented text
with a GIN index on PostgreSQL and FTS5 on SQLite, behind this same function.
"""

from collections.abc import Sequence

from django.db.models import Q, QuerySet

from .text import segment

MAX_TERMS = 8


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


def search(queryset: QuerySet, fields: Sequence[str], query: str) -> QuerySet:
    """`queryset` narrowed to rows matching every word of `query` in any of `fields`.
    An empty query returns the queryset unchanged."""
    words = terms(query or "")
    if not words:
        return queryset
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
