"""Personal information (个人信息保护法): masking and the record of who saw or exported it.

Lists and exports show ID numbers, phone numbers and addresses masked unless the user holds
the permission that needs them (`<app>.view_pii` in the subject's organisation). Every
unmasked view or export of them writes an audit event (`pii.view` / `pii.export`).
"""

from collections.abc import Iterable

from django.db import models

from .audit import record_event


def mask_phone(value: str) -> str:
    """13912345678 → 139****5678."""
    value = (value or "").strip()
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_id_number(value: str) -> str:
    """110101198001011234 → 110***********1234 (keeps region prefix and last four)."""
    value = (value or "").strip()
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_address(value: str) -> str:
    """Keep the first six characters (district, street), hide the house details."""
    value = (value or "").strip()
    if len(value) <= 6:
        return value[:2] + "*" * max(len(value) - 2, 0)
    return value[:6] + "****"


MASKERS = {"phone": mask_phone, "id_number": mask_id_number, "address": mask_address}


def masked(field: str, value: str) -> str:
    return MASKERS.get(field, lambda v: v)(value)


def log_access(
    *,
    actor,
    action: str,
    subject: models.Model | None = None,
    fields: Iterable[str] = (),
    count: int | None = None,
    organisation=None,
    note: str = "",
) -> None:
    """Record that `actor` saw (action="view") or exported (action="export") personal data."""
    data = {"fields": sorted(fields)}
    if count is not None:
        data["count"] = count
    record_event(
        actor=actor,
        verb=f"pii.{action}",
        subject=subject,
        organisation=organisation,
        note=note,
        data=data,
    )
