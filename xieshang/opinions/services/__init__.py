"""Every change to a social-conditions item. Views, the API, the proposal hook and the demo
call these; each checks the actor's right and the state, applies the change, writes the
audit event, duty records and notifications in one transaction. This package re-exports
every public name of its modules (drafting → review → publication (编发) → reporting (报送)
→ outcomes (采用, 批示); conversion from a proposal or a resident's issue), so callers use
`services.X` and never need to know which stage a function lives in."""

from xieshang.followups.services import INSTRUCTION_OFFICES  # used by callers

from .common import (
    ACCEPTED_STATES,
    DRAFT_HARD_MAX_CHARS,
    EDITABLE_FIELDS,
    S,
    check_length,
    length_error,
    over_limit,
)
from .conversion import on_proposal_converted, opinion_from_proposal, opinion_from_resident_issue
from .drafting import (
    edit_note,
    opinion_create,
    opinion_delete_draft,
    opinion_submit,
    opinion_update,
    opinion_withdraw,
)
from .outcomes import (
    ADOPTION_DUTY_KINDS,
    ADOPTION_FIELDS,
    _can_record_outcome,
    adoption_earliest,
    adoption_record,
    adoption_update,
    adoption_void,
    check_adoption_date,
    check_instruction_date,
    instruction_after,
    instruction_answered,
    instruction_check,
    instruction_earliest,
    instruction_record,
    instruction_tasks,
)
from .publication import issue_name, issue_publish
from .reporting import (
    REFERRAL_MODES,
    opinion_report,
    referral_adopted,
    referral_check,
    referral_moved,
    referral_returned,
)
from .review import (
    MERGE_TARGET_STATES,
    counted_on,
    opinion_accept,
    opinion_merge,
    opinion_reject,
    opinion_return,
)

__all__ = [
    # common
    "S",
    "EDITABLE_FIELDS",
    "DRAFT_HARD_MAX_CHARS",
    "ACCEPTED_STATES",
    "INSTRUCTION_OFFICES",
    "length_error",
    "check_length",
    "over_limit",
    # drafting
    "opinion_create",
    "opinion_update",
    "edit_note",
    "opinion_submit",
    "opinion_withdraw",
    "opinion_delete_draft",
    # review
    "counted_on",
    "opinion_return",
    "opinion_reject",
    "opinion_accept",
    "MERGE_TARGET_STATES",
    "opinion_merge",
    # publication (编发)
    "issue_name",
    "issue_publish",
    # reporting (报送)
    "opinion_report",
    "referral_check",
    "referral_moved",
    "referral_returned",
    "REFERRAL_MODES",
    "referral_adopted",
    # outcomes: adoptions (采用) and leaders' instructions (批示)
    "_can_record_outcome",  # instructions.py
    "adoption_record",
    "adoption_earliest",
    "check_adoption_date",
    "ADOPTION_FIELDS",
    "adoption_update",
    "adoption_void",
    "ADOPTION_DUTY_KINDS",
    "instruction_check",
    "instruction_earliest",
    "check_instruction_date",
    "instruction_after",
    "instruction_answered",
    "instruction_record",
    "instruction_tasks",
    # conversion
    "on_proposal_converted",
    "opinion_from_proposal",
    "opinion_from_resident_issue",
]
