"""duty's receivers of the signals of lower apps, connected in `DutyConfig.ready`.

proposals sits below duty and does not import it: it sends `proposals.signals.
proposal_accepted` (立案 and 并案) and `key_proposal_approved` (the chairman's meeting's key
proposal) inside the service's transaction, and the proposers' duty records are written here,
so they commit or roll back with the proposal's change.
"""

from .models import DutyKind
from .services import record_duty


def _record_proposers(proposal, *, date, first_proposer, cosigners, first_kind, cosigner_kind):
    """One duty record for the first proposer and one for each confirmed co-signer, with the
    proposal as their source (idempotent per member, kind and proposal: `record_duty`)."""
    if first_proposer is not None:
        record_duty(
            member=first_proposer, kind=first_kind, date=date, title=proposal.title, source=proposal
        )
    for member in cosigners:
        record_duty(
            member=member, kind=cosigner_kind, date=date, title=proposal.title, source=proposal
        )


def on_proposal_accepted(sender, *, proposal, date, first_proposer, cosigners, **kwargs) -> None:
    _record_proposers(
        proposal,
        date=date,
        first_proposer=first_proposer,
        cosigners=cosigners,
        first_kind=DutyKind.PROPOSAL_FIRST,
        cosigner_kind=DutyKind.PROPOSAL_COSIGNER,
    )


def on_key_proposal_approved(
    sender, *, proposal, date, first_proposer, cosigners, **kwargs
) -> None:
    _record_proposers(
        proposal,
        date=date,
        first_proposer=first_proposer,
        cosigners=cosigners,
        first_kind=DutyKind.KEY_PROPOSAL_FIRST,
        cosigner_kind=DutyKind.KEY_PROPOSAL_COSIGNER,
    )
