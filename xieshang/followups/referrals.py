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

from xieshang.core import access

from .registry import Entry, Registry, always, anyone, no_check, nothing


@dataclass(frozen=True)
class Kind(Entry):
    permission: str
    organisation: Callable
    check: Callable = no_check
    applies: Callable = always
    after_adopt: Callable = nothing
    after_move: Callable = nothing
    after_return: Callable = nothing
    # (user, item) -> bool: who, of those who open the item, reads its path up the tree
    # with the nodes' notes (a Party committee's office reading a report need not).
    reads_path: Callable = anyone
    title: Callable = str

    def can_act(self, user, organisation) -> bool:
        """The office of `organisation` (a node the item is at, or the node itself)."""
        return access.can(user, self.permission, organisation)


def _panel():
    from .panels import referral_panel

    return referral_panel


_registry = Registry(Kind, _panel)
register = _registry.register
kind_for = _registry.for_item
kind_by_key = _registry.by_key
kinds = _registry.all
