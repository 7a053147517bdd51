"""SMS through a provider interface. The default backend appends messages to a file under
var/sms, so nothing leaves the machine until an administrator configures a provider."""

import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class BaseSmsBackend:
    def send(self, phone: str, text: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class FileSmsBackend(BaseSmsBackend):
    def send(self, phone: str, text: str) -> None:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"at": timezone.now().isoformat(), "phone": phone, "text": text}, ensure_ascii=False
        )
        with (folder / "outbox.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")


class ConsoleSmsBackend(BaseSmsBackend):
    def send(self, phone: str, text: str) -> None:
        print(f"[SMS to {phone}] {text}")  # noqa: T201 - the console backend's job


class MemorySmsBackend(BaseSmsBackend):
    """For tests: messages collect in `outbox`."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemorySmsBackend.outbox.append((phone, text))


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
