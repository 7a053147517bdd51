"""Personal information (个人信息保护法): masking and the record of who saw or exported it.

Lists and exports show ID numbers, phone numbers and addresses masked unless the user holds
the permission that needs them (`<app>.view_pii` in the subject's organisation). Every
unmasked view or export of them writes an audit event (`pii.view` / `pii.export`).
"""

import datetime as dt
import re
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


# --- Personal numbers inside free text ---------------------------------------------------
# A resident's or a clerk's words may carry a phone or ID card number ("请联系13812345678"):
# staff pages, the history and the audit log show them masked (`mask_numbers`), the portal
# strips them (portal.scrub). Full-width digits and blanks or dashes between groups count.
DIGIT = "[0-9０-９]"
SEP = "[-－—‐ \u3000]?"
# Mobile numbers, with an optional +86 and blanks or dashes between the groups.
MOBILE = re.compile(
    rf"(?<!{DIGIT})(?:\+?86{SEP})?[1１][3-9３-９]{DIGIT}{SEP}{DIGIT}{{4}}{SEP}{DIGIT}{{4}}(?!{DIGIT})"
)
# Landlines with an area code: 010-12345678, (0571)87654321, 0571 8765 4321.
LANDLINE = re.compile(
    rf"(?<!{DIGIT})[(（]?[0０]{DIGIT}{{2,3}}[)）]?{SEP}{DIGIT}{{3,4}}{SEP}{DIGIT}{{4}}"
    rf"(?:{SEP}(?:转|ext\.?){SEP}{DIGIT}{{1,5}})?(?!{DIGIT})"
)
# Identity card numbers: 18 characters (the last may be X) or the old 15 digits, also
# typed in groups (110101 19900307 1234).
ID_CARD = re.compile(
    rf"(?<!{DIGIT})[1-9１-９]{DIGIT}{{5}}{SEP}"
    rf"(?:(?:19|20|１９|２０){DIGIT}{{6}}{SEP}{DIGIT}{{3}}[0-9０-９XxＸｘ]|{DIGIT}{{6}}{SEP}{DIGIT}{{3}})"
    rf"(?![0-9０-９XxＸｘ])"
)
# The same 18 characters typed in other groups (1101 0119 9003 0712 34, as a bank card is
# read out): taken before the phone patterns, which would otherwise take a middle group
# ("0119 9003 0712" reads as a landline) and leave the rest of the number showing.
ID_GROUPED = re.compile(
    rf"(?<!{DIGIT})[1-9１-９](?:{SEP}{DIGIT}){{16}}{SEP}[0-9０-９XxＸｘ](?![0-9０-９XxＸｘ])"
)
PERSONAL_NUMBERS = (ID_GROUPED, MOBILE, LANDLINE, ID_CARD)


def mask_numbers(text: str) -> str:
    """`text` with phone and ID card numbers masked as a staff list masks them (the first
    three and last four characters kept: 138****8000), for staff pages that show a
    resident's own words or a note typed about them; e-mail addresses and names stay."""

    def mask(match: re.Match) -> str:
        value = re.sub(r"\s", "", match.group(0))
        return value[:3] + "****" + value[-4:] if len(value) >= 8 else "***"

    for pattern in PERSONAL_NUMBERS:
        text = pattern.sub(mask, text or "")
    return text
