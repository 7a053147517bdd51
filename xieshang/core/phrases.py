"""Texts written now and read later, in the reader's language.

A notice or a history note is written while one user's request runs, in that user's language,
and read later by others, in theirs: an office clerk working in English must not leave English
notices in a Chinese member's inbox, nor a Chinese one in an English reader's. Such a text is
built as a `Phrase` (a message id of the catalogue and its parameters) instead of a translated
string:

    notify(users, title=Phrase(N_("提案已交办：%(title)s"), title=proposal.title), ...)
    record_event(..., note=Phrase(N_("改交：%(from)s → %(to)s"), **{"from": a, "to": b}))

The row keeps the text in the site's language (`settings.LANGUAGE_CODE`) for e-mail, SMS,
search and the audit trail as written, and the phrase itself as JSON, from which the page
renders it in the reader's language (`shown`). Parameters are data (names, titles, numbers,
kept as they are), dates (shown in the reader's convention) or other phrases (labels). A
plain string still works everywhere: it is shown as stored.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_noop as N_

from .text import reader_date

# A body may be several lines, each a phrase or a plain text.
Stored = dict[str, Any] | list


class Phrase:
    """A message id of the catalogue and its parameters; `context` for a message with a
    context (pgettext), which shares its id with another meaning."""

    __slots__ = ("context", "msgid", "params")

    def __init__(self, msgid: str, /, context: str = "", **params: Any) -> None:
        self.msgid = str(msgid)
        self.context = context
        self.params = params

    def render(self) -> str:
        """The text in the active language."""
        text = pgettext(self.context, self.msgid) if self.context else gettext(self.msgid)
        if not self.params and "%(" not in text:
            return text  # a message without parameters may hold a bare "%"
        return text % {name: _shown(value) for name, value in self.params.items()}

    __str__ = render

    def __repr__(self) -> str:
        return f"Phrase({self.msgid!r}, **{self.params!r})"

    def stored(self) -> dict[str, Any]:
        out: dict[str, Any] = {"m": self.msgid}
        if self.context:
            out["c"] = self.context
        if self.params:
            out["p"] = {name: _dump(value) for name, value in self.params.items()}
        return out

    @classmethod
    def load(cls, data: dict[str, Any]) -> "Phrase":
        params = {k: _load(v) for k, v in (data.get("p") or {}).items()}
        return cls(data["m"], context=data.get("c", ""), **params)

    @classmethod
    def of_label(cls, value: Promise) -> "Phrase | None":
        """The phrase of a lazy label (`gettext_lazy`, `pgettext_lazy`; choices' labels
        are), so a label is translated when read, not when written; None for another lazy
        text, whose message cannot be told."""
        args = getattr(value, "_args", None)
        if getattr(value, "_kw", None) or not args or not all(isinstance(a, str) for a in args):
            return None
        if len(args) == 1:
            return cls(args[0])
        if len(args) == 2:  # pgettext_lazy(context, message)
            return cls(args[1], context=args[0])
        return None


def _dump(value: Any) -> Any:
    if isinstance(value, Phrase):
        return value.stored()
    if isinstance(value, Promise):
        phrase = Phrase.of_label(value)
        return phrase.stored() if phrase is not None else str(value)
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, int | float | str) or value is None:
        return value
    return str(value)


def _load(value: Any) -> Any:
    if isinstance(value, dict):
        if "m" in value:
            return Phrase.load(value)
        if "d" in value:
            return dt.date.fromisoformat(value["d"])
        if "dt" in value:
            return dt.datetime.fromisoformat(value["dt"])
    return value


def _shown(value: Any) -> Any:
    if isinstance(value, Phrase | Promise):
        return str(value)
    if isinstance(value, dt.datetime):  # a moment: its day in the reader's way, and the time
        from django.utils import timezone

        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{reader_date(moment)} {moment:%H:%M}"
    if isinstance(value, dt.date):
        return reader_date(value)
    return "" if value is None else value


def _render(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "\n".join(_render(part) for part in value if part not in ("", None))
    return str(value or "")


def joined(parts) -> "Phrase | str":
    """Parts of one line joined with "；" ("; " in English), each read in the reader's
    language: a history note such as 主办：…；协办：…；<what the clerk typed>."""
    parts = [part for part in parts if part not in ("", None)]
    if not parts:
        return ""
    head, *rest = parts
    return Phrase(N_("%(first)s；%(rest)s"), first=head, rest=joined(rest)) if rest else head


def listed(parts) -> "Phrase | str":
    """Names of one list joined with "、" (", " in English), each read in the reader's
    language: 修改：标题、意见建议."""
    parts = [part for part in parts if part not in ("", None)]
    if not parts:
        return ""
    head, *rest = parts
    return Phrase(N_("%(first)s、%(rest)s"), first=head, rest=listed(rest)) if rest else head


def is_phrase(value: Any) -> bool:
    return isinstance(value, Phrase) or (
        isinstance(value, list | tuple) and any(isinstance(part, Phrase) for part in value)
    )


def _as_phrase(value: Any) -> Any:
    """A lazy label given where a text goes (a note that is just 换届 or 来电) is its phrase."""
    if isinstance(value, Promise):
        return Phrase.of_label(value) or str(value)
    if isinstance(value, list | tuple):
        return [_as_phrase(part) for part in value]
    return value


def store(value: Any) -> tuple[str, Stored | None]:
    """(the text in the site's language, the phrase as JSON or None for a plain text)."""
    value = _as_phrase(value)
    if not is_phrase(value):
        return _render(value), None
    with translation.override(settings.LANGUAGE_CODE):
        text = _render(value)
    if isinstance(value, Phrase):
        return text, value.stored()
    return text, [part.stored() if isinstance(part, Phrase) else str(part) for part in value]


def site_text(msgid, /, **params: Any) -> str:
    """A text kept as data (a task's request, a case's facts, an item's source line), read
    by everyone whoever wrote it: rendered in the site's language, not the language of the
    request that writes it. `msgid` is a message id (with `params`) or a lazy label."""
    if isinstance(msgid, Promise):
        with translation.override(settings.LANGUAGE_CODE):
            return str(msgid)
    return store(Phrase(msgid, **params))[0]


def shown(data: Stored | None, text: str) -> str:
    """What the reader reads: the stored phrase in the active language, else the text as
    stored. A phrase whose message id left the catalogue still renders (in Chinese)."""
    if not data:
        return text
    try:
        if isinstance(data, list):
            return _render([Phrase.load(p) if isinstance(p, dict) else p for p in data])
        return Phrase.load(data).render()
    except (KeyError, TypeError, ValueError):
        return text
