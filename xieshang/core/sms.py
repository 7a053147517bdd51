"""SMS through a provider interface. The default backend appends messages to a file under
var/sms, so nothing leaves the machine until an administrator configures a provider.

A provider backend is a class with `send(phone, text)` that raises on failure (delivery
records the error and retries); name it in the SMS_BACKEND setting. Providers in China
require an approved signature (签名) and often templates; those belong in the backend's own
settings, not in the callers.
"""

import json
import threading
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

_file_lock = threading.Lock()


class BaseSmsBackend:
    def send(self, phone: str, text: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class FileSmsBackend(BaseSmsBackend):
    """Appends one JSON line per message to SMS_FILE_PATH/outbox.jsonl."""

    def send(self, phone: str, text: str) -> None:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"at": timezone.now().isoformat(), "phone": phone, "text": text}, ensure_ascii=False
        )
        # One write per line on a file opened for appending: lines from several processes
        # do not interleave.
        with _file_lock, (folder / "outbox.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")


class ConsoleSmsBackend(BaseSmsBackend):
    def send(self, phone: str, text: str) -> None:
        print(f"[SMS to {phone}] {text}", flush=True)  # noqa: T201 - the console backend's job


class MemorySmsBackend(BaseSmsBackend):
    """For tests: messages collect in `MemorySmsBackend.outbox` as (phone, text)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemorySmsBackend.outbox.append((phone, text))


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(phone: str, text: str) -> None:
    get_backend().send(phone, text)
