"""Signals of proposals, for higher apps whose records follow a proposal's review.

proposals sits below duty and opinions in the layers and never imports them: it says what
happened, and they connect receivers in their `AppConfig.ready`. Every signal here is sent
with `send` (not `send_robust`) inside the transaction of the service that sends it, so a
receiver's record commits or rolls back with the proposal's change and a receiver's error
refuses the change.

`proposal_converted(sender=Proposal, proposal, to, actor)` is sent by
`services.proposal_convert` once the proposal is 转意见建议 or 转社情民意 (opinions makes
the social-conditions item of it).

`proposal_accepted(sender=Proposal, proposal, date, first_proposer, cosigners)` is sent by
`services.proposal_accept` (立案) and `services.proposal_merge` (并案: a merged proposal
counts for its proposers as an accepted one); `key_proposal_approved` with the same
arguments by `services.key_approve` once the chairman's meeting makes it a key proposal.
`first_proposer` is the first proposer's Member (None for a proposal made in a group's or
committee's name), `cosigners` the Members of the confirmed co-signers in the order the
proposal lists them, and `date` the day the proposal counts in its year
(`services.review.duty_date`). duty records the proposers' duty facts on them
(`duty.receivers`).
"""

from django.dispatch import Signal

proposal_converted = Signal()
proposal_accepted = Signal()
key_proposal_approved = Signal()
