"""Items that come from elsewhere: a proposal converted to 社情民意 and a resident's issue
reported as one."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from xieshang.core.audit import record_event
from xieshang.core.phrases import Phrase, site_text

from ..models import Opinion
from .common import S


@transaction.atomic
def on_proposal_converted(sender, *, proposal, to, actor, **kwargs) -> None:
    """proposals' `proposal_converted` signal: a 转社情民意 becomes an item here (in the
    conversion's transaction)."""
    if to == proposal.Status.TO_INFO:
        opinion_from_proposal(proposal, actor)


def opinion_from_proposal(proposal, actor) -> Opinion:
    """A proposal converted to social-conditions information (转社情民意) becomes a
    submitted item in the office's queue, authored by its proposers. Idempotent."""
    existing = Opinion.objects.filter(proposal=proposal).first()
    if existing is not None:
        return existing
    from xieshang.proposals.models import Signer

    authors = []
    if proposal.first_proposer_id:
        authors.append(proposal.first_proposer)
    authors += [
        s.member
        for s in proposal.signers.filter(status=Signer.Status.CONFIRMED).select_related("member")
    ]
    opinion = Opinion.objects.create(
        organisation=proposal.organisation,
        year=timezone.localdate().year,
        title=proposal.title,
        facts=proposal.facts,
        analysis=proposal.analysis,
        suggestions=proposal.suggestions or proposal.title,
        source_type=(
            Opinion.SourceType.MEMBER if proposal.first_proposer_id else Opinion.SourceType.PARTY
        ),
        source_body=proposal.proposer_body,
        created_by=proposal.created_by,
        proposal=proposal,
        status=S.SUBMITTED,
        submitted_at=timezone.now(),
    )
    opinion.authors.set(authors)
    record_event(
        actor=actor,
        verb="opinion.submit",
        subject=opinion,
        from_state="",
        to_state=S.SUBMITTED,
        note=Phrase(N_("由提案转来：%(number)s"), number=proposal.number or proposal.title),
    )
    return opinion


@transaction.atomic
def opinion_from_resident_issue(*, issue, actor) -> Opinion:
    """A resident's issue reported as social-conditions information (转社情民意) by whoever
    triages it (the residents app checks that right): a submitted item in the office's queue
    of the committee above the street, from the street as a body, with no member author (a
    resident earns no duty record). The resident's phone never goes into the text."""
    if issue.opinion_id:
        return issue.opinion
    from xieshang.consultation.services import cppcc_of
    from xieshang.core.pii import mask_numbers

    organisation = cppcc_of(issue.organisation)
    # The item's text is stored: in the site's language, whoever reports it in which.
    # Numbers the resident typed (a phone, an ID card) go masked, as on the issue's staff
    # page and its task: the item is read by the office, reviewers and those it goes to.
    facts = mask_numbers(issue.description)
    if issue.location:
        facts = f"{facts}\n{site_text(N_('地点：%(place)s'), place=mask_numbers(issue.location))}"
    opinion = Opinion.objects.create(
        organisation=organisation,
        year=timezone.localdate().year,
        title=mask_numbers(issue.title)[:120],
        facts=facts,
        # The office writes the suggestions when it edits the item.
        suggestions=site_text(N_("群众希望有关方面研究解决。")),
        source_type=Opinion.SourceType.STAFF,
        source_body=site_text(
            N_("%(node)s（民情事项%(ticket)s）"), node=issue.organisation.name, ticket=issue.ticket
        ),
        created_by=actor if getattr(actor, "pk", None) else None,
        status=S.SUBMITTED,
        submitted_at=timezone.now(),
    )
    record_event(
        actor=actor,
        verb="opinion.submit",
        subject=opinion,
        from_state="",
        to_state=S.SUBMITTED,
        note=Phrase(N_("由民情事项转来：%(ticket)s"), ticket=issue.ticket),
    )
    return opinion
