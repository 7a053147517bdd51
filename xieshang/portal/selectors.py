"""What the public may read. Every portal page starts from these querysets."""

from django.db.models import Q, QuerySet

from xieshang.proposals.models import Answer, Proposal, Signer

S = Proposal.Status


def published_proposals() -> QuerySet:
    """Proposals whose answers are published: a publication date, an answered or closed
    proposal, and none of the reasons not to publish (proposer opted out, office withheld,
    not of public interest) — checked again here so that a withheld proposal disappears
    even if its publication date was left behind."""
    return Proposal.objects.filter(
        Q(published_at__isnull=False)
        & Q(status__in=[S.ANSWERED, S.CLOSED])
        & Q(is_public_interest=True, proposer_opt_out=False, office_withheld=False)
    )


def public_answers(proposal: Proposal) -> QuerySet:
    """The answer letters of a published proposal, oldest first (re-handling answers
    follow the first ones)."""
    return (
        Answer.objects.sent()
        .filter(assignment__proposal=proposal)
        .select_related("assignment__department")
        .order_by("answered_at", "id")
    )


def public_signers(proposal: Proposal) -> QuerySet:
    return proposal.signers.filter(status=Signer.Status.CONFIRMED).select_related("member")


def contact_values(proposers, answers) -> list[str]:
    """The known contact values of a published proposal, removed from every text wherever
    they appear (`scrub.strip_contacts`): the proposers' phones and e-mail addresses, the
    answers' contact persons and phones."""
    known = [v for m in proposers for v in (m.phone, m.email)]
    return known + [v for a in answers for v in (a.contact_person, a.contact_phone)]
