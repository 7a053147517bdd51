"""Exit steps that other apps hold open on a seat (C5.10).

A higher layer may open a step that must end before the seat can be ended directly: the
duty app's revocation proposal (C5.11) waits for the chairman's meeting, and while it
waits the office must not revoke (or otherwise end) the seat from the member's page — the
meeting's decision, recorded on the case, is what ends it. The members app cannot import
duty (a lower layer never imports a higher one), so the duty app registers a lookup here
when it starts, and the exit services and the member page ask through `pending_exits`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PendingExit:
    """An open exit step on a seat: what it is and where it is decided."""

    label: str
    url: str
    detail: str = ""  # the reason given, shown after the label


# lookup(seat_ids) -> {seat_id: PendingExit}: one query per lookup for any number of seats.
_lookups: list[Callable[[list[int]], dict[int, PendingExit]]] = []


def register_pending_exit(lookup: Callable[[list[int]], dict[int, PendingExit]]) -> None:
    if lookup not in _lookups:
        _lookups.append(lookup)


def pending_exits(seat_ids: Iterable[int]) -> dict[int, PendingExit]:
    ids = [i for i in seat_ids if i]
    found: dict[int, PendingExit] = {}
    if not ids:
        return found
    for lookup in _lookups:
        for seat_id, step in lookup(ids).items():
            found.setdefault(seat_id, step)
    return found
