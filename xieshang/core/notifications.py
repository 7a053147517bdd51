"""Notifications: one call puts an item in each recipient's inbox and queues delivery on
the other channels (email, SMS) as a background task.

    notify([user], title=_("提案已交办"), body=..., url=proposal.get_absolute_url(),
           dedupe_key=f"proposal:{proposal.pk}:assigned", channels=("inbox", "email"))

Idempotent twice over:
- with a `dedupe_key`, a second call for the same recipient and key creates nothing and
  sends nothing, so a deadline scan that runs twice never notifies twice;
- delivery claims each channel in the row (`delivered`) before sending, so a delivery task
  that runs twice, or two workers running it at once, send each channel at most once.
A send that raises releases its claim and is retried by the next run (up to
`MAX_ATTEMPTS`). A worker killed between claim and finish leaves the channel "sending";
`recover_stalled` settles it later by asking the channel whether the message (known by its
reference) went out: sent → "sent", not sent → retried, cannot tell → "unconfirmed", never
sent again — at most once, never twice.
"""

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)

CHANNELS = ("inbox", "email", "sms")
OUTSIDE_CHANNELS = ("email", "sms")
MAX_ATTEMPTS = 3
SENDING, SENT, FAILED, SKIPPED = "sending", "sent", "failed", "skipped"
# A send cut off by a dead worker that the channel cannot confirm: final, never resent.
UNCONFIRMED = "unconfirmed"
# A worker sends one message in seconds; a claim older than this belongs to a dead worker.
STALLED_AFTER = dt.timedelta(minutes=10)


def notify(
    recipients: Iterable,
    *,
    title,
    body="",
    url: str = "",
    dedupe_key: str = "",
    channels: Iterable[str] = ("inbox",),
) -> list[Notification]:
    """Create one inbox item per recipient (users; `None` is ignored) and queue email/SMS
    delivery after the surrounding transaction commits. Returns the rows created.

    `title` and `body` are plain texts or `core.phrases.Phrase`s (a body also a list of
    lines): a phrase is shown in each reader's language, whoever sent it in which."""
    from .phrases import store

    title, title_phrase = store(title)
    body, body_phrase = store(body)
    channels = [c for c in CHANNELS if c in set(channels)]
    if not channels:
        raise ValueError(f"no known channel in {channels!r}; choose from {CHANNELS}")
    created: list[Notification] = []
    for user in {u.pk: u for u in recipients if u is not None}.values():
        if (
            dedupe_key
            and Notification.objects.filter(recipient=user, dedupe_key=dedupe_key[:200]).exists()
        ):
            continue
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    recipient=user,
                    title=title[:200],
                    body=body,
                    title_phrase=title_phrase,
                    body_phrase=body_phrase,
                    url=url[:500],
                    dedupe_key=dedupe_key[:200],
                    channels=channels,
                )
        except IntegrityError:
            continue  # another worker created the same (recipient, dedupe_key) first
        created.append(note)
    outside = [n.pk for n in created if set(n.channels) & set(OUTSIDE_CHANNELS)]
    if outside:
        from .tasks import deliver_notifications

        # robust: a failure to queue must not break the caller's request after its commit;
        # the `core.retry_notifications` job queues the delivery again later.
        transaction.on_commit(lambda: deliver_notifications.enqueue(outside), robust=True)
    return created


def pending_channels(notification: Notification) -> list[str]:
    """The outside channels of `notification` that a delivery run should still try."""
    pending = []
    for channel in OUTSIDE_CHANNELS:
        if channel not in notification.channels:
            continue
        state = (notification.delivered or {}).get(channel) or {}
        if state.get("state") in (SENT, SENDING, SKIPPED, UNCONFIRMED):
            continue
        if state.get("state") == FAILED and state.get("attempts", 0) >= MAX_ATTEMPTS:
            continue
        pending.append(channel)
    return pending


def _claim(pk: int) -> tuple[Notification | None, list[str]]:
    """Mark the pending channels of one notification as being sent, under a row lock, so
    no other run sends them. Returns the row and the channels this run now owns."""
    from .audit import lock

    with transaction.atomic():
        try:
            note = lock(Notification, pk)
        except Notification.DoesNotExist:
            return None, []
        channels = pending_channels(note)
        if not channels:
            return note, []
        delivered = dict(note.delivered or {})
        now = timezone.now().isoformat()
        for channel in channels:
            previous = delivered.get(channel) or {}
            delivered[channel] = {
                "state": SENDING,
                "at": now,
                "attempts": previous.get("attempts", 0) + 1,
            }
        Notification.objects.filter(pk=pk).update(delivered=delivered)
        note.delivered = delivered
        return note, channels


def _finish(pk: int, channel: str, state: str, error: str = "") -> None:
    from .audit import lock

    with transaction.atomic():
        note = lock(Notification, pk)
        delivered = dict(note.delivered or {})
        entry = dict(delivered.get(channel) or {})
        entry.update(state=state, at=timezone.now().isoformat())
        if error:
            entry["error"] = error[:300]
        delivered[channel] = entry
        Notification.objects.filter(pk=pk).update(delivered=delivered)


