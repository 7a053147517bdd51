"""Publication of answers on the portal."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core import calendar
from xieshang.core.audit import lock, record_event, record_events
from xieshang.orgs import config

from .. import policies, rules
from ..models import Proposal
from .common import S, _today


def publishable(proposal: Proposal) -> bool:
    return (
        proposal.is_public_interest
        and not proposal.proposer_opt_out
        and not proposal.office_withheld
        and proposal.status in (S.ANSWERED, S.CLOSED)
    )


# Proposals published per transaction (and per IN list).
CHUNK = 500


def publish_due(*, today: dt.date | None = None) -> int:
    """Publish answers on the portal the configured working days after the last answer.
    Idempotent: only proposals not yet published are touched, with a compare-and-set.

    Set-based, whatever the number waiting: one query for the candidates with their last
    sent answer, one for the publication delay of their organisations, one for the
    calendar, then per CHUNK due one locking read, one UPDATE and one INSERT of audit rows
    (a province in answer season has thousands waiting out the delay; the first run after
    importing history publishes thousands: 81 s one by one)."""
    today = today or _today()
    candidates = list(
        Proposal.objects.filter(
            status__in=[S.ANSWERED, S.CLOSED],
            published_at__isnull=True,
            is_public_interest=True,
            proposer_opt_out=False,
            office_withheld=False,
        )
        .annotate(last_sent=Max("assignments__answers__sent_at"))  # MAX skips unsent ones
        .filter(last_sent__isnull=False)
        .select_related("organisation")
        .order_by("pk")
    )
    if not candidates:
        return 0
    delays = config.get_many(
        {p.organisation_id: p.organisation for p in candidates}.values(), rules.PUBLISH_DAYS
    )
    sent_on = {p.pk: timezone.localtime(p.last_sent).date() for p in candidates}
    # Working days from today back to each answer's date, the calendar read once.
    back = calendar.working_days_from(today, sent_on.values())

    def is_due(p) -> bool:
        days, sent = delays[p.organisation_id], sent_on[p.pk]
        if days <= 0:  # the same as add_working_days(sent, 0) <= today
            return calendar.next_working_day(sent) <= today
        # add_working_days(sent, days) <= today: that many working days in (sent, today].
        return sent <= today and -back[sent] >= days

    due = [p for p in candidates if is_due(p)]
    count = 0
    for start in range(0, len(due), CHUNK):
        chunk = {p.pk: p for p in due[start : start + CHUNK]}
        with transaction.atomic():
            # A proposal withheld, opted out of publication, no longer of public interest or
            # published by someone else meanwhile is left as it is: every condition of the
            # selection is checked again under the lock.
            ids = list(
                Proposal.objects.select_for_update()
                .filter(
                    pk__in=chunk,
                    published_at__isnull=True,
                    is_public_interest=True,
                    proposer_opt_out=False,
                    office_withheld=False,
                    status__in=[S.ANSWERED, S.CLOSED],
                )
                .values_list("pk", flat=True)
            )
            Proposal.objects.filter(pk__in=ids).update(published_at=timezone.now())
            record_events(actor=None, verb="proposal.publish", subjects=[chunk[pk] for pk in ids])
        count += len(ids)
    return count


@transaction.atomic
def publication_withhold(*, proposal: Proposal, actor, note: str) -> Proposal:
    proposal = lock(Proposal, proposal.pk)
    if not policies.can_review(actor, proposal):
        raise PermissionDenied
    # The portal never shows a withheld answer again: the reason is the only record of why
    # (the form asks for it; this holds for every other caller too).
    if not (note or "").strip():
        raise ValidationError({"note": _("请写明不予公开的理由。")})
    if proposal.office_withheld:
        raise ValidationError(_("该提案答复已不予公开。"))
    proposal.office_withheld = True
    proposal.published_at = None
    proposal.save(update_fields=["office_withheld", "published_at"])
    record_event(actor=actor, verb="proposal.withhold", subject=proposal, note=note)
    return proposal
