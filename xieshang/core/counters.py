"""Gapless numbering series shared by every module: proposal serials, bulletin issues, ….

`Max(number) + 1` read in one transaction and written in another lets two users who press
the button at the same moment compute the same number; on PostgreSQL the second one then
fails on the unique constraint and loses the request. A series here is one `Counter` row,
locked while its next value is taken and kept locked until the caller's transaction ends,
so numbers are given one after the other; a rolled-back transaction gives its number back
(no gaps). On SQLite `select_for_update` is a no-op, but the IMMEDIATE transaction mode
(settings) holds the database's write lock for the whole transaction, which serialises the
same way.
"""

from collections.abc import Callable

from django.db import IntegrityError, transaction

from .models import Counter


def next_value(key: str, *, start_after: int | Callable[[], int | None] = 0) -> int:
    """The next number of the series `key`; call it inside the transaction that stores it.

    `start_after` is the highest number already used in the series (or a callable returning
    it, `None` meaning none). It is read under the counter's lock every time, not only when
    the counter is created: rows numbered outside this function (data from before counters
    existed, demo renumbering, a restored backup) then move the counter on instead of
    colliding with it. The result is above both the counter and `start_after`."""
    with transaction.atomic():
        counter = _locked(key)
        floor = start_after() if callable(start_after) else start_after
        counter.value = max(counter.value, floor or 0) + 1
        counter.save(update_fields=["value"])
        return counter.value


def _locked(key: str) -> Counter:
    counter = Counter.objects.select_for_update().filter(key=key).first()
    if counter is not None:
        return counter
    # First use of the series: two transactions may both find no row. The INSERT of the
    # second waits for the first to commit and then fails on the unique key; the savepoint
    # keeps the caller's transaction usable and the row is read (and locked) again.
    try:
        with transaction.atomic():
            Counter.objects.create(key=key, value=0)
    except IntegrityError:
        pass
    return Counter.objects.select_for_update().get(key=key)
