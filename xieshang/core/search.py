"""The header search: one box that finds proposals, topics, members… each in the user's scope.

Core knows no domain. Each app registers a provider in its AppConfig.ready():

    search.register("proposals", gettext_lazy("提案"), order=10)(search_proposals)

A provider is `(user, query, limit) -> Found | None`: None when the user has no list of that
kind at all (the group is left out), otherwise at most `limit + 1` hits (one more than shown,
so the page knows whether to offer "more" without counting) read with one or two queries
through the same selectors and policies as the kind's own list, so the search never shows
what that list would not. Each hit carries its status *label*, never the stored code.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

QUERY_MIN = 2
QUERY_MAX = 50
PER_KIND = 10
# When nothing matches every word, this many of the query's words are tried alone.
SPLIT_MAX = 4


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    number: str = ""  # 提案号, 受理编号…
    status: str = ""  # the status label in the interface language
    detail: str = ""  # one line of context: organisation, date, masked phone


@dataclass
class Found:
    hits: list[Hit]
    more_url: str = ""  # the kind's own list, with the query kept where it filters


@dataclass
class Group:
    kind: str
    label: str
    hits: list[Hit] = field(default_factory=list)
    more_url: str = ""
    has_more: bool = False


@dataclass(frozen=True)
class Provider:
    kind: str
    label: str
    order: int
    find: Callable


_providers: dict[str, Provider] = {}
# How a query falls into words (textsim registers its segmenter); core only splits on spaces.
_splitter: Callable[[str], list[str]] = str.split


def register(kind: str, label, *, order: int = 50) -> Callable:
    """Decorator: `find(user, query, limit)` answers the search for one kind."""

    def decorator(find: Callable) -> Callable:
        _providers[kind] = Provider(kind, label, order, find)
        return find

    return decorator


def providers() -> list[Provider]:
    return sorted(_providers.values(), key=lambda p: (p.order, p.kind))


def search(user, query: str, *, limit: int = PER_KIND) -> list[Group]:
    """The groups the user may search, in order, each with up to `limit` hits."""
    groups = []
    for provider in providers():
        found = provider.find(user, query, limit)
        if found is None:
            continue
        groups.append(
            Group(
                kind=provider.kind,
                label=str(provider.label),
                hits=found.hits[:limit],
                more_url=found.more_url,
                has_more=len(found.hits) > limit,
            )
        )
    return groups


def set_splitter(splitter: Callable[[str], list[str]]) -> None:
    """The text index's app tells how it splits a query into the words it looks up."""
    global _splitter
    _splitter = splitter


def finds_anything(user, query: str) -> bool:
    """Whether any kind the user may search has at least one hit; stops at the first."""
    for provider in providers():
        found = provider.find(user, query, 0)
        if found is not None and found.hits:
            return True
    return False


def narrower(query: str, finds: Callable[[str], bool]) -> list[str]:
    """For a query that found nothing: those of its words for which `finds(word)` is true.

    A search asks for every word ("老年人助餐" is 老年人 AND 助餐); a user who gets nothing
    should not have to guess which word to drop. Only for an empty result: each word costs
    its search again. A list passes its own search (same scope and filters)."""
    words = [w for w in dict.fromkeys(_splitter(query)) if len(w) >= QUERY_MIN]
    if len(words) < 2:
        return []
    return [w for w in words[:SPLIT_MAX] if finds(w)]


def narrower_words(user, query: str) -> list[str]:
    """`narrower` for the header search: the words that find anything the user may see."""
    return narrower(query, lambda word: finds_anything(user, word))
