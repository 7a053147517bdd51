"""Which items may carry a leader's instruction (批示, C4.7), declared by the apps that own
them, so this lower app never imports them.

An app registers a model in its AppConfig.ready():

    instructions.register(
        Opinion,
        label=_("社情民意信息"),
        url_name="opinions:detail",
        can_record=policies.can_record_instruction,   # (user, item) -> bool
        organisation=lambda o: o.reported_to or o.organisation,
        check=ready_for_instruction,                   # (item) -> error message or ""
        after=on_instruction,                          # (instruction, actor) -> None
        working_days=lambda o: config.get(o.organisation, rules.INSTRUCTION_DAYS),
    )

Registering also puts the one instructions panel (core.panels) on the item's page: every
instruction with its units' tasks and their written feedback, and the form to record one for
whoever may.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


def _no_check(item) -> str:
    return ""


def _nothing(instruction, actor) -> None:
    return None


def _always(item) -> bool:
    return True


@dataclass(frozen=True)
class Target:
    model: type
    label: str
    url_name: str
    can_record: Callable
    organisation: Callable
    check: Callable = _no_check
    # Whether this item is of a sort that takes instructions at all (an inspection, not any
    # meeting); asked before any query, so other items' pages cost nothing.
    applies: Callable = _always
    after: Callable = _nothing
    working_days: Callable | None = None
    title: Callable = str

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    def url(self, pk) -> str:
        return reverse(self.url_name, args=[pk])


_targets: dict[str, Target] = {}


def register(model, **kwargs) -> Target:
    from xieshang.core import panels

    from .panels import instruction_panel

    target = Target(model=model, **kwargs)
    _targets[target.key] = target
    panels.register(target.key, instruction_panel)
    return target


def target_for(item) -> Target | None:
    return _targets.get(item._meta.label_lower) if hasattr(item, "_meta") else None


def target_by_key(key: str) -> Target | None:
    return _targets.get(key.lower())


def targets() -> list[Target]:
    return list(_targets.values())
