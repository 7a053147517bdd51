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

import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils.translation import gettext as _

from . import index
from .text import normalise, segment

MAX_TERMS = 8
# A ranked search on PostgreSQL ranks at most this many newest matches and this many newest
# title matches (see `search`); `count()` counts up to COUNT_CAP rows.
RANK_WINDOW = 200
COUNT_CAP = 1000
# The windows are looked for first among this many newest entries of the model (see
# `_rank_windows`): at 300,000 proposals a word in 1 % of them fills a window there.
RECENT = 20000
# An unranked search whose matches the planner expects to be at most this many filters by
# their ids (`_few_ids`).
FEW = 2000
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


class _IndexExpression(Expression):
    """An expression over one column of `SearchEntry` and the query text (`pg_query` or
    `fts_query`): `Matches` and `Rank` differ only in the SQL they wrap around it."""

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
        return self.postgresql_sql(sql), (*params, self.query)

    def as_sqlite(self, compiler, connection):
        sql, params = compiler.compile(self.column)
        return self.sqlite_sql(sql), (*params, self.query)

    def postgresql_sql(self, column: str) -> str:
        """SQL with the column compiled and a %s placeholder for the query text after it."""
        raise NotImplementedError

    def sqlite_sql(self, column: str) -> str:
        raise NotImplementedError


class Matches(_IndexExpression):
    """True for the `SearchEntry` rows matching the query text."""

    output_field = BooleanField()
    conditional = True

    def postgresql_sql(self, column):
        return f"{column} @@ to_tsquery('simple', %s)"

    def sqlite_sql(self, column):
        return f"{column} IN (SELECT rowid FROM textsim_fts WHERE textsim_fts MATCH %s)"


class TitleMatches(Matches):
    """PostgreSQL: True for the entries whose title words match (served by the expression
    GIN index `textsim_searchentry_title_gin` of migration 0003)."""

    def postgresql_sql(self, column):
        return f"to_tsvector('simple', {column}) @@ to_tsquery('simple', %s)"


class Rank(_IndexExpression):
    """The relevance of a matching `SearchEntry` row, higher is better."""

    output_field = FloatField()

    def postgresql_sql(self, column):
        # Normalisation 1: divided by 1 + log(length), so a long body does not win by size.
        return f"ts_rank({column}, to_tsquery('simple', %s), 1)"

    def sqlite_sql(self, column):
        weights = ", ".join(str(w) for w in FTS_WEIGHTS)
        return (
            f"(SELECT -bm25(textsim_fts, {weights}) FROM textsim_fts "
            f"WHERE rowid = {column} AND textsim_fts MATCH %s)"
        )


def _vendor_ok() -> bool:
    return connection.vendor in ("postgresql", "sqlite")


def _lookup(model, query: str):
    """(content type, query text, column) for the index, or None when it cannot answer."""
    spec = index.spec_for(model)
    words = index_terms(query) if spec is not None and _vendor_ok() else None
    if not words:
        return None
    if connection.vendor == "postgresql":
        text, column = pg_query(words), "vector"
    else:
        text, column = fts_query(words), "id"
    return index._content_type(spec.model), text, column


def _entries(model, ct, organisations, years=None):
    """`model`'s entries, only those of `organisations` and `years` when given (see
    `search`)."""
    from .models import SearchEntry

    entries = SearchEntry.objects.filter(content_type=ct)
    spec = index.spec_for(model)
    if organisations is not None:
        if spec is None or not spec.organisation:
            raise ValueError(f"{model._meta.label} registers no organisation in the text index")
        entries = entries.filter(organisation_id__in=organisations)
    if years is not None:
        if spec is None or not spec.year:
            raise ValueError(f"{model._meta.label} registers no year in the text index")
        entries = entries.filter(year__in=sorted(set(years)))
    return entries


def _organisation_ids(organisations) -> list[int] | None:
    """The ids as a list: PostgreSQL combines `organisation_id = ANY(...)` with the GIN
    index's matches in one bitmap, which it cannot do with a sub-select."""
    if organisations is None:
        return None
    if isinstance(organisations, QuerySet):
        organisations = organisations.values_list("pk", flat=True).order_by()
    return sorted(set(organisations))


def matching_entries(model, query: str, *, organisations=None, years=None):
    """The `SearchEntry` rows of `model` matching `query`, with a `rank`; None when the
    model is not indexed or the index cannot answer the query. `organisations`, `years`:
    only the entries of these organisations (ids) and years."""
    lookup = _lookup(model, query)
    if lookup is None:
        return None
    ct, text, column = lookup
    return (
        _entries(model, ct, organisations, years)
        .filter(Matches(text, column=column))
        .annotate(rank=Rank(text, column=column))
    )


