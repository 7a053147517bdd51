"""Signals of the members app, for higher apps whose records follow a seat's.

`seat_ended(sender=Membership, membership, actor)` is sent inside the transaction of every
exit service (辞去委员, 撤销委员资格, 届满: `services._exit`), whichever page or process ended
the seat. The members app cannot import the apps above it (meetings withdraws a former
member's invitations to meetings not yet held); they connect a receiver when they start.
A receiver that must see the whole change (换届 ends a seat and seats the member again in
the same transaction) defers its work with `transaction.on_commit`.
"""

from django.dispatch import Signal

seat_ended = Signal()
