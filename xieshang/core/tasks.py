"""Background jobs (django-tasks). A task loads its data and calls a service; running it
twice sends nothing twice (delivery state is stored per notification and channel)."""

from django_tasks import task


@task()
def deliver_notifications(notification_ids: list[int]) -> int:
    """Send the email/SMS channels of these notifications. Returns how many were handled."""
    from .notifications import deliver

    count = 0
    for pk in notification_ids:
        if deliver(pk):
            count += 1
    return count


@task()
def run_periodic_job(name: str) -> None:
    """Run one job of the scheduler's registry in the worker (see core/scheduler.py)."""
    from .scheduler import run_job

    run_job(name)