def _title_entries(model, ct, text: str, organisations, years=None):
    """PostgreSQL: the entries whose title, number or names match (the title GIN index)."""
    return _entries(model, ct, organisations, years).filter(TitleMatches(text, column="title"))


def _few_ids(entries: QuerySet, *, estimate: bool = True) -> tuple[list[int] | None, bool]:
    """PostgreSQL: `(ids, misjudged)`. `ids`: the ids of the matching items when the
    planner expects at most `FEW` of them (its estimate from the GIN index's statistics, an
    EXPLAIN; without it when `estimate` is False) and there are no more than that, else
    None. `misjudged`: the planner expected at most `FEW` and there are more.

    Given as a list, the ids let PostgreSQL plan the rest of the query on what they are.
    Given as a sub-select, a list in date order over a wide scope walks the date index and
    tests each row, which for a rare word means every row: a province-wide search for
    "殡葬" took 1.6 s that way and takes milliseconds from its ids."""
    if connection.vendor != "postgresql":
        return None, False
    ids = entries.values_list("object_id", flat=True).order_by()
    if estimate:
        sql, params = ids.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            (plan,) = cursor.fetchone()
        if plan[0]["Plan"]["Plan Rows"] > FEW:
            return None, False
    # The estimate can be low (words ANDed are taken as independent): more than FEW goes
    # the sub-select way after all.
    found = list(ids[: FEW + 1])
    return (found, False) if len(found) <= FEW else (None, estimate)


class _Tested(Func):
    """`(condition) IS TRUE`, the same rows as the condition. PostgreSQL turns an IN
    sub-select at the top of a WHERE into a join, planned on its estimate of the matches;
    inside this it cannot, so it builds a hash of the matches once and tests each row it
    reads against it (a "hashed SubPlan")."""

    template = "(%(expressions)s) IS TRUE"
    output_field = BooleanField()
    conditional = True


class _EachRow(Exists):
    """EXISTS of a correlated sub-select, asked row by row: its OFFSET keeps PostgreSQL
    from turning it into a join or a hash of every row the sub-select holds (a province
    office's visible meetings: 35,950 rows hashed, 48 ms, to test 643)."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


def _newest(queryset: QuerySet, entries: QuerySet | list[int]) -> QuerySet:
    """The ids of `queryset`'s rows among `entries` (or these ids), newest first. Ordered by
    `pk + 0`, which no index serves: walking the primary key backwards and testing every
    row's tsvector reads all of them when a word is rare."""
    ids = entries.values("object_id") if isinstance(entries, QuerySet) else entries
    return (
        queryset.filter(pk__in=ids)
        .annotate(_newest=F("pk") + 0)
        .order_by("-_newest")
        .values_list("pk", flat=True)
    )


# content type id -> (monotonic time, floor): the floor moves only as items are added, and
# any floor gives the same windows (see `_rank_windows`), so a process keeps it a while.
_floors: dict[int, tuple[float, int | None]] = {}
FLOOR_SECONDS = 300


def _recent_floor(ct) -> int | None:
    """An object id below which lie all but the `RECENT` newest entries of content type
    `ct` (an index-only walk of `RECENT` keys, kept `FLOOR_SECONDS`), or None when there
    are not that many."""
    from .models import SearchEntry

    now = time.monotonic()
    cached = _floors.get(ct.pk)
    if cached is not None and now - cached[0] < FLOOR_SECONDS:
        return cached[1]
    floor = (
        SearchEntry.objects.filter(content_type=ct)
        .order_by("-object_id")
        .values_list("object_id", flat=True)[RECENT : RECENT + 1]
        .first()
    )
    _floors[ct.pk] = (now, floor)
    return floor


# How many of the newest matches `_recent_windows` asks `queryset` about at once: a
# window's worth and some, as a scope that sees nearly everything fills both windows there.
CHUNK = 250


