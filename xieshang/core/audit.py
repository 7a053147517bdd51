"""The audit trail and guarded state changes, used by every workflow.

    with transaction.atomic():
        obj = lock(Proposal, proposal.pk)
        transition(obj, to=Proposal.Status.ACCEPTED, allowed_from=[Proposal.Status.SUBMITTED],
                   actor=user, verb="proposal.accept", note=reason)

`transition` checks the current state, saves the new one and writes the `Event` in the
caller's transaction, so a refused or failed change leaves no trace at all.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F, signals
from django.utils.translation import gettext as _

from .models import Event

# Human labels of event verbs, registered by each app (`register_verbs`) so that history
# panels and the audit log read "交办" rather than "followup.open".
VERB_LABELS: dict[str, str] = {}
# The module each verb belongs to (its app's name): the audit filter groups by it, so the
# three 退回修改 (a plan, a proposal, a 社情民意 item) are told apart.
VERB_MODULES: dict[str, str] = {}


def register_verbs(labels: dict[str, str], module: str = "") -> None:
    VERB_LABELS.update(labels)
    if module:
        VERB_MODULES.update(dict.fromkeys(labels, module))


def verb_label(verb: str) -> str:
    label = VERB_LABELS.get(verb)
    return str(label) if label is not None else verb


class TransitionError(Exception):
    """A state change that the object's current state or the user's role does not allow.
    The message is shown to the user as it is."""


class StaleEdit(Exception):
    """The object was saved after this user loaded it: as often by the same user in another
    tab or on another device as by somebody else, so the default message says either (and
    never "someone else"). `current_version`, when known, is the version it has now: a form
    shown again with it saves on purpose over the other change (`core.forms.refuse_stale`)."""

    def __init__(self, message: str | None = None, *, current_version: int | None = None):
        super().__init__(
            message
            or _(
                "该记录在您打开此页后已在其他窗口或由他人修改并保存。"
                "您在本页填写的内容仍保留，尚未保存。"
            )
        )
        self.current_version = current_version


def _current_ip() -> str | None:
    from .clientip import client_ip
    from .middleware import current_request

    request = current_request()
    if request is None:
        return None
    return client_ip(request) or None


def record_event(
    *,
    actor,
    verb: str,
    subject: models.Model | None = None,
    organisation=None,
    from_state: str = "",
    to_state: str = "",
    note="",
    data: dict[str, Any] | None = None,
) -> Event:
    """Append one audit row. Call inside the transaction of the change it describes.

    A generated `note` may be a `core.phrases.Phrase`: the row keeps its text in the site's
    language (the trail as written) and the phrase in `data["note_phrase"]`, from which
    history lists show it in the reader's language (`Event.shown_note`)."""
    from .phrases import store

    note, note_phrase = store(note)
    if note_phrase is not None:
        data = {**(data or {}), "note_phrase": note_phrase}
    if (actor_phrase := _actor_phrase(actor)) is not None:
        data = {**(data or {}), "actor_phrase": actor_phrase}
    if organisation is None and subject is not None:
        organisation = getattr(subject, "organisation", None)
    return Event.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "display_name", "") or str(actor or ""))[:150],
        organisation=organisation,
        verb=verb,
        content_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        object_id=str(subject.pk) if subject is not None else "",
        object_repr=str(subject)[:200] if subject is not None else "",
        from_state=str(from_state or ""),
        to_state=str(to_state or ""),
        note=note or "",
        data=data or {},
        ip_address=_current_ip(),
    )


def _actor_phrase(actor):
    """An actor without an account named in words (a resident: 群众（王**）) may carry its
    name as a phrase (`display_phrase`), kept beside `actor_name` so that history lists
    show it in the reader's language (`Event.shown_actor`)."""
    from .phrases import store

    phrase = getattr(actor, "display_phrase", None)
    return store(phrase)[1] if phrase is not None else None


def record_events(
    *,
    actor,
    verb: str,
    subjects: Iterable[models.Model],
    organisation=None,
    from_state: str = "",
    to_state: str = "",
    notes: dict[Any, Any] | None = None,
    reprs: dict[Any, str] | None = None,
    data: dict[str, Any] | None = None,
) -> list[Event]:
    """Append one audit row per subject in one INSERT: what `record_event` writes for each,
    for set-based work (a scan raising hundreds of cases). `notes` and `reprs` map a
    subject's pk to its note and its display text (else `str(subject)`, which may query).
    A note may be a `core.phrases.Phrase`, kept as `record_event` keeps one (the text in the
    site's language, the phrase in that row's `data["note_phrase"]`)."""
    from .phrases import store

    subjects = list(subjects)
    if not subjects:
        return []
    reprs = reprs or {}
    stored = {pk: store(note) for pk, note in (notes or {}).items()}

    if (actor_phrase := _actor_phrase(actor)) is not None:
        data = {**(data or {}), "actor_phrase": actor_phrase}

    def row_data(pk) -> dict[str, Any]:
        phrase = stored[pk][1] if pk in stored else None
        return {**(data or {}), "note_phrase": phrase} if phrase is not None else dict(data or {})

    actor_id = actor.pk if getattr(actor, "pk", None) else None
    actor_name = (getattr(actor, "display_name", "") or str(actor or ""))[:150]
    ip = _current_ip()
    rows = [
        Event(
            actor_id=actor_id,
            actor_name=actor_name,
            organisation=organisation
            if organisation is not None
            else getattr(subject, "organisation", None),
            verb=verb,
            content_type=ContentType.objects.get_for_model(subject),
            object_id=str(subject.pk),
            object_repr=(reprs[subject.pk] if subject.pk in reprs else str(subject))[:200],
            from_state=str(from_state or ""),
            to_state=str(to_state or ""),
            note=stored[subject.pk][0] if subject.pk in stored else "",
            data=row_data(subject.pk),
            ip_address=ip,
        )
        for subject in subjects
    ]
    return Event.objects.bulk_create(rows, batch_size=1000)


