"""Briefings to members (情况通报, C2.14)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.audit import lock, record_event, transition
from xieshang.core.notifications import notify
from xieshang.members.models import Member, Membership
from xieshang.members.selectors import current_term

from ..models import Briefing, BriefingReceipt


@transaction.atomic
def briefing_create(*, organisation, actor, title: str, source: str, body: str) -> Briefing:
    if not access.can(actor, "meetings.manage", organisation):
        raise PermissionDenied
    if not title.strip() or not body.strip():
        raise ValidationError(_("请填写标题和内容。"))
    briefing = Briefing.objects.create(
        organisation=organisation,
        title=title.strip()[:200],
        source=source.strip()[:100],
        body=body.strip(),
        created_by=actor,
    )
    record_event(
        actor=actor,
        verb="briefing.publish",
        subject=briefing,
        to_state=briefing.status,
        note=_("起草"),
    )
    return briefing


@transaction.atomic
def briefing_publish(*, briefing: Briefing, actor) -> Briefing:
    """Publish to every active member of the current term: a receipt row each (the read
    receipts) and an inbox notice."""
    if not access.can(actor, "meetings.manage", briefing.organisation):
        raise PermissionDenied
    briefing = lock(Briefing, briefing.pk)
    term = current_term(briefing.organisation)
    members = (
        list(
            Member.objects.filter(
                memberships__term=term, memberships__status=Membership.Status.ACTIVE
            ).select_related("user")
        )
        if term
        else []
    )
    briefing.published_at = timezone.now()
    briefing.recipients_count = len(members)
    transition(
        briefing,
        to=Briefing.Status.PUBLISHED,
        allowed_from=[Briefing.Status.DRAFT],
        actor=actor,
        verb="briefing.publish",
        extra_fields=["published_at", "recipients_count"],
    )
    BriefingReceipt.objects.bulk_create(
        [BriefingReceipt(briefing=briefing, member=m) for m in members], ignore_conflicts=True
    )
    notify(
        [m.user for m in members if m.user_id],
        title=_("情况通报：%(t)s") % {"t": briefing.title},
        body=briefing.source,
        url=reverse("meetings:briefing", args=[briefing.pk]),
        dedupe_key=f"briefing:{briefing.pk}",
    )
    return briefing


def briefing_read(*, briefing: Briefing, member) -> bool:
    """Mark the member's copy read (first read only); True when this call marked it."""
    if member is None:
        return False
    return bool(
        BriefingReceipt.objects.filter(
            briefing=briefing, member=member, read_at__isnull=True
        ).update(read_at=timezone.now())
    )
