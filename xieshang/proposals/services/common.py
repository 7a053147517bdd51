"""Names and helpers every stage of a proposal's life uses: the states, dates, the
proposers and the reviewers to notify."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from xieshang.core import access, calendar
from xieshang.core.notifications import notify
from xieshang.orgs.models import Role

from ..models import Proposal, Signer

S = Proposal.Status
EDITABLE = [S.DRAFT, S.RETURNED]
REVIEWABLE = [S.SUBMITTED]


def months_later(start: dt.date, months: int) -> dt.date:
    """`months` calendar months after `start`, moved to a working day if it falls on a rest day."""
    return calendar.add_working_days(start + relativedelta(months=months), 0)


def _today() -> dt.date:
    return timezone.localdate()


def _proposer_users(proposal: Proposal, *, confirmed_only: bool = True) -> list:
    users = []
    stand_in = _stand_in(proposal)
    if stand_in is not None:
        users.append(stand_in)
    elif proposal.first_proposer_id and proposal.first_proposer.user_id:
        users.append(proposal.first_proposer.user)
    for signer in proposal.signers.select_related("member__user"):
        if signer.member.user_id and (
            not confirmed_only or signer.status == Signer.Status.CONFIRMED
        ):
            users.append(signer.member.user)
    return users


def _stand_in(proposal: Proposal):
    """Who is told in the first proposer's place (`_proposer_users`): the clerk who entered
    the proposal for a first proposer without an account, or None."""
    first = proposal.first_proposer if proposal.first_proposer_id else None
    if (first is None or not first.user_id) and proposal.created_by_id:
        return proposal.created_by
    return None


def _notify_proposers(
    proposal: Proposal, title, body, key: str, *, stand_in_title=None, stand_in_body=None
) -> None:
    """`title` and `body` are `core.phrases.Phrase`s (a body also a list of lines), so each
    proposer reads them in their own language. `stand_in_title`/`stand_in_body`: what the
    clerk told in place of a first proposer without an account reads instead, where the
    proposers' own words would ask the clerk to do what only a proposer does."""
    users = _proposer_users(proposal)
    stand_in = _stand_in(proposal) if stand_in_body is not None else None
    if stand_in is not None:
        users = [u for u in users if u.pk != stand_in.pk]
        notify(
            [stand_in],
            title=stand_in_title or title,
            body=stand_in_body,
            url=proposal.get_absolute_url(),
            dedupe_key=f"proposal:{proposal.pk}:{key}",
            channels=("inbox", "sms"),
        )
    notify(
        users,
        title=title,
        body=body,
        url=proposal.get_absolute_url(),
        dedupe_key=f"proposal:{proposal.pk}:{key}",
        channels=("inbox", "sms"),
    )


def access_can(user, perm: str, proposal: Proposal) -> bool:
    return access.can(user, perm, proposal.organisation)


def _reviewers(proposal: Proposal):
    """The proposal committee's staff of the proposal's organisation and the levels above."""
    return access.role_holders(proposal.organisation.ancestor_ids(), Role.PROPOSAL_COMMITTEE)


def _send_proposers_credited(proposal: Proposal, signal, *, date) -> None:
    """Send `signal` (`signals.proposal_accepted` or `key_proposal_approved`) with the
    proposers it credits: the first proposer and each confirmed co-signer. duty records
    their duty facts on it (`duty.receivers`), inside the caller's transaction."""
    first = proposal.first_proposer if proposal.first_proposer_id else None
    cosigners = [
        signer.member
        for signer in proposal.signers.filter(status=Signer.Status.CONFIRMED).select_related(
            "member"
        )
    ]
    signal.send(
        sender=Proposal, proposal=proposal, date=date, first_proposer=first, cosigners=cosigners
    )