def lock(model: type[models.Model], pk) -> models.Model:
    """Re-read a row with a write lock (a no-op lock on SQLite, whose writes are serialised
    by the IMMEDIATE transaction mode set in settings)."""
    return model.objects.select_for_update().get(pk=pk)


def transition(
    obj: models.Model,
    *,
    to: str,
    allowed_from: Iterable[str],
    actor,
    verb: str,
    note="",
    field: str = "status",
    extra_fields: Iterable[str] = (),
    data: dict[str, Any] | None = None,
) -> Event:
    """Move `obj.<field>` to `to` if it is currently in `allowed_from`, save it and write the
    audit event. Must run inside `transaction.atomic()` on a row obtained with `lock()`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transition() must run inside transaction.atomic()")
    current = getattr(obj, field)
    allowed = [str(s) for s in allowed_from]
    if str(current) not in allowed:
        label = _display(obj, field, current)
        raise TransitionError(_("当前状态为“%(state)s”，不能执行此操作。") % {"state": label})
    setattr(obj, field, to)
    update_fields = [field, *extra_fields]
    if hasattr(obj, "version"):
        obj.version = F("version") + 1
        update_fields.append("version")
    obj.save(update_fields=update_fields)
    if hasattr(obj, "version"):
        obj.refresh_from_db(fields=["version"])
    labels = {"from_label": _display(obj, field, current), "to_label": _display(obj, field, to)}
    if field != "status":
        labels["field"] = field  # which choices label the states when the event is shown
    return record_event(
        actor=actor,
        verb=verb,
        subject=obj,
        from_state=current,
        to_state=to,
        note=note,
        data={**labels, **(data or {})},
    )


def _display(obj: models.Model, field: str, value) -> str:
    try:
        choices = dict(obj._meta.get_field(field).flatchoices)
        return str(choices.get(value, value))
    except Exception:  # noqa: BLE001 - a label is cosmetic; fall back to the raw value
        return str(value)


def save_versioned(obj: models.Model, *, expected_version: int, fields: Iterable[str]) -> None:
    """Save `fields` of `obj` only if nobody saved it since `expected_version` was read.

    A compare-and-set UPDATE: two clerks editing the same record cannot overwrite each other
    silently; the second gets `StaleEdit` and keeps what they typed."""
    fields = list(fields)
    values = {name: getattr(obj, name) for name in fields}
    updated = (
        type(obj)
        .objects.filter(pk=obj.pk, version=expected_version)
        .update(**values, version=F("version") + 1)
    )
    if updated != 1:
        current = type(obj).objects.filter(pk=obj.pk).values_list("version", flat=True).first()
        raise StaleEdit(current_version=current)
    obj.version = expected_version + 1
    # An UPDATE sends no signal: tell post_save receivers (the text index keeps itself
    # current on them) that these fields were saved, as Model.save(update_fields=…) would.
    signals.post_save.send(
        sender=type(obj),
        instance=obj,
        created=False,
        update_fields=frozenset(fields),
        raw=False,
        using=obj._state.db or "default",
    )


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """{'phone': [old, new], …} for the audit `data` of an edit."""
    return {
        key: [str(before.get(key, "")), str(after.get(key, ""))]
        for key in after
        if before.get(key) != after.get(key)
    }


def deleted_by(user, model: type[models.Model], pk, verb: str) -> bool:
    """Whether `user` deleted row `pk` of `model` (its `verb` event; the row is gone): a page
    still open in another window may then give back what was typed instead of a bare 404."""
    if model._default_manager.filter(pk=pk).exists():
        return False
    return Event.objects.filter(
        verb=verb,
        content_type=ContentType.objects.get_for_model(model),
        object_id=str(pk),
        actor=user,
    ).exists()


def history(obj: models.Model):
    """The object's events, newest first, for its history panel (one query)."""
    return Event.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).order_by("-created_at", "-id")


def state_label(event: Event, which: str) -> str:
    """The label of an event's from- or to-state in the current language: from the choices
    of the subject model's state field (the event's `field`, else `status`, else any choice
    field that knows the value), then the label stored at the time, then the code. Events
    written without a transition (a creation with only `to_state`) get labels this way too.
    States of another model than the subject (an attendance's, on its meeting's history)
    name their choices in `data["choices"]` as "app_label.Model.field"."""
    value = event.from_state if which == "from" else event.to_state
    if not value:
        return ""
    named = (event.data or {}).get("choices")
    if named:
        from django.apps import apps

        try:
            app_label, model_name, field_name = named.split(".")
            field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
            choices = dict(field.flatchoices)
        except Exception:  # noqa: BLE001 - not a known model or field: fall back
            choices = {}
        if value in choices:
            return str(choices[value])
    model = None
    if event.content_type_id:
        from django.contrib.contenttypes.models import ContentType

        model = ContentType.objects.get_for_id(event.content_type_id).model_class()
    if model is not None:
        data = event.data or {}
        names = [data.get("field") or "status"]
        names += [f.name for f in model._meta.get_fields() if getattr(f, "flatchoices", None)]
        for name in names:
            try:
                choices = dict(model._meta.get_field(name).flatchoices)
            except Exception:  # noqa: BLE001 - no such field on this model: try the next
                continue
            if value in choices:
                return str(choices[value])
    stored = (event.data or {}).get(f"{which}_label")
    return str(stored or value)
