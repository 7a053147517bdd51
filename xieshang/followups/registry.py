"""What the instruction and referral registries share: one entry per model of a higher app,
keyed by the model's label, knowing the item's page, and putting its panel on that page
(core.panels), so followups never imports the apps that own the items."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


def no_check(item) -> str:
    return ""


def nothing(*args) -> None:
    return None


def always(item) -> bool:
    return True


def never(*args) -> bool:
    return False


def anyone(*args) -> bool:
    return True


@dataclass(frozen=True)
class Entry:
    model: type
    label: str
    url_name: str

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    def url(self, pk) -> str:
        return reverse(self.url_name, args=[pk])


class Registry:
    """Entries of `entry_class`; `panel()` returns the panel view (imported late: the panels
    module reads this registry)."""

    def __init__(self, entry_class: type, panel: Callable[[], Callable]):
        self._entry_class = entry_class
        self._panel = panel
        self._entries: dict[str, Entry] = {}

    def register(self, model, **kwargs):
        from xieshang.core import panels

        entry = self._entry_class(model=model, **kwargs)
        self._entries[entry.key] = entry
        panels.register(entry.key, self._panel())
        return entry

    def for_item(self, item):
        return self._entries.get(item._meta.label_lower) if hasattr(item, "_meta") else None

    def by_key(self, key: str):
        return self._entries.get(key.lower())

    def all(self) -> list:
        return list(self._entries.values())
