"""Notifications: one call puts an item in each recipient's inbox and queues delivery on
the other channels (email, SMS) as a background task.

Idempotent: with a `dedupe_key`, a second call for the same recipient and key does nothing,
so a deadline scan that runs twice never notifies twice.
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from .models import Notification

CHANNELS = ("inbox", "email", "sms")


def notify(
    recipients: Iterable,
    *,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str = "",
    channels: Iterable[str] = ("inbox",),
) -> list[Notification]:
    channels = [c for c in channels if c in CHANNELS]
    created: list[Notification] = []
    for user in {u.pk: u for u in recipients if u is not None}.values():
        if (
            dedupe_key
            and Notification.objects.filter(recipient=user, dedupe_key=dedupe_key).exists()
        ):
            continue
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    recipient=user,
                    title=title[:200],
                    body=body,
                    url=url,
                    dedupe_key=dedupe_key[:200],
                    channels=channels,
                )
        except IntegrityError:
            continue  # another worker created the same (recipient, dedupe_key) first
        created.append(note)
    outside = [n.pk for n in created if set(n.channels) - {"inbox"}]
    if outside:
        from .tasks import deliver_notifications

        transaction.on_commit(lambda: deliver_notifications.enqueue(outside))
    return created


def deliver(notification: Notification) -> None:
    """Send one notification on its email/SMS channels, once each."""
    from django.core.mail import send_mail

    from .sms import get_backend

    done = dict(notification.delivered)
    user = notification.recipient
    if "email" in notification.channels and not done.get("email") and user.email:
        send_mail(notification.title, notification.body or notification.title, None, [user.email])
        done["email"] = True
    if "sms" in notification.channels and not done.get("sms") and user.phone:
        get_backend().send(user.phone, f"{notification.title} {notification.body}".strip()[:300])
        done["sms"] = True
    if done != notification.delivered:
        Notification.objects.filter(pk=notification.pk).update(delivered=done)
        notification.delivered = done