def _recent_windows(queryset: QuerySet, entries: QuerySet, ct, text: str, floor: int):
    """PostgreSQL: `(recent, recent_titled)`, the `RANK_WINDOW` newest matches of
    `queryset` above `floor` and its `RANK_WINDOW` newest title matches there, each a list
    of ids, or None where this way does not tell (then `_rank_windows` joins as before);
    `recent` shorter than a window: no window fills above the floor.

    The matches above the floor are read off the indexes alone as ids (the GIN index ANDed
    with the entries' key range); then, newest first and `CHUNK` at a time, their entries
    are read by key with whether the title matches and whether `queryset` holds the row,
    asked row by row. Joined as a sub-select instead, PostgreSQL read every one of the
    `RECENT` newest rows of `queryset`'s table (a province office's "养老": 930 matches
    among 20,000 proposals, 30-75 ms a window). A word with more than `FEW` matches above
    the floor (`_few_ids`: the planner's estimate first) is left to the join, which finds
    its newest sooner than reading them all."""
    from .models import SearchEntry

    matched, _ = _few_ids(entries.filter(object_id__gt=floor))
    if matched is None:
        return None, None
    if len(matched) < RANK_WINDOW:
        # Not a window's worth above the floor, whatever the scope: no window fills there.
        return [], None
    matched.sort(reverse=True)
    recent: list[int] = []
    recent_titled: list[int] = []
    for start in range(0, len(matched), CHUNK):
        if len(recent) == len(recent_titled) == RANK_WINDOW:
            break
        chunk = matched[start : start + CHUNK]
        mine = dict(
            SearchEntry.objects.filter(content_type=ct, object_id__in=chunk)
            .filter(_EachRow(queryset.filter(pk=OuterRef("object_id"))))
            .annotate(in_title=TitleMatches(text, column="title"))
            .values_list("object_id", "in_title")
        )
        for pk in chunk:
            if pk not in mine:
                continue
            if len(recent) < RANK_WINDOW:
                recent.append(pk)
            if mine[pk] and len(recent_titled) < RANK_WINDOW:
                recent_titled.append(pk)
    # Both windows full, or every match above the floor asked about: exact either way.
    return recent, recent_titled


def _rank_windows(queryset: QuerySet, entries: QuerySet, titled: QuerySet, ct, text: str, few=None):
    """PostgreSQL: the ids a ranked search ranks, the `RANK_WINDOW` newest matches of
    `queryset` and its `RANK_WINDOW` newest title matches, as a list or a sub-select.
    `text`: the query text (`pg_query`). `few`: the ids of all the matches, when
    `_few_ids` found them (then no other way).

    A common word matches tens of thousands of rows, and finding the newest of them joins
    every match to `queryset`'s table. So each window is looked for first among the
    entries above `_recent_floor` only: when that part alone fills a window, it is the
    window (the newest matches are the newest, wherever the rest are). Otherwise (a rare
    word, or a scope that is a small part of the data) the whole match set is read. Title
    matches are matches: when fewer than a window of rows match at all, those are both
    windows."""

    def newest(qs, matches):
        return list(_newest(qs, matches)[:RANK_WINDOW])

    def with_titled(window: list[int]):
        listed = queryset.filter(pk__in=window).values_list("pk", flat=True).order_by()
        return listed.union(_newest(queryset, titled)[:RANK_WINDOW])

    if few is not None:
        # A literal list: PostgreSQL looks the rows up by primary key. Given the entries as a
        # sub-select it may read the whole table to apply `queryset`'s filter first (a city
        # office's scope: 110 ms for 900 matches).
        matched = list(_newest(queryset, few))
    else:
        floor = _recent_floor(ct)
        if floor is None:
            # Not that many items: both windows in one sub-select of the ranking query.
            return _newest(queryset, entries)[:RANK_WINDOW].union(
                _newest(queryset, titled)[:RANK_WINDOW]
            )
        recent, recent_titled = _recent_windows(queryset, entries, ct, text, floor)
        if recent is None:
            recent = newest(queryset.filter(pk__gt=floor), entries.filter(object_id__gt=floor))
        if len(recent) == RANK_WINDOW:
            if recent_titled is None:
                recent_titled = newest(
                    queryset.filter(pk__gt=floor), titled.filter(object_id__gt=floor)
                )
            if len(recent_titled) == RANK_WINDOW:
                return sorted({*recent, *recent_titled})
            return with_titled(recent)
        # Every match of `queryset` is read to find its newest, so up to FEW of them are
        # kept: the title window is then looked for among those rows alone. In one
        # district's scope a common word matches a tenth of its rows, and the title of
        # every row of the scope was parsed again (教育: 20 ms of a 75 ms search at 300,000
        # proposals).
        matched = list(_newest(queryset, entries)[: FEW + 1])
    if len(matched) < RANK_WINDOW:
        return matched
    window = matched[:RANK_WINDOW]
    if len(matched) > FEW:
        return with_titled(window)
    titled_window = (
        titled.filter(object_id__in=matched)
        .order_by("-object_id")
        .values_list("object_id", flat=True)[:RANK_WINDOW]
    )
    return sorted({*window, *titled_window})


