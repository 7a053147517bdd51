"""Ticket + check code: how a resident follows a public submission without an account.

Every public item (a topic suggestion, a resident's issue) has a ticket number, which may
be guessed or read over a shoulder, and a check code given once to the submitter. The code
is stored as a keyed hash only: a copy of the database or a clerk's screen does not reveal
it, and it cannot be shown again (the resident is told to keep it). The lookup answers a
wrong code exactly as an unknown ticket, and is rate-limited per ticket and per client
(`find_limited`).

    code = tickets.new_code()
    obj.check_code_hash = tickets.hash_code(code)
    ...
    obj = tickets.find(Model.objects.all(), ticket, code)   # None when either is wrong
    obj = tickets.find_limited(request, ticket, code, find)  # the same, limited; may raise
                                                             # LookupRefused
"""

import datetime as dt
import hmac
import re
import secrets
import unicodedata

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from xieshang.core.forms import StyledForm
from xieshang.core.text import typed_code

from . import ratelimit

# No 0/O, 1/I/L: read aloud or copied from a phone screen without ambiguity.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
# The lookup's limits (`find_limited`), per LOOKUP_WINDOW. Guessing is slowed where it
# aims, at one ticket: its wrong codes from every address together (an unknown ticket is
# counted alike, so a refusal says nothing of whether it exists). 10 an hour is plenty for a
# resident mistyping, and 31^6 ≈ 8.9e8 codes a ticket leave a guesser ~1e-4 in a year.
# Per address only wrong codes count against a guesser hopping from ticket to ticket: a
# community centre's PC or a carrier's NAT looking up many residents' items rightly is never
# stopped by them; a ceiling on all lookups of an address stops scraping.
LOOKUP_WINDOW = dt.timedelta(hours=1)
WRONG_CODES_PER_TICKET = 10
WRONG_CODES_PER_CLIENT = 60
LOOKUPS_PER_CLIENT = 300


# Each kind of public item's lookup page, by its tickets' prefix ("MQ": residents' issues,
# "YT": topic suggestions), registered by the app that issues them. The portal's one
# "办理进展查询" link leads to one of them; a ticket typed into the other's is sent on.
_LOOKUPS: dict[str, str] = {}


def register_lookup(prefix: str, url_name: str) -> None:
    _LOOKUPS[prefix.upper()] = url_name


def lookup_elsewhere(ticket: str, url_name: str) -> str | None:
    """The url name of the lookup that answers `ticket`, if not the page `url_name`."""
    ticket = _plain(ticket)
    for prefix, name in _LOOKUPS.items():
        if ticket.startswith(prefix) and name != url_name:
            return name
    return None


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


# A typed check code as issued (full-width letters, spaces and dashes: `core.text.typed_code`).
normalise_code = typed_code


def hash_code(code: str) -> str:
    key = f"{settings.SECRET_KEY}:ticket-code".encode()
    return hmac.new(key, normalise_code(code).encode(), "sha256").hexdigest()


def code_matches(code: str, stored_hash: str) -> bool:
    if not stored_hash or not code:
        return False
    return hmac.compare_digest(hash_code(code), stored_hash)


def _plain(ticket: str) -> str:
    """A typed ticket without spaces or dashes, full-width characters made plain:
    "mq2026 － 000034" → "MQ2026000034"."""
    ticket = unicodedata.normalize("NFKC", ticket or "").upper()
    return "".join(ch for ch in ticket if not ch.isspace() and ch not in "-‐‑–—")


def ticket_forms(ticket: str) -> list[str]:
    """The ways a typed ticket may be stored: residents' issues read "MQ2026-000034", topic
    suggestions "YT2026000020", and people copy either with or without the dash."""
    plain = _plain(ticket)
    if not plain:
        return []
    # Both number their tickets with six digits; a resident who reads "MQ2026-000034" out
    # as "MQ2026-34" means the same ticket.
    if found := re.fullmatch(r"([A-Z]{2}\d{4})(\d{1,5})", plain):
        plain = found.group(1) + found.group(2).zfill(6)
    return [plain, f"{plain[:6]}-{plain[6:]}"] if len(plain) > 6 else [plain]


def find(queryset, ticket: str, code: str, *, ticket_field="ticket", hash_field="check_code_hash"):
    """The row of `queryset` with this ticket whose code matches, or None. A wrong code and
    an unknown ticket give the same None."""
    forms_ = ticket_forms(ticket)
    if not forms_:
        return None
    obj = queryset.filter(**{f"{ticket_field}__in": forms_}).first()
    if obj is None or not code_matches(code, getattr(obj, hash_field)):
        return None
    return obj


class LookupRefused(Exception):
    """A lookup over one of `find_limited`'s limits; `message` tells the resident."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def find_limited(request, ticket: str, code: str, find):
    """`find(ticket, code)` (the item, or None for a wrong code or an unknown ticket) within
    the lookup's limits, shared by every public lookup page: raises LookupRefused for the
    rest of the hour once this ticket has had WRONG_CODES_PER_TICKET wrong codes (even for
    the right one), or this client WRONG_CODES_PER_CLIENT, or LOOKUPS_PER_CLIENT lookups.
    A refused lookup is not counted. Concurrent wrong tries may pass a limit by a few."""
    forms_ = ticket_forms(ticket)
    ticket_key = f"lookup.wrong.ticket:{forms_[0] if forms_ else ''}"
    ip = ratelimit.client_ip(request)
    client_key = f"lookup.wrong.client:{ip}"
    if ratelimit.over(ticket_key, WRONG_CODES_PER_TICKET, LOOKUP_WINDOW):
        raise LookupRefused(_("该受理编号查询码输错次数过多，请一小时后再试。"))
    if ratelimit.over(client_key, WRONG_CODES_PER_CLIENT, LOOKUP_WINDOW) or not ratelimit.allow(
        f"lookup.client:{ip}", LOOKUPS_PER_CLIENT, LOOKUP_WINDOW
    ):
        raise LookupRefused(_("查询次数过多，请一小时后再试。"))
    found = find(ticket, code)
    if found is None:
        ratelimit.hit(ticket_key)
        ratelimit.hit(client_key)
    return found


class LookupForm(StyledForm, forms.Form):
    """Ticket and check code, with the public's own messages (no Django stock text)."""

    ticket = forms.CharField(
        label=_("受理编号"),
        max_length=30,
        error_messages={
            "required": _("请填写受理编号。"),
            "max_length": _("受理编号不正确，请核对。"),
        },
    )
    code = forms.CharField(
        label=_("查询码"),
        max_length=20,
        error_messages={
            "required": _("请填写查询码。"),
            "max_length": _("查询码不正确，请核对。"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticket"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        )
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        )

    def without_code(self) -> "LookupForm":
        """The form again with the typed ticket and an empty code (after a refusal: a
        shared computer does not keep the code on screen)."""
        return type(self)(initial={"ticket": self.data.get("ticket", "")})
