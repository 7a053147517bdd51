"""Background jobs. A task loads its data and calls a service; running it twice sends
nothing twice (delivery state is stored per notification and channel)."""

from django_tasks import task


@task()
def deliver_notifications(notification_ids: list[int]) -> int:
    from .models import Notification
    from .notifications import deliver

    count = 0
    for note in Notification.objects.filter(pk__in=notification_ids).select_related("recipient"):
        deliver(note)
        count += 1
    return count
