"""Which items may carry a leader's instruction (批示, C4.7), declared by the apps that own
them, so this lower app never imports them.

An app registers a model in its AppConfig.ready():

    instructions.register(
        Opinion,
        label=_("社情民意信息"),
        url_name="opinions:detail",
        can_record=policies.can_record_instruction,   # (user, item) -> bool
        organisation=recording_organisation,           # (item, user) -> Organisation
        check=ready_for_instruction,                   # (item) -> error message or ""
        after=on_instruction,                          # (instruction, actor) -> None
        working_days=lambda o: config.get(o.organisation, rules.INSTRUCTION_DAYS),
        answered=on_answer,                            # (instruction, task, feedback, actor)
        reads_feedback=policies.is_author,             # (user, item) -> bool
    )

`organisation(item, user)` is the node whose units carry out an instruction that `user`
records, by default the item's own organisation. For an item reported up, the item's own
office records its own leaders' instructions to its own units, the office it was reported
to its leaders' to its units.

`answered` runs in the transaction of a unit's written feedback on one of the item's
instruction tasks (to tell the item's authors); `reads_feedback` names who, besides those
who may open the task, reads that feedback on the item's page (the authors, whose item the
leader instructed on).

`earliest(item)` is the first day an instruction on the item may be dated (the form refuses
an earlier 批示日期), None where the app has no such day.

`received(user)` is a queryset of the items sent or reported to the Party committee's or the
government's office `user` works in that it may record its leaders' instructions on (their
queue 报送本机关 · 待批示, `followups.views.received`), `sent_on` the day each went to them:
a field name or a query expression over the item (so a year is picked in the database, not
by reading every year's items), or a function of the user giving one (an inspection report
is sent to the Party committee and to the government each on its own day); an app whose
items are not sent to those offices declares neither.

Registering also puts the one instructions panel (core.panels) on the item's page: every
instruction with its units' tasks and their written feedback, and the form to record one for
whoever may.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .registry import Entry, Registry, always, never, no_check, nothing


def own_organisation(item, user):
    """The usual answer: the item's own organisation's units carry it out."""
    return item.organisation


@dataclass(frozen=True)
class Target(Entry):
    can_record: Callable
    organisation: Callable = own_organisation
    check: Callable = no_check
    # Whether this item is of a sort that takes instructions at all (an inspection, not any
    # meeting); asked before any query, so other items' pages cost nothing.
    applies: Callable = always
    after: Callable = nothing
    working_days: Callable | None = None
    title: Callable = str
    answered: Callable = nothing
    reads_feedback: Callable = never
    received: Callable | None = None
    sent_on: object = None  # a field name, query expression or (user) -> either (with `received`)
    # (item) -> the first day an instruction on it may bear (the day it reached the office),
    # or None: a typed 2016 would otherwise date the duty record it earns in the wrong year.
    earliest: Callable = nothing


def _panel():
    from .panels import instruction_panel

    return instruction_panel


_registry = Registry(Target, _panel)
register = _registry.register
target_for = _registry.for_item
target_by_key = _registry.by_key
targets = _registry.all
