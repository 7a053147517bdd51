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
