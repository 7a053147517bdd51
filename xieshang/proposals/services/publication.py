"""Publication of answers on the portal."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from xieshang.core import calendar
from xieshang.core.audit import lock, record_event
from xieshang.orgs import config

from .. import policies, rules
from ..models import Answer, Proposal
from .common import S, _today


def publishable(proposal: Proposal) -> bool:
    return (
        proposal.is_public_interest
        and not proposal.proposer_opt_out
        and not proposal.office_withheld
        and proposal.status in (S.ANSWERED, S.CLOSED)
    )


def publish_due(*, today: dt.date | None = None) -> int:
    """Publish answers on the portal the configured working days after the last answer.
    Idempotent: only proposals not yet published are touched, with a compare-and-set."""
    today = today or _today()
    count = 0
    candidates = Proposal.objects.filter(
        status__in=[S.ANSWERED, S.CLOSED],
        published_at__isnull=True,
        is_public_interest=True,
        proposer_opt_out=False,
        office_withheld=False,
    ).select_related("organisation")
    for proposal in candidates:
        last = (
            Answer.objects.sent()
            .filter(assignment__proposal=proposal)
            .aggregate(m=Max("sent_at"))["m"]
        )
        if last is None:
            continue
        days = config.get(proposal.organisation, rules.PUBLISH_DAYS)
        if calendar.add_working_days(timezone.localtime(last).date(), days) > today:
            continue
        with transaction.atomic():
            if Proposal.objects.filter(pk=proposal.pk, published_at__isnull=True).update(
                published_at=timezone.now()
            ):
                record_event(actor=None, verb="proposal.publish", subject=proposal)
                count += 1
    return count


@transaction.atomic
def publication_withhold(*, proposal: Proposal, actor, note: str) -> Proposal:
    proposal = lock(Proposal, proposal.pk)
    if not policies.can_review(actor, proposal):
        raise PermissionDenied
    proposal.office_withheld = True
    proposal.published_at = None
    proposal.save(update_fields=["office_withheld", "published_at"])
    record_event(actor=actor, verb="proposal.withhold", subject=proposal, note=note)
    return proposal
