"""SMS through a provider interface. The default backend appends messages to a file under
var/sms, so nothing leaves the machine until an administrator configures a provider.

A provider backend is a class with `send(phone, text, *, reference)` that raises on failure
(delivery records the error and retries); name it in the SMS_BACKEND setting. `reference` is
our id for the message (unique per notification and channel): pass it to the provider as
its client message id (most Chinese gateways take one, e.g. "OutId") and answer
`status(reference)` from the provider's delivery query, so that a send cut off by a crashed
worker is settled by asking, not by sending again. A backend that cannot tell returns None.
Providers in China require an approved signature (签名) and often templates; those belong
in the backend's own settings, not in the callers.
"""

import json
import threading
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

_file_lock = threading.Lock()


SENT, NOT_SENT = "sent", "not_sent"


class BaseSmsBackend:
    def send(self, phone: str, text: str, *, reference: str = "") -> None:  # pragma: no cover
        raise NotImplementedError

    def status(self, reference: str) -> str | None:
        """SENT or NOT_SENT when the provider knows the message `reference`; None when this
        backend cannot tell (then a cut-off send is never repeated)."""
        return None


class FileSmsBackend(BaseSmsBackend):
    """Appends one JSON line per message to SMS_FILE_PATH/outbox.jsonl."""

    def _outbox(self) -> Path:
        return Path(settings.SMS_FILE_PATH) / "outbox.jsonl"

    def send(self, phone: str, text: str, *, reference: str = "") -> None:
        outbox = self._outbox()
        outbox.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"at": timezone.now().isoformat(), "phone": phone, "text": text, "ref": reference},
            ensure_ascii=False,
        )
        # One write per line on a file opened for appending: lines from several processes
        # do not interleave.
        with _file_lock, outbox.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")

    def status(self, reference: str) -> str | None:
        outbox = self._outbox()
        if not reference:
            return None
        if not outbox.exists():
            return NOT_SENT
        needle = json.dumps(reference)
        with outbox.open(encoding="utf-8") as fh:
            return SENT if any(f'"ref": {needle}' in line for line in fh) else NOT_SENT


class ConsoleSmsBackend(BaseSmsBackend):
    def send(self, phone: str, text: str, *, reference: str = "") -> None:
        print(f"[SMS to {phone}] {text}", flush=True)  # noqa: T201 - the console backend's job


class MemorySmsBackend(BaseSmsBackend):
    """For tests: messages collect in `MemorySmsBackend.outbox` as (phone, text), and their
    references in `MemorySmsBackend.references`."""

    outbox: list[tuple[str, str]] = []
    references: list[str] = []

    def send(self, phone: str, text: str, *, reference: str = "") -> None:
        MemorySmsBackend.outbox.append((phone, text))
        MemorySmsBackend.references.append(reference)

    def status(self, reference: str) -> str | None:
        return SENT if reference in MemorySmsBackend.references else NOT_SENT


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(phone: str, text: str, *, reference: str = "") -> None:
    get_backend().send(phone, text, reference=reference)
