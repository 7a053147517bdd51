"""After the answer: the resident's rating and, after a 不满意, handling it again once
(重新办理 / 重新答复 / 重新协商) or keeping the answer with a written reply (维持答复并办结)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core.audit import record_event
from xieshang.core.phrases import Phrase, site_text
from xieshang.core.pii import mask_numbers
from xieshang.followups import services as followups
from xieshang.orgs import config

from .. import rules
from ..models import ResidentIssue
from .common import (
    RATEABLE,
    REHANDLE_VERBS,
    ResidentActor,
    S,
    _locked,
    _move,
    _require_triage,
    _tell_handler,
)


@transaction.atomic
def issue_rate(*, issue: ResidentIssue, rating: str, comment: str = "") -> ResidentIssue:
    """The resident rates the answer, once (they proved the ticket + code)."""
    issue = _locked(issue)
    if issue.status not in RATEABLE:
        raise ValidationError(_("事项答复后才能评价。"))
    if issue.rating:
        raise ValidationError(_("您已评价过本事项，感谢您的反馈。"))
    if rating not in ResidentIssue.Rating.values:
        raise ValidationError({"rating": _("请选择满意程度。")})
    issue.rating = rating
    issue.rating_comment = comment.strip()[:300]
    issue.rated_at = timezone.now()
    fields = ["rating", "rating_comment", "rated_at"]
    if not issue.first_rating:
        # The first answer's rating, which the statistics count (a later one does not
        # replace it).
        issue.first_rating = rating
        fields.append("first_rating")
    issue.save(update_fields=fields)
    record_event(
        actor=ResidentActor(issue),
        verb="resident_issue.rate",
        subject=issue,
        # The history is read by every handler and outlives the resident's number: the
        # numbers they typed go masked, as on the issue's page (whole in rating_comment).
        note=mask_numbers(issue.rating_comment),
        data={"rating": rating, "label": issue.get_rating_display()},
    )
    if rating == ResidentIssue.Rating.DISSATISFIED:
        body = [mask_numbers(issue.rating_comment)]
        if awaiting_review(issue):
            # The issue waits in the queue's 群众不满意 tab.
            body.append(
                Phrase(REHANDLE_OFFERS[rehandle_kind(issue)])
                if rehandle_refusal(issue) is None
                else Phrase(N_("该事项已重新办理过一次，可说明理由后办结。"))
            )
        _tell_handler(
            issue,
            N_("群众对民情事项%(ticket)s的答复不满意：%(title)s"),
            [b for b in body if b],
            # Rated again after 重新办理: a second notice.
            key="dissatisfied:2" if issue.rehandled else "dissatisfied",
        )
    return issue


# --- after a 不满意 rating ------------------------------------------------------------------
#
# Whatever answered the resident (a department's written answer, a triager's direct reply,
# a session's settlement), a 不满意 rating puts the issue in the queue's 群众不满意 tab until
# a triager either has it handled again, once (重新办理), or keeps the answer and closes it
# with a written reply the resident reads (维持答复并办结). What 重新办理 means depends on
# what answered (decisions.md):
#   department  answered → routed: the same follow-up task reopened with a new deadline;
#   reply       closed → closed: the triager writes a new reply, which replaces the first;
#   settlement  settled → accepted: open for triage again, to put on another session's
#               agenda (or route, or answer) with the first settlement kept as 原答复.

REHANDLE_KINDS = {S.ANSWERED: "department", S.CLOSED: "reply", S.SETTLED: "settlement"}
# What the handler's notice offers, by kind.
REHANDLE_OFFERS = {
    "department": N_("可决定交承办单位重新办理（限一次），或说明理由后办结。"),
    "reply": N_("可重新答复（限一次），或说明理由后办结。"),
    "settlement": N_("可重新受理、再次协商办理（限一次），或说明理由后办结。"),
}


def rehandle_kind(issue: ResidentIssue) -> str:
    """What answered the resident: "department", "reply" or "settlement" ("" otherwise)."""
    kind = REHANDLE_KINDS.get(issue.status, "")
    if kind == "department" and issue.task_id is None:
        return ""
    return kind


def awaiting_review(issue: ResidentIssue) -> bool:
    """An answer the resident rated 不满意, not yet handled again or replied to."""
    return (
        bool(rehandle_kind(issue))
        and issue.rating == ResidentIssue.Rating.DISSATISFIED
        and not issue.review_reply
    )


def rehandle_refusal(issue: ResidentIssue) -> str | None:
    """Why the issue may not be handled again (重新办理), or None when it may: only an
    answer the resident rated 不满意, and only once. The one rule, for the services and for
    the page offering it."""
    if not awaiting_review(issue):
        return _("只有群众对答复不满意时才能重新办理。")
    if issue.rehandled:
        return _("该事项已重新办理过一次，可说明理由后办结。")
    return None


def _start_rehandling(issue: ResidentIssue, actor, kind: str) -> dict:
    """Checks common to every 重新办理; clears the rating for the new answer (its figures
    stay in `first_rating`) and returns what the event keeps of it."""
    refusal = rehandle_refusal(issue)
    if refusal is not None or rehandle_kind(issue) != kind:
        raise ValidationError(refusal or _("只有群众对答复不满意时才能重新办理。"))
    # Kept for the issue's page once the rating is cleared; numbers masked as in the history.
    previous = {
        "rating": issue.rating,
        "label": issue.get_rating_display(),
        "comment": mask_numbers(issue.rating_comment),
    }
    issue.rehandled = True
    issue.rating = ""
    issue.rating_comment = ""
    issue.rated_at = None
    return previous


REHANDLE_FIELDS = ["rehandled", "rating", "rating_comment", "rated_at"]


@transaction.atomic
def issue_rehandle(
    *, issue: ResidentIssue, actor, note: str, working_days: int | None = None
) -> ResidentIssue:
    """重新办理 of a department's answer, once: the same follow-up task goes back to the
    department with a new deadline and the requirement (its reminders and escalation are the
    engine's again). The rating and its comment move to the history (the event keeps them);
    the resident rates the new answer."""
    issue = _locked(issue)
    _require_triage(actor, issue)
    if not note.strip():
        raise ValidationError({"note": _("请写明重新办理的要求。")})
    if working_days is None:
        working_days = config.get(issue.organisation, rules.ANSWER_DAYS)
    if working_days < 1:
        raise ValidationError({"working_days": _("办理时限至少为1个工作日。")})
    previous = _start_rehandling(issue, actor, "department")
    task = followups.task_reopen_with_subject(
        task=issue.task,
        actor=actor,
        note=site_text(N_("群众对答复不满意，请重新办理：%(note)s"), note=note.strip()),
        working_days=working_days,
    )
    # Open again: the resident's number is kept until it ends (privacy.purge_phones).
    issue.closed_at = None
    _move(
        issue,
        to=S.ROUTED,
        allowed_from=[S.ANSWERED],
        actor=actor,
        verb=REHANDLE_VERBS["department"],
        note=note.strip()[:500],
        extra=[*REHANDLE_FIELDS, "closed_at"],
        data={
            "department": issue.department.name,
            "due_date": task.due_date.isoformat(),
            "previous_rating": previous,
        },
    )
    return issue


def _rereply(issue: ResidentIssue, *, actor, reply: str) -> ResidentIssue:
    """重新答复 of a direct reply, once: the triager's new reply replaces the first (which
    the event keeps), the issue stays 已答复办结 and the resident rates the new reply."""
    if not reply.strip():
        raise ValidationError({"reply": _("请填写新的答复内容。")})
    if reply.strip() == issue.answer.strip():
        raise ValidationError({"reply": _("新的答复与原答复相同，请针对群众的意见重新答复。")})
    previous = _start_rehandling(issue, actor, "reply")
    first_answer = issue.answer
    issue.answer = reply.strip()
    issue.answered_at = timezone.now()
    _move(
        issue,
        to=S.CLOSED,
        allowed_from=[S.CLOSED],
        actor=actor,
        verb=REHANDLE_VERBS["reply"],
        note=reply.strip()[:500],
        extra=[*REHANDLE_FIELDS, "answer", "answered_at"],
        data={"previous_rating": previous, "previous_answer": first_answer[:2000]},
    )
    return issue


def _reopen(issue: ResidentIssue, *, actor, note: str) -> ResidentIssue:
    """重新协商 of a session's settlement, once: the issue is open for triage again (已受理)
    to go on another session's agenda, or to a department, or to be answered; the first
    settlement stays on the page as 原答复 until the new answer replaces it."""
    if not note.strip():
        raise ValidationError({"note": _("请写明重新办理的要求。")})
    previous = _start_rehandling(issue, actor, "settlement")
    issue.closed_at = None  # open again: the number is kept until it ends
    _move(
        issue,
        to=S.ACCEPTED,
        allowed_from=[S.SETTLED],
        actor=actor,
        verb=REHANDLE_VERBS["settlement"],
        note=note.strip()[:500],
        extra=[*REHANDLE_FIELDS, "closed_at"],
        data={
            "previous_rating": previous,
            "session": issue.session.title if issue.session_id else "",
            "platform": issue.platform.name if issue.platform_id else "",
        },
    )
    return issue


@transaction.atomic
def issue_rereply(*, issue: ResidentIssue, actor, reply: str) -> ResidentIssue:
    """重新答复 (see `_rereply`)."""
    issue = _locked(issue)
    _require_triage(actor, issue)
    return _rereply(issue, actor=actor, reply=reply)


@transaction.atomic
def issue_reopen(*, issue: ResidentIssue, actor, note: str) -> ResidentIssue:
    """重新协商 (see `_reopen`)."""
    issue = _locked(issue)
    _require_triage(actor, issue)
    return _reopen(issue, actor=actor, note=note)


@transaction.atomic
def issue_review_close(*, issue: ResidentIssue, actor, reply: str) -> ResidentIssue:
    """维持答复并办结: after a 不满意 rating, the answer stands (it was right, or handling it
    again would change nothing) and the issue is closed with a written reply the resident
    reads under the answer. A department's answer becomes 已答复办结; a direct reply and a
    settlement keep their state (the statistics count a settlement as settled)."""
    issue = _locked(issue)
    _require_triage(actor, issue)
    if not awaiting_review(issue):
        raise ValidationError(_("只有群众对答复不满意时才能说明理由后办结。"))
    if not reply.strip():
        raise ValidationError({"reply": _("请写明维持答复的理由，群众将在查询页面看到。")})
    issue.review_reply = reply.strip()
    to = S.CLOSED if issue.status == S.ANSWERED else issue.status
    _move(
        issue,
        to=to,
        allowed_from=list(REHANDLE_KINDS),
        actor=actor,
        verb="resident_issue.review_close",
        note=reply.strip()[:500],
        extra=["review_reply"],
        step="review",
    )
    return issue
