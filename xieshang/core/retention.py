"""Deleting personal data once it is no longer needed (个人信息保护法: kept no longer than its
purpose needs, then deleted).

Each app decides when a row's value may go (its own keep date: N days after an issue closed,
after a topic was settled…); `delete_expired` does the rest the same way everywhere: empties
the field on every row past its keep date, stamps when, and writes one audit event per row.
It is idempotent and safe to run twice at once: a row is changed only while its field still
holds a value (a conditional UPDATE), so a deleted value is never "deleted" again and two runs
never audit the same row twice. Periodic jobs call it (`core.scheduler`).
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from xieshang.orgs import config

from .audit import record_event


@dataclass(frozen=True)
class Expiry:
    """When a row's value may be deleted, and the audit note saying why."""

    at: dt.datetime
    note: str


def delete_expired(
    rows: Iterable[models.Model],
    *,
    field: str,
    deleted_at_field: str,
    verb: str,
    expiry: Callable[[models.Model], Expiry | None],
    now: dt.datetime | None = None,
) -> int:
    """Empty `field` on each of `rows` whose `expiry(row)` has come (None: keep it), set
    `deleted_at_field` to `now` and record `verb` on the row (no actor: the system did it).
    Returns how many rows were changed by this call."""
    now = now or timezone.now()
    deleted = 0
    for row in rows:
        due = expiry(row)
        if due is None or due.at > now:
            continue
        model = type(row)
        with transaction.atomic():
            changed = (
                model._default_manager.filter(pk=row.pk)
                .exclude(**{field: ""})
                .update(**{field: "", deleted_at_field: now})
            )
            if changed:
                record_event(actor=None, verb=verb, subject=row, note=due.note)
                deleted += 1
    return deleted


def rule_reader(key: str) -> Callable[[Any], Any]:
    """`config.get(organisation, key)` remembered per organisation for one run: a purge
    reads each organisation's keep period once, not once per row."""
    seen: dict[int, Any] = {}

    def read(organisation) -> Any:
        if organisation.pk not in seen:
            seen[organisation.pk] = config.get(organisation, key)
        return seen[organisation.pk]

    return read


def day_start(day: dt.date) -> dt.datetime:
    """The first moment of `day` in local time (a date-only event counts from its morning)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
