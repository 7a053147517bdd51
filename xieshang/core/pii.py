"""Personal information (个人信息保护法): masking and the record of who saw or exported it.

Lists and exports show ID numbers, phone numbers and addresses masked unless the user holds
the permission that needs them (`<app>.view_pii` in the subject's organisation). Every
unmasked view or export of them writes an audit event (`pii.view` / `pii.export`).
"""

import datetime as dt
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


def mask_birth_date(value: dt.date | None) -> str:
    """1980-01-15 → "1980-01". The day must go: with it, the region prefix and the last four
    digits that a masked ID number keeps, the whole number is a thousand guesses away."""
    return value.strftime("%Y-%m") if value else ""


MASKERS = {
    "phone": mask_phone,
    "id_number": mask_id_number,
    "address": mask_address,
    "birth_date": mask_birth_date,
}
# The personal fields of a person record (members, users), in the order pages show them.
PERSONAL_FIELDS = ("birth_date", "id_number", "phone", "address")


def masked(field: str, value):
    return MASKERS.get(field, lambda v: v)(value)


def personal_data(*, actor, subject, show: bool, note: str = "") -> dict:
    """The personal fields of `subject` as this viewer may see them: as stored when `show`
    (and the view is logged), masked otherwise. Pages, exports and the API all call this,
    so a field masked in one place is never whole in another. Unmasked birth dates are ISO
    strings, masked ones year-month, so both fit one text field."""
    if not show:
        return {f: masked(f, getattr(subject, f, "")) for f in PERSONAL_FIELDS}
    shown = [f for f in PERSONAL_FIELDS if f != "birth_date" and getattr(subject, f, "")]
    if shown:
        log_access(actor=actor, action="view", subject=subject, fields=shown, note=note)
    birth = getattr(subject, "birth_date", None)
    return {
        **{f: getattr(subject, f, "") for f in PERSONAL_FIELDS},
        "birth_date": birth.isoformat() if birth else "",
    }


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