def _absolute(url: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    if url.startswith("/") and base:
        return base + url
    return url


def email_text(notification: Notification) -> str:
    parts = [notification.body or notification.title]
    if notification.url:
        parts.append(_absolute(notification.url))
    return "\n\n".join(parts)


def sms_text(notification: Notification) -> str:
    return f"{notification.title} {notification.body}".strip()[:300]


def _send(notification: Notification, channel: str) -> bool:
    """Send on one channel; False when the recipient has no address for it."""
    user = notification.recipient
    if channel == "email":
        if not user.email:
            return False
        from django.core.mail import send_mail

        send_mail(notification.title, email_text(notification), None, [user.email])
        return True
    if channel == "sms":
        if not user.phone:
            return False
        from .sms import get_backend

        get_backend().send(
            user.phone, sms_text(notification), reference=reference(notification.pk, channel)
        )
        return True
    raise ValueError(channel)


def reference(pk: int, channel: str) -> str:
    """Our id of one message, given to the provider so it can be asked about it later."""
    return f"xs-{pk}-{channel}"


def _channel_status(pk: int, channel: str) -> str | None:
    """Did the message go out, as far as its channel can tell? (sms.SENT / sms.NOT_SENT /
    None.) Mail servers cannot be asked, so an email is never confirmed."""
    if channel != "sms":
        return None
    from .sms import get_backend

    return get_backend().status(reference(pk, channel))


def recover_stalled(*, now=None) -> dict[str, int]:
    """Settle the channels that a worker claimed and never finished (it was killed mid-
    delivery). Each is resolved under the row lock, so two recoveries never both act; a
    channel found not sent goes back to the retry queue. Returns counts by outcome."""
    from . import sms
    from .audit import lock

    now = now or timezone.now()
    cutoff = now - STALLED_AFTER
    stuck = Notification.objects.filter(
        Q(delivered__email__state=SENDING) | Q(delivered__sms__state=SENDING)
    ).values_list("pk", flat=True)
    counts = {SENT: 0, FAILED: 0, UNCONFIRMED: 0}
    retry = []
    for pk in list(stuck):
        with transaction.atomic():
            note = lock(Notification, pk)
            delivered = dict(note.delivered or {})
            for channel in OUTSIDE_CHANNELS:
                entry = dict(delivered.get(channel) or {})
                if entry.get("state") != SENDING:
                    continue
                claimed = dt.datetime.fromisoformat(entry.get("at") or now.isoformat())
                if claimed > cutoff:
                    continue  # a live worker may be sending it right now
                status = _channel_status(pk, channel)
                if status == sms.SENT:
                    entry["state"] = SENT
                elif status == sms.NOT_SENT:
                    entry.update(state=FAILED, error="发送中断（后台进程停止），将重试")
                    retry.append(pk)
                else:
                    entry.update(
                        state=UNCONFIRMED, error="发送中断（后台进程停止），无法确认是否送达"
                    )
                entry["recovered_at"] = now.isoformat()
                counts[entry["state"]] += 1
                delivered[channel] = entry
            Notification.objects.filter(pk=pk).update(delivered=delivered)
    if retry:
        from .tasks import deliver_notifications

        ids = sorted(set(retry))
        transaction.on_commit(lambda: deliver_notifications.enqueue(ids), robust=True)
    if any(counts.values()):
        logger.warning("notifications: settled stalled deliveries %s", counts)
    return counts


def deliver(notification: Notification | int) -> dict[str, str]:
    """Send one notification on its pending email/SMS channels, each at most once.
    Returns {channel: outcome} for the channels this run handled."""
    pk = notification if isinstance(notification, int) else notification.pk
    note, channels = _claim(pk)
    outcome: dict[str, str] = {}
    for channel in channels:
        try:
            sent = _send(note, channel)
        except Exception as exc:  # noqa: BLE001 - recorded and retried by the next run
            logger.warning("notification %s: %s delivery failed: %s", pk, channel, exc)
            _finish(pk, channel, FAILED, error=str(exc))
            outcome[channel] = FAILED
            continue
        outcome[channel] = SENT if sent else SKIPPED
        _finish(pk, channel, outcome[channel])
    if note is not None and not isinstance(notification, int):
        notification.delivered = Notification.objects.values_list("delivered", flat=True).get(pk=pk)
    return outcome


def retry_undelivered(*, older_than_minutes: int = 10, within_hours: int = 48) -> int:
    """Queue delivery again for recent notifications whose email/SMS is still pending —
    a delivery task lost with a crashed worker, or a send that failed. Safe to run at any
    time: delivery claims each channel, so nothing goes out twice. Returns how many."""
    now = timezone.now()
    recent = Notification.objects.filter(
        created_at__lte=now - dt.timedelta(minutes=older_than_minutes),
        created_at__gte=now - dt.timedelta(hours=within_hours),
    ).only("pk", "channels", "delivered")
    ids = [n.pk for n in recent.iterator(chunk_size=500) if pending_channels(n)]
    if ids:
        from .tasks import deliver_notifications

        for start in range(0, len(ids), 200):
            deliver_notifications.enqueue(ids[start : start + 200])
    return len(ids)


def settle(*keys: str) -> int:
    """Mark as read every unread notice whose `dedupe_key` is one of `keys`, or starts with
    one of them that ends with ":" (a prefix: task 12's "followup:12:" never matches task
    123's, where "duty.entry.12" as a prefix would match "duty.entry.123"): what the notice
    asked of its readers is done or moot — a deadline met, a request decided or withdrawn,
    a report reviewed, an answer another leader signed — so it no longer waits at the top
    of an inbox as unread. The notice itself stays. Returns how many were settled."""
    if not keys:
        return 0
    query = Q()
    for key in keys:
        query |= Q(dedupe_key__startswith=key) if key.endswith(":") else Q(dedupe_key=key)
    return (
        Notification.objects.filter(query, read_at__isnull=True)
        .exclude(dedupe_key="")
        .update(read_at=timezone.now())
    )


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, pk: int | None = None) -> int:
    """Mark one of `user`'s notifications (or, with pk None, all of them) as read."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        rows = rows.filter(pk=pk)
    return rows.update(read_at=timezone.now())
