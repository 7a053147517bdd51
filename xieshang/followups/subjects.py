"""Which items have a page a given user may open, declared by the apps that own them (this
lower app never imports them). The task page links its subject only when the owner says
this user may open it: an overseeing office reads the task, not always the proposal behind
it; the duty file (duty.sources) links a record's source the same way.

    subjects.register(Proposal, can_view=policies.can_view)   # (user, obj) -> bool

A list asking about many items at once (the duty file) would ask the owner's rule once per
item, and a rule that reads the database (is this member a co-signer?) would cost a query
each. The owner may add the same rule for many items, answering in a fixed number of
queries; without one, each item is asked alone:

    subjects.register(Proposal, can_view=..., can_view_many=policies.viewable_ids)
    # (user, objs) -> the pks of those the user may open

An item whose model has no `get_absolute_url` gives its page by `url` (item -> path).
`related` names what the rule reads through foreign keys (`select_related` paths from the
item), so that a list fetches it with the items.

What the unit's written feedback becomes may differ by item (a resident's issue: the answer
goes to the resident and to the public portal at once, nobody reviews it first): the owner
says so by `feedback_note`, which the task page shows beside its form and in its confirm.

A record may be about a part of an item's page rather than the item (a meeting's
invitation, a sitting's attendance mark, a consultation speech): its owner names the item
whose page shows it, by a path of foreign keys (fetched with the part) or a callable:

    subjects.register_part(Attendance, page="invitation__meeting")
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class _Reader:
    can_view: Callable
    can_view_many: Callable | None
    related: tuple[str, ...]
    url: Callable | None


_readers: dict[type, _Reader] = {}
_pages: dict[type, str | Callable] = {}
_fetch: dict[type, tuple[str, ...]] = {}
_feedback_notes: dict[type, object] = {}


def register(
    model: type,
    *,
    can_view: Callable,
    can_view_many: Callable | None = None,
    related: Iterable[str] = (),
    url: Callable | None = None,
    feedback_note=None,
) -> None:
    _readers[model] = _Reader(can_view, can_view_many, tuple(related), url)
    if feedback_note is not None:
        _feedback_notes[model] = feedback_note


def feedback_note(obj) -> str:
    """What a written feedback on a task about `obj` becomes, as its owner said ("": the
    follow-up engine's own course, reviewed and closed by whoever assigned it)."""
    note = _feedback_notes.get(type(obj)) if obj is not None else None
    return str(note) if note is not None else ""


def register_part(model: type, *, page: str | Callable, fetch: Iterable[str] = ()) -> None:
    """`model`'s rows are shown on the page of the item at `page`: a path of foreign keys
    ("invitation__meeting") or a callable (part) -> item or None. `fetch` names what the
    callable reads that a path cannot (a generic foreign key): lists prefetch it with the
    parts, so a callable costs no query per row."""
    _pages[model] = page
    _fetch[model] = tuple(fetch)


def page_fetch(model: type) -> tuple[str, ...]:
    """What to prefetch with `model`'s rows for `page_of` (declared by `register_part`)."""
    return _fetch.get(model, ())


def page_path(model: type) -> str | None:
    """The foreign-key path from a part to its page's item, when declared as one."""
    page = _pages.get(model)
    return page if isinstance(page, str) else None


def related(model: type) -> tuple[str, ...]:
    """What the owner's rule for `model` reads through foreign keys ("organisation" when
    it declared nothing and the model has one)."""
    reader = _readers.get(model)
    if reader is not None and reader.related:
        return reader.related
    return ("organisation",) if any(f.name == "organisation" for f in model._meta.fields) else ()


def page_of(obj):
    """The item whose page shows `obj`: itself, or what its owner named (None: none)."""
    page = _pages.get(type(obj))
    if page is None:
        return obj
    if callable(page):
        return page(obj)
    for step in page.split("__"):
        obj = getattr(obj, step, None)
        if obj is None:
            return None
    return obj


def _has_page(obj) -> bool:
    reader = _readers.get(type(obj))
    return reader is not None and (reader.url is not None or hasattr(obj, "get_absolute_url"))


def url_of(obj) -> str:
    """The page of an item: as its owner registered it, else the model's own."""
    reader = _readers.get(type(obj))
    return reader.url(obj) if reader and reader.url else obj.get_absolute_url()


def openable(user, obj) -> bool:
    return _has_page(obj) and bool(_readers[type(obj)].can_view(user, obj))


def openable_many(user, objs) -> set[tuple[type, int]]:
    """(model, pk) of those of `objs` that `user` may open: each owner asked once for its
    items when it gave `can_view_many`, else item by item."""
    by_model: dict[type, dict[int, object]] = {}
    for obj in objs:
        if _has_page(obj):
            by_model.setdefault(type(obj), {})[obj.pk] = obj
    allowed: set[tuple[type, int]] = set()
    for model, items in by_model.items():
        reader = _readers[model]
        if reader.can_view_many is not None:
            pks = set(reader.can_view_many(user, list(items.values())))
        else:
            pks = {pk for pk, obj in items.items() if reader.can_view(user, obj)}
        allowed |= {(model, pk) for pk in pks if pk in items}
    return allowed
