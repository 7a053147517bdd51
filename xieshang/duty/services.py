"""The one write path into the duty ledger."""

import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import DutyKind, DutyRecord


def record_duty(
    *,
    member,
    kind: DutyKind | str,
    date: dt.date,
    title: str,
    source: models.Model | None = None,
    quantity: Decimal | int = 1,
    actor=None,
) -> DutyRecord:
    """Record one duty fact for `member`. Idempotent per (member, kind, source object):
    calling it again for the same source returns the existing row unchanged."""
    lookup = {"member": member, "kind": kind}
    if source is not None:
        lookup["content_type"] = ContentType.objects.get_for_model(source)
        lookup["object_id"] = str(source.pk)
        existing = DutyRecord.objects.filter(**lookup).first()
        if existing:
            return existing
    return DutyRecord.objects.create(
        **lookup,
        organisation_id=member.organisation_id,
        date=date,
        title=title[:200],
        quantity=quantity,
        created_by=actor,
    )
