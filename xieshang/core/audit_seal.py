"""The audit log's seal chain: evidence that no event was changed or removed afterwards.

The model refuses to update or delete an event, but whoever holds the database could. So a
job (`core.seal_audit`, every minute) gives each new event the next place in one chain and
seals it: seal = HMAC(key, previous seal + the event's content), with a key the database
does not hold (AUDIT_SEAL_KEY, else one derived from SECRET_KEY). Changing an event, or
removing one from the middle, breaks the chain at that place; `verify` finds the first
break, the daily job (`core.verify_audit`) records the result for the audit log page and
tells the audit administrators of a break, and `manage.py verify_audit` exits non-zero.

The chain follows sealing order, not ids: a transaction that commits late is sealed when
it becomes visible. Only the retention purge removes events, and only from the chain's
start; its event keeps the last removed seal as the anchor the rest is checked from.
Not sealed: `actor_id` (a removed account's events lose it; `actor_name` is sealed), and
events written in the minute before a check, which the next check covers.
"""

import hashlib
import hmac
import json
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext_noop as N_

from .models import Event
from .phrases import Phrase

BATCH = 2000
PURGE_VERB = "audit.purge"
VERIFY_VERB = "audit.verify"


def _key() -> bytes:
    key = getattr(settings, "AUDIT_SEAL_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(b"xieshang audit seal\0" + key.encode()).digest()


def _content(event: Event) -> bytes:
    return json.dumps(
        [
            event.seal_seq,
            event.pk,
            event.created_at.isoformat(),
            event.actor_name,
            event.organisation_id,
            event.verb,
            event.content_type_id,
            event.object_id,
            event.object_repr,
            event.from_state,
            event.to_state,
            event.note,
            event.data,
            event.ip_address,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    ).encode()


def digest(previous: str, event: Event, key: bytes | None = None) -> str:
    return hmac.new(
        key or _key(), previous.encode() + b"\0" + _content(event), "sha256"
    ).hexdigest()


def seal_pending(limit: int = 50 * BATCH) -> int:
    """Seal the events not sealed yet, oldest id first, up to `limit`; returns how many.
    Two sealers at once cannot both take a place: the second one's batch is refused by
    the unique place and sealed by the next run."""
    key, done = _key(), 0
    while done < limit:
        with transaction.atomic():
            last = Event.objects.filter(seal_seq__isnull=False).order_by("-seal_seq").first()
            seq, previous = (last.seal_seq, last.seal) if last else _anchor()
            rows = list(Event.objects.filter(seal_seq__isnull=True).order_by("id")[:BATCH])
            if not rows:
                break
            for event in rows:
                seq += 1
                event.seal_seq = seq
                event.seal = previous = digest(previous, event, key)
            try:
                with transaction.atomic():
                    _write_seals(rows)
            except IntegrityError:
                break
        done += len(rows)
    return done


def _write_seals(rows: list[Event]) -> None:
    """One UPDATE per row, sent as a batch. `bulk_update` builds a CASE of every row for
    each column: 0.9 ms an event in Python, 91 s for the 100,000 events of an import's
    first run on a province; this is a plain statement the driver repeats."""
    meta = Event._meta
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} = %s, {} = %s WHERE {} = %s".format(
        quote(meta.db_table),
        quote(meta.get_field("seal_seq").column),
        quote(meta.get_field("seal").column),
        quote(meta.pk.column),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(e.seal_seq, e.seal, e.pk) for e in rows])


def _anchor() -> tuple[int, str]:
    """Where the chain starts: (the place before its first event, that place's seal)."""
    purge = (
        Event.objects.filter(verb=PURGE_VERB, data__has_key="anchor_seq").order_by("-id").first()
    )
    if purge is None:
        return 0, ""
    return int(purge.data["anchor_seq"]), str(purge.data["anchor_seal"])


@dataclass
class Verification:
    checked: int
    unsealed: int
    broken_at: int | None = None  # the id of the first event whose seal does not hold
    missing_after: int | None = None  # the id of the event after which places are missing

    @property
    def ok(self) -> bool:
        return self.broken_at is None and self.missing_after is None

    def as_data(self) -> dict:
        return asdict(self)


