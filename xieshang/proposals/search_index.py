"""What proposals put in the text index (textsim.index, found by autodiscovery): the title
and number, the proposers' names (the first proposer and confirmed co-signers) and the
proposal's own text. Nothing internal (review notes, answers) so that the public portal's
search over published proposals finds only what it shows."""

from xieshang.textsim import index

from .models import Proposal, Signer


def signer_names(proposal: Proposal) -> list[str]:
    if "signers" in getattr(proposal, "_prefetched_objects_cache", {}):  # a rebuild's batch
        signers = proposal.signers.all()
        return [s.member.name for s in signers if s.status == Signer.Status.CONFIRMED]
    # One save: one query, not one for the signers and one more for each signer's member.
    confirmed = proposal.signers.filter(status=Signer.Status.CONFIRMED)
    return list(confirmed.order_by(*Signer._meta.ordering).values_list("member__name", flat=True))


index.register(
    Proposal,
    title=["title", "number"],
    names=["first_proposer__name", signer_names],
    body=["proposer_body", "facts", "analysis", "suggestions"],
    select_related=["first_proposer"],
    prefetch_related=["signers__member"],
    depends={Signer: lambda signer: signer.proposal},
    organisation="organisation_id",
    year="year",
)
