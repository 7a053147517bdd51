"""Background work of residents' issues (django-tasks)."""

from django_tasks import task


@task()
def send_resident_sms(sms_id: int) -> str:
    """Text one resident about their issue; running twice sends once (see deliver_sms)."""
    from .messaging import deliver_sms

    return deliver_sms(sms_id)