def verify() -> Verification:
    """Walk the chain from its anchor; stop at the first event that does not hold."""
    key = _key()
    seq, previous = _anchor()
    last_id = None
    checked = 0
    rows = Event.objects.filter(seal_seq__gt=seq).order_by("seal_seq")
    for event in rows.iterator(chunk_size=BATCH):
        if event.seal_seq != seq + 1:
            return Verification(checked, _unsealed(), missing_after=last_id or 0)
        if not hmac.compare_digest(event.seal, digest(previous, event, key)):
            return Verification(checked, _unsealed(), broken_at=event.pk)
        seq, previous, last_id = event.seal_seq, event.seal, event.pk
        checked += 1
    return Verification(checked, _unsealed())


def _unsealed() -> int:
    return Event.objects.filter(seal_seq__isnull=True).count()


def purge_prefix(cutoff) -> tuple[int, dict]:
    """For the retention purge: seal what is pending, then the place up to which every
    sealed event is older than `cutoff`. Returns (that place, the anchor data for the purge
    event); events up to it are the ones to remove. An old event sealed after a newer one
    stays until the newer one goes: kept longer, never shorter, than the retention period."""
    seal_pending(limit=10**12)
    first_young = (
        Event.objects.filter(created_at__gte=cutoff, seal_seq__isnull=False)
        .order_by("seal_seq")
        .values_list("seal_seq", flat=True)
        .first()
    )
    if first_young is None:
        upto = Event.objects.aggregate(m=Max("seal_seq"))["m"] or 0
    else:
        upto = first_young - 1
    anchor = Event.objects.filter(seal_seq=upto).values_list("seal", flat=True).first()
    if anchor is None:
        return 0, {}
    return upto, {"anchor_seq": upto, "anchor_seal": anchor}


def check_and_record() -> Verification:
    """Seal what is pending, verify the chain and record the result as an event (the audit
    log page shows the latest); on a break, the audit administrators are told at once."""
    from .audit import record_event
    from .notifications import notify

    seal_pending(limit=10**12)
    result = verify()
    record_event(
        actor=None,
        verb=VERIFY_VERB,
        to_state="ok" if result.ok else "broken",
        data=result.as_data(),
    )
    if not result.ok:
        from xieshang.orgs.models import Role, RoleAssignment

        auditors = [
            ra.user
            for ra in RoleAssignment.objects.filter(role=Role.AUDIT_ADMIN).select_related("user")
        ]
        notify(
            auditors,
            title=Phrase(N_("审计记录完整性校验未通过")),
            body=describe_phrase(result),
            url=reverse("audit_log"),
            dedupe_key=f"audit-verify:{result.broken_at}:{result.missing_after}",
            channels=("inbox", "sms"),
        )
    return result


def describe(result: Verification) -> str:
    """The result in words, in the active language."""
    return str(describe_phrase(result))


def describe_phrase(result: Verification) -> Phrase:
    """The result as a phrase, for a notice read later in each reader's language."""
    if result.broken_at is not None:
        return Phrase(
            N_("第 %(id)s 号审计记录在封存后被改动，其后的记录无法再证明未被改动。"),
            id=result.broken_at,
        )
    if result.missing_after == 0:
        return Phrase(N_("审计记录的开头有记录在封存后被删除。"))
    if result.missing_after is not None:
        return Phrase(N_("第 %(id)s 号审计记录之后有记录在封存后被删除。"), id=result.missing_after)
    return Phrase(N_("已校验 %(n)s 条审计记录，封存后均未被改动或删除。"), n=result.checked)


def latest_check() -> dict | None:
    """The last recorded check, for the audit log page: when, whether it held, and what."""
    event = Event.objects.filter(verb=VERIFY_VERB).order_by("-id").first()
    if event is None:
        return None
    result = Verification(**event.data)  # what check_and_record wrote: as_data()
    return {"at": event.created_at, "ok": result.ok, "text": describe(result)}
