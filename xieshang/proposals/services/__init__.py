"""Every change to a proposal, as one function per transition.

Each checks the actor's right and the current state, applies the change, writes the audit
event, duty records and notifications, in one transaction. Views, the API and commands call
only these, as `services.X`: this package re-exports every public name of its modules
(drafting → review → assignment → contacts, co-handling, extension, returns → answering →
evaluation, key proposals, publication), so callers never need to know which stage a
function lives in.
"""

from .answering import (
    answer_record_upload,
    answer_send_back,
    answer_sign_off,
    answer_submit,
    category_note,
    outcome_categories,
    outcome_category_labels,
    sign_off_users,
)
from .assignment import proposal_assign, rehandle_instruction
from .attachments import attachment_add, attachment_remove
from .co_handling import (
    co_handlers_consulted,
    co_handlers_outstanding,
    co_view_submit,
    lead_answered_on,
)
from .common import EDITABLE, REVIEWABLE, S, access_can, months_later
from .contacts import contact_due, contact_overdue_notify, contact_record, contact_remind
from .drafting import (
    DRAFT_FIELDS,
    cosign_remind,
    cosign_withdraw_pending,
    proposal_create,
    proposal_delete_draft,
    proposal_submit,
    proposal_update,
    signer_confirm_for,
    signer_respond,
    validate_choices,
    validate_text,
)
from .evaluation import (
    evaluation_submit,
    evaluation_submit_for,
    proposal_close,
    proposal_rehandle,
    proposers,
    rate_for_candidates,
    rating_due,
    rating_due_after,
    rating_dues,
    rehandle_refusal,
    unsatisfied_ids,
)
from .extension import assignment_extension_request
from .key import key_approve, key_decline, key_shortlist, supervision_record
from .publication import publication_withhold, publish_due, publishable
from .returns import (
    assignment_reassign,
    assignment_return,
    reassign_refusal,
    return_refusal,
    return_until,
    returned_part_close,
)
from .review import (
    proposal_accept,
    proposal_convert,
    proposal_merge,
    proposal_reject,
    proposal_return,
    revision_remind,
)

__all__ = [
    "S",
    "EDITABLE",
    "REVIEWABLE",
    "months_later",
    "access_can",
    "DRAFT_FIELDS",
    "validate_text",
    "validate_choices",
    "attachment_add",
    "attachment_remove",
    "proposal_create",
    "proposal_update",
    "proposal_submit",
    "proposal_delete_draft",
    "signer_respond",
    "signer_confirm_for",
    "cosign_remind",
    "cosign_withdraw_pending",
    "proposal_accept",
    "proposal_merge",
    "proposal_convert",
    "proposal_return",
    "revision_remind",
    "proposal_reject",
    "rehandle_instruction",
    "proposal_assign",
    "return_until",
    "return_refusal",
    "assignment_return",
    "assignment_reassign",
    "reassign_refusal",
    "returned_part_close",
    "contact_due",
    "contact_record",
    "contact_remind",
    "contact_overdue_notify",
    "lead_answered_on",
    "co_view_submit",
    "co_handlers_consulted",
    "co_handlers_outstanding",
    "assignment_extension_request",
    "outcome_categories",
    "outcome_category_labels",
    "answer_submit",
    "category_note",
    "answer_sign_off",
    "answer_send_back",
    "sign_off_users",
    "answer_record_upload",
    "proposers",
    "evaluation_submit",
    "evaluation_submit_for",
    "rate_for_candidates",
    "proposal_rehandle",
    "rating_due",
    "rating_due_after",
    "rating_dues",
    "rehandle_refusal",
    "unsatisfied_ids",
    "proposal_close",
    "key_shortlist",
    "key_approve",
    "key_decline",
    "supervision_record",
    "publishable",
    "publish_due",
    "publication_withhold",
]
