"""Signals of proposals, for higher apps whose records follow a proposal's review.

`proposal_converted(sender=Proposal, proposal, to, actor)` is sent inside the transaction of
`services.proposal_convert` once the proposal is 转意见建议 or 转社情民意, so a receiver's record
(the social-conditions item opinions makes of it) commits or rolls back with the conversion.
"""

from django.dispatch import Signal

proposal_converted = Signal()
