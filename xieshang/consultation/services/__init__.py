"""Every change to consultation data. Pages, the API, the demo and commands call these.

Each function checks the actor's right (through `policies`, built on core.access) and the
row's state, applies the change, writes the audit event and any follow-up task, duty record
and notification, all in one transaction. Callers use them as `services.X`: this package
re-exports every public name of its modules (topics → plans → activities → outcomes, and
party-consultation plans), so callers never need to know which stage a function lives in.
"""

# Callers may catch these as `services.TransitionError` / `services.ValidationError`.
from django.core.exceptions import ValidationError

from xieshang.core.audit import TransitionError

from .activities import (
    activity_add_participants,
    activity_create,
    activity_edit,
    activity_hold,
    attachment_add,
    members_for,
    participant_link_account,
    participant_unlink_account,
    speech_add,
)
from .common import PS, RateLimited, cppcc_of, focus_areas_ensure, focus_areas_ensure_all
from .outcomes import (
    OS,
    default_outcome_kind,
    outcome_close,
    outcome_create,
    outcome_decide,
    outcome_enter_decision,
    outcome_submit,
    outcome_update,
)
from .party import (
    party_plan_comment,
    party_plan_create,
    party_plan_finalise,
    party_plan_send,
)
from .plans import (
    FORWARD_VERBS,
    ITEM_FIELDS,
    STEP_ROLES,
    plan_comment,
    plan_create,
    plan_edit,
    plan_forward,
    plan_item_remove,
    plan_item_save,
    plan_send_back,
    versions_diff,
)
from .topics import (
    ip_hash,
    topic_bulk_reject,
    topic_create,
    topic_edit,
    topic_from_resident_issue,
    topic_merge,
    topic_moderate,
    topic_public_submit,
)

__all__ = [
    "TransitionError",
    "ValidationError",
    # common
    "PS",
    "RateLimited",
    "cppcc_of",
    "focus_areas_ensure",
    "focus_areas_ensure_all",
    # topics
    "topic_create",
    "topic_from_resident_issue",
    "ip_hash",
    "topic_public_submit",
    "topic_moderate",
    "topic_bulk_reject",
    "topic_edit",
    "topic_merge",
    # plans
    "plan_create",
    "plan_edit",
    "ITEM_FIELDS",
    "plan_item_save",
    "plan_item_remove",
    "FORWARD_VERBS",
    "plan_forward",
    "plan_send_back",
    "plan_comment",
    "STEP_ROLES",
    "versions_diff",
    # party-consultation plans
    "party_plan_create",
    "party_plan_send",
    "party_plan_comment",
    "party_plan_finalise",
    # activities
    "activity_create",
    "activity_edit",
    "members_for",
    "participant_link_account",
    "participant_unlink_account",
    "activity_add_participants",
    "activity_hold",
    "speech_add",
    "attachment_add",
    # outcomes
    "OS",
    "default_outcome_kind",
    "outcome_create",
    "outcome_submit",
    "outcome_update",
    "outcome_enter_decision",
    "outcome_decide",
    "outcome_close",
]
