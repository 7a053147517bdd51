"""Signals of the follow-up engine, for modules whose own state follows a task's.

`feedback_submitted(sender=Task, task, feedback, actor)` is sent inside the transaction of
`services.feedback_submit`, whichever page or API the feedback came through, so a receiver's
change commits or rolls back with the feedback itself.

`extension_approved(sender=Task, task, extension, old_due, actor)` is sent inside the
transaction of `services.extension_decide` once an extension request is approved and the
task's due date moved from `old_due` to `task.due_date`: the module whose item the task
serves records it there and tells whom it concerns (a proposal's history and proposers).
"""

from django.dispatch import Signal

feedback_submitted = Signal()
extension_approved = Signal()
