"""Signals of the follow-up engine, for modules whose own state follows a task's.

`feedback_submitted(sender=Task, task, feedback, actor)` is sent inside the transaction of
`services.feedback_submit`, whichever page or API the feedback came through, so a receiver's
change commits or rolls back with the feedback itself.
"""

from django.dispatch import Signal

feedback_submitted = Signal()
