"""Everything that changes meetings, invitations, leave, attendance, reports, briefings and
speeches.

Each function checks the actor's right and the current state, applies the change and writes
its audit event in one transaction; notifications go out through `core.notifications` and
duty records through `duty.services.record_duty`, both idempotent, so a retried call never
notifies or counts twice. Views, the API, jobs and commands call only these, as
`services.X`: this package re-exports every public name of its modules (planning → leave →
attendance → reports, and briefings and speeches), so callers never need to know which
stage a function lives in.
"""

# Callers catch these as `services.TransitionError` / `services.ValidationError`.
from django.core.exceptions import ValidationError

from xieshang.core.audit import TransitionError

from .attendance import (
    ATTENDED,
    DUTY_KIND_FOR_MEETING,
    MARKABLE,
    SignInRefused,
    attendance_mark,
    check_token,
    close_finished_meetings,
    meeting_close,
    meeting_outcome,
    qr_renew,
    signin_by_token,
    signin_path,
    signin_token,
    sitting_state,
)
from .briefings import (
    briefing_create,
    briefing_fingerprint,
    briefing_node_read,
    briefing_pass_on,
    briefing_publish,
    briefing_read,
    briefing_remind,
    briefing_update,
    lower_nodes,
    node_receipt_for,
    own_nodes,
)
from .former import withdraw_former_member
from .leave import (
    SignedInRefused,
    leave_approvers,
    leave_close_pending,
    leave_decide,
    leave_delegate,
    leave_delegation_revoke,
    leave_due_date,
    leave_open_sittings,
    leave_signed_in,
    leave_submit,
    leave_withdraw,
    leave_withdraw_pending,
    signed_in_refusal,
)
from .planning import (
    EDITABLE,
    SITTING_EDITABLE,
    InviteCriteria,
    invite,
    meeting_cancel,
    meeting_create,
    meeting_publish,
    meeting_update,
    signup,
    signup_cancel,
    signup_cancel_open,
    signup_open,
    sitting_add,
    sitting_delete,
    sitting_update,
)
from .reports import (
    can_file,
    committee_report_file,
    committee_reports_schedule,
    meeting_file_report,
    meeting_report_send,
    meeting_report_unsend,
)
from .speeches import (
    SPEECH_KINDS,
    speech_deliver,
    speech_schedule,
    speech_select,
    speech_submit,
)

__all__ = [
    "TransitionError",
    "ValidationError",
    # planning
    "EDITABLE",
    "SITTING_EDITABLE",
    "meeting_create",
    "meeting_update",
    "sitting_add",
    "sitting_update",
    "sitting_delete",
    "meeting_publish",
    "meeting_cancel",
    "InviteCriteria",
    "invite",
    "signup",
    "signup_open",
    "signup_cancel",
    "signup_cancel_open",
    "withdraw_former_member",
    # leave
    "leave_due_date",
    "leave_submit",
    "leave_open_sittings",
    "leave_signed_in",
    "signed_in_refusal",
    "SignedInRefused",
    "leave_approvers",
    "leave_close_pending",
    "leave_decide",
    "leave_withdraw",
    "leave_withdraw_pending",
    "leave_delegate",
    "leave_delegation_revoke",
    # attendance
    "SignInRefused",
    "signin_token",
    "signin_path",
    "check_token",
    "signin_by_token",
    "MARKABLE",
    "attendance_mark",
    "qr_renew",
    "ATTENDED",
    "sitting_state",
    "meeting_outcome",
    "DUTY_KIND_FOR_MEETING",
    "meeting_close",
    "close_finished_meetings",
    # reports
    "meeting_file_report",
    "meeting_report_send",
    "meeting_report_unsend",
    "committee_reports_schedule",
    "can_file",
    "committee_report_file",
    # briefings
    "briefing_create",
    "briefing_publish",
    "briefing_read",
    "briefing_fingerprint",
    "briefing_update",
    "briefing_node_read",
    "briefing_pass_on",
    "briefing_remind",
    "lower_nodes",
    "node_receipt_for",
    "own_nodes",
    # speeches
    "SPEECH_KINDS",
    "speech_submit",
    "speech_select",
    "speech_schedule",
    "speech_deliver",
]
