"""Every change to a follow-up task. Views, the API, commands and other modules call these.

Each function checks the actor's right and the task's state, applies the change, writes the
audit event and sends notifications, all in one transaction. Callers use `services.X`: this
package re-exports every public name of its modules (tasks: open, urge, close, return,
cancel → feedback → extensions → the deadline scan; leaders' instructions; upward
reporting), so callers never need to know which stage a function lives in.
"""

from .common import assignees, escalation_recipients
from .deadlines import scan_deadlines
from .extensions import (
    DECISION_NOTE_MAX,
    EXTENSION_MAX_DAYS,
    extension_decide,
    extension_deciders,
    extension_request,
    requested_due_refusal,
    withdraw_extensions,
)
from .feedback import (
    answered_on_own_page,
    feedback_from_page,
    feedback_page_refusal,
    feedback_readers,
    feedback_submit,
    own_answer_page,
)
from .instructions import (
    INSTRUCTION_DEFAULT_DAYS,
    INSTRUCTION_OFFICES,
    RECORDING_ROLES,
    instruction_record,
    instruction_tasks,
    recording_role,
    same_instruction,
)
from .referrals import (
    RS,
    can_report_further_up,
    can_report_up,
    item_referrals,
    open_referral,
    referral_adopt,
    referral_forward,
    referral_merge,
    referral_return,
    referral_submit,
)
from .tasks import (
    task_cancel,
    task_cancel_with_subject,
    task_close,
    task_open,
    task_reopen,
    task_reopen_with_subject,
    task_urge,
)

__all__ = [
    "assignees",
    "escalation_recipients",
    "task_open",
    "task_urge",
    "task_close",
    "task_reopen",
    "task_reopen_with_subject",
    "task_cancel",
    "task_cancel_with_subject",
    "feedback_submit",
    "feedback_from_page",
    "feedback_page_refusal",
    "answered_on_own_page",
    "own_answer_page",
    "feedback_readers",
    "EXTENSION_MAX_DAYS",
    "DECISION_NOTE_MAX",
    "requested_due_refusal",
    "extension_deciders",
    "extension_request",
    "extension_decide",
    "withdraw_extensions",
    "scan_deadlines",
    "INSTRUCTION_OFFICES",
    "INSTRUCTION_DEFAULT_DAYS",
    "RECORDING_ROLES",
    "recording_role",
    "instruction_record",
    "same_instruction",
    "instruction_tasks",
    "RS",
    "open_referral",
    "referral_submit",
    "can_report_up",
    "can_report_further_up",
    "referral_adopt",
    "referral_merge",
    "referral_forward",
    "referral_return",
    "item_referrals",
]
