"""Which task subjects have a page a given user may open, declared by the apps that own
them (this lower app never imports them). The task page links its subject only when the
owner says this user may open it: an overseeing office reads the task, not always the
proposal behind it.

    subjects.register(Proposal, can_view=policies.can_view)   # (user, obj) -> bool
"""

from collections.abc import Callable

_readers: dict[type, Callable] = {}


def register(model: type, *, can_view: Callable) -> None:
    _readers[model] = can_view


def openable(user, obj) -> bool:
    reader = _readers.get(type(obj))
    return reader is not None and hasattr(obj, "get_absolute_url") and bool(reader(user, obj))
