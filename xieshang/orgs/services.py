"""Changes to the organisation tree."""

from django.db import transaction

from xieshang.core.audit import record_event

from .models import Organisation


@transaction.atomic
def organisation_create(
    *, name: str, level: str, parent: Organisation | None = None, actor=None, **fields
) -> Organisation:
    org = Organisation.objects.create(name=name, level=level, parent=parent, **fields)
    org.path = (parent.path if parent else "") + f"{org.pk:06d}."
    org.save(update_fields=["path"])
    record_event(actor=actor, verb="org.create", subject=org, organisation=org)
    return org
