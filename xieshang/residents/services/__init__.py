"""Every change to a resident's issue. Views, the follow-up hook, the jobs and the demo call
these; each checks the actor's right and the state, applies the change, writes the audit
event (who, when, from → to, why) and queues the resident's text message, in one
transaction. This package re-exports every public name of its modules (intake → triage →
publication of the answer → rating and 重新办理), so callers use `services.X` and never need
to know which stage a function lives in.

States:

    submitted ─accept─▶ accepted ─schedule─▶ agenda ─settle─▶ settled
        │                  │  │                 │
        │ reject           │  ├─settle──────────┤
        ▼                  │  ├─route──▶ routed ─(department's written feedback)─▶ answered
    rejected               │  ├─to topic──▶ topic        (consultation, source grassroots)
                           │  ├─to opinion▶ opinion      (社情民意, office's queue)
                           └──┴─close with a reply▶ closed

A portal submission the screening held or marked as spam stays `submitted` with the marks
visible in the triage queue; staff entries (in person, at a session) start `accepted`.

An answer the resident rated 不满意 (a department's, a direct reply, a settlement) waits in
the queue's 群众不满意 tab until a triager has it handled again once (a department's: answered
→ routed, the same task reopened with a new deadline; a direct reply: a new reply, closed →
closed; a settlement: settled → accepted, for another session) or keeps the answer and
closes it with a written reply (see rehandle.py).
"""

from .common import (
    FINAL,
    HANDLING_VERBS,
    OPEN_FOR_TRIAGE,
    RATEABLE,
    REHANDLE_VERBS,
    TICKET_PREFIX,
    ResidentActor,
    S,
    platforms_q,
)
from .intake import find_by_ticket, issue_record, issue_submit_public, new_ticket
from .publication import issue_answer_publish, issue_answer_withhold
from .rehandle import (
    REHANDLE_FIELDS,
    REHANDLE_KINDS,
    REHANDLE_OFFERS,
    awaiting_review,
    issue_rate,
    issue_rehandle,
    issue_reopen,
    issue_rereply,
    issue_review_close,
    rehandle_kind,
    rehandle_refusal,
)
from .triage import (
    DUPLICATE_REASON,
    departments_for,
    earlier_of_same_contact,
    is_duplicate_reason,
    issue_accept,
    issue_close,
    issue_reject,
    issue_route,
    issue_schedule,
    issue_settle,
    issue_to_opinion,
    issue_to_topic,
    issues_reject_bulk,
    on_feedback,
)

__all__ = [
    # common
    "S",
    "FINAL",
    "RATEABLE",
    "OPEN_FOR_TRIAGE",
    "TICKET_PREFIX",
    "HANDLING_VERBS",
    "REHANDLE_VERBS",
    "ResidentActor",
    "platforms_q",  # selectors.py
    # intake
    "new_ticket",
    "find_by_ticket",
    "issue_submit_public",
    "issue_record",
    # triage
    "issue_accept",
    "DUPLICATE_REASON",
    "is_duplicate_reason",
    "earlier_of_same_contact",
    "issue_reject",
    "issues_reject_bulk",
    "issue_schedule",
    "issue_settle",
    "departments_for",
    "issue_route",
    "on_feedback",
    "issue_to_topic",
    "issue_to_opinion",
    "issue_close",
    # publication of the answer
    "issue_answer_withhold",
    "issue_answer_publish",
    # rating and 重新办理
    "issue_rate",
    "REHANDLE_KINDS",
    "REHANDLE_OFFERS",
    "REHANDLE_FIELDS",
    "rehandle_kind",
    "awaiting_review",
    "rehandle_refusal",
    "issue_rehandle",
    "issue_rereply",
    "issue_reopen",
    "issue_review_close",
]
