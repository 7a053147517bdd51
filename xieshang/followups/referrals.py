"""Which items may go up the tree (上报, C2.9), declared by the apps that own them, so this
lower app never imports them.

An app registers a model in its own `referrals.py` (found by autodiscovery):

    referrals.register(
        Opinion,
        label=_("社情民意信息"),
        url_name="opinions:detail",
        permission="opinions.manage",              # who acts at a node: the sender and the parent
        organisation=lambda o: o.organisation,     # the node the item belongs to
        check=ready_to_refer,                      # (item) -> error message or ""
        after_adopt=on_adopt,                      # (item, referral, mode, actor) -> None
        after_move=on_move,                        # (item, referral, actor) -> None
    )

`after_adopt` is where the owning app records its own effects of an adoption at a level
(`referral.level`): its adoption row, its duty records. `mode` is "adopted", "merged" or
"forwarded". `after_move` runs when the item reaches a new node (submitted, forwarded).

Registering also puts the one referrals panel (core.panels) on the item's page: its path up
the tree, level by level.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from xieshang.core import access


def _no_check(item) -> str:
    return ""


def _nothing(*args) -> None:
    return None


def _always(item) -> bool:
    return True


@dataclass(frozen=True)
class Kind:
    model: type
    label: str
    url_name: str
    permission: str
    organisation: Callable
    check: Callable = _no_check
    applies: Callable = _always
    after_adopt: Callable = _nothing
    after_move: Callable = _nothing
    title: Callable = str

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    def url(self, pk) -> str:
        return reverse(self.url_name, args=[pk])

    def can_act(self, user, organisation) -> bool:
        """The office of `organisation` (a node the item is at, or the node itself)."""
        return access.can(user, self.permission, organisation)


_kinds: dict[str, Kind] = {}


def register(model, **kwargs) -> Kind:
    from xieshang.core import panels

    from .panels import referral_panel

    kind = Kind(model=model, **kwargs)
    _kinds[kind.key] = kind
    panels.register(kind.key, referral_panel)
    return kind


def kind_for(item) -> Kind | None:
    return _kinds.get(item._meta.label_lower) if hasattr(item, "_meta") else None


def kind_by_key(key: str) -> Kind | None:
    return _kinds.get(key.lower())


def kinds() -> list[Kind]:
    return list(_kinds.values())
