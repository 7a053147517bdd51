"""Phone numbers as people type them: the country code a contact card or a phone's share
button writes ((+86) 138…, 0086 138…) read as +86, so every layer's number rules (members'
mobile, the portal's resident numbers) accept the same typings."""

import re
import unicodedata

# The country code as a contact card or a phone's share button writes it: (+86) 138…, 0086 138….
_COUNTRY_CODE = re.compile(r"^(?:\(\s*\+?86\s*\)|0086)[\s\-]*(?=1)")


def typed(value: str) -> str:
    """Half-width, trimmed, long dashes as '-', a written-out country code as '+86 '."""
    value = unicodedata.normalize("NFKC", value or "").strip()
    value = value.replace("—", "-").replace("－", "-")
    return _COUNTRY_CODE.sub("+86 ", value)