def search(
    queryset: QuerySet,
    fields: Sequence[str],
    query: str,
    *,
    ranked: bool = False,
    organisations=None,
    years=None,
    paged: bool = False,
) -> QuerySet:
    """`queryset` narrowed to rows matching every word of `query` (see the module
    docstring); ranked: ordered best first, with `search_rank` on each row. An empty query
    returns the queryset unchanged.

    `organisations` (ids, or a queryset of organisations), for a model that registers its
    organisation in the index: every row of `queryset` belongs to one of them. The index
    then reads only their entries: a word in a tenth of a province's 300,000 proposals
    matches 30,000 entries, of which a city's scope holds 2,000, and finding the newest of
    them read all 30,000 (100-300 ms). Give a superset, never less: a row whose
    organisation is not listed is not found.

    `years`, for a model that registers its year in the index: every row of `queryset`
    is of one of them (a list of one year, the proposal list's default). The index then
    reads only their entries: PostgreSQL ANDs the (content type, year) index with the GIN
    index, and counting "就业" in one year of a province visits 2,800 entries, not the
    30,000 of ten years (145 → 20–50 ms). The same rule: a superset, never less.

    `ranked` is for showing the best few (the header search takes the first 11): on
    PostgreSQL a match set larger than `RANK_WINDOW` is ranked within a window, the
    `RANK_WINDOW` newest matches and the `RANK_WINDOW` newest whose title matches, and
    the rows outside it are left out, so ranking costs the same however common the words
    are. Count and paginate the unranked search (`count()` caps the count).

    `paged`: the caller reads the first rows in an order an index serves (a page of a
    list), not all of them. When the planner took the matches for few and they are many
    (two words that go together, "老旧小区 电梯": 381 expected, 7,113 found), PostgreSQL
    then walks that order and tests each row against the matches, instead of joining all
    the matches first and sorting them (a province office's page: 89 → 38 ms). Counting
    such a queryset reads every row of it, so a count is better made without."""
    if not terms(query or ""):
        return queryset
    organisations = _organisation_ids(organisations)
    entries = matching_entries(queryset.model, query, organisations=organisations, years=years)
    if entries is None:
        result = _substring_search(queryset, fields, query)
        if ranked:
            result = result.annotate(search_rank=Value(0.0, output_field=FloatField()))
        return result
    if organisations is not None:
        # Entries of a scope's organisations: PostgreSQL over-estimates them (it takes the
        # words and the organisations as independent; a city's 900 matches of "养老" as
        # 4,800), and reading up to FEW of them off the two indexes costs a few ms.
        few, misjudged = _few_ids(entries, estimate=False)
    else:
        few, misjudged = (None, False) if ranked else _few_ids(entries)
    if not ranked and few is not None:
        return queryset.filter(pk__in=few)
    matched = Q(pk__in=entries.values("object_id"))
    if not ranked and paged and misjudged:
        return queryset.filter(_Tested(ExpressionWrapper(matched, output_field=BooleanField())))
    result = queryset.filter(matched)
    if ranked:
        from .models import SearchEntry

        ct, text, column = _lookup(queryset.model, query)
        if connection.vendor == "postgresql":
            titled = _title_entries(queryset.model, ct, text, organisations, years)
            windows = _rank_windows(queryset, entries, titled, ct, text, few)
            # One IN over the union: the ids come first, then the rows by primary key.
            result = queryset.filter(pk__in=windows)
        # The row is a match already: its entry is ranked, not matched again (on PostgreSQL
        # each would read the tsvector from TOAST).
        rank = (
            SearchEntry.objects.filter(content_type=ct, object_id=OuterRef("pk"))
            .annotate(rank=Rank(text, column=column))
            .values("rank")[:1]
        )
        result = result.annotate(search_rank=Subquery(rank, output_field=FloatField()))
        result = result.order_by("-search_rank", "-pk")
    return result


@dataclass(frozen=True)
class Total:
    """How many rows a search found: `n` exactly, or (`exact` False) more than `n`."""

    n: int
    exact: bool = True

    def __str__(self) -> str:
        if self.exact:
            return _("%(n)s 条") % {"n": f"{self.n:,}"}
        return _("超过 %(n)s 条") % {"n": f"{self.n:,}"}


def count(queryset: QuerySet, *, cap: int = COUNT_CAP) -> Total:
    """The number of rows of `queryset` (a search's result), counted up to `cap`: a common
    word matches tens of thousands of rows, and counting them all costs as much as reading
    them. Beyond the cap the total is "more than `cap`" (`Total.exact` False)."""
    n = queryset.order_by()[: cap + 1].count()
    return Total(cap, exact=False) if n > cap else Total(n)


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
