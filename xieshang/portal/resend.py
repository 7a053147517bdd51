"""A public form sent twice gives the first ticket again, not a second item.

A resident taps Back after the thanks page (the form comes back with everything typed in)
and sends it again, or taps the button twice. The form carries its own mark (a hidden
`once` field, filled by `new_mark` when the page is served); the browser's session keeps,
for the last few sends, the mark, the receipt (ticket and code) and a fingerprint of the
words. The same mark, or the same words sent again from the same browser within
`WINDOW`, is the same matter: the view shows the receipt kept instead of creating
another item. Used by both public forms: residents' issues (民情事项) and topic
suggestions (议题征集).
"""

import datetime as dt
import hashlib
import re
import secrets

from django.utils import timezone

# The same words sent again from the same browser within this time are the same matter.
WINDOW = dt.timedelta(hours=1)
KEPT = 5  # sends remembered per form and browser


def new_mark() -> str:
    """The `once` value of a freshly served form."""
    return secrets.token_urlsafe(12)


def fingerprint(*parts) -> str:
    """The matter a form raises: its place and words, blanks aside."""
    words = "\n".join(re.sub(r"\s+", "", str(p)) for p in parts)
    return hashlib.sha256(words.encode()).hexdigest()[:32]


def _sends(request, key: str) -> dict:
    sent = request.session.get(key, {})
    return sent if isinstance(sent, dict) else {}


def _same_words(earlier, words: str) -> bool:
    # "Back" in a phone's browser may fetch the form anew, with a new mark but the typed
    # words put back: sent again soon from the same browser, it is the same matter.
    return (
        isinstance(earlier, dict)
        and earlier.get("words") == words
        and timezone.now().timestamp() - earlier.get("at", 0) < WINDOW.total_seconds()
    )


def earlier(request, key: str, *, once: str, words: str) -> dict | None:
    """The receipt this browser got for the same form (`once`) or the same words (`words`,
    a `fingerprint`) sent a moment ago under session `key`; None for a new matter."""
    sent = _sends(request, key)
    found = sent.get(once) if once else None
    if found is None:
        found = next((s for s in sent.values() if _same_words(s, words)), None)
    return found if isinstance(found, dict) else None


def remember(request, key: str, *, once: str, words: str, receipt: dict) -> None:
    """Keep `receipt` (ticket, code…) for this send, for `earlier`."""
    sent = _sends(request, key)
    kept = {**receipt, "words": words, "at": timezone.now().timestamp()}
    request.session[key] = dict(
        [*list(sent.items())[-(KEPT - 1) :], (once or f"words:{words}", kept)]
    )


def receipts(request, key: str) -> list[dict]:
    """The receipts of this browser's last sends under `key`."""
    return [s for s in _sends(request, key).values() if isinstance(s, dict)]
