"""Whether an answer is shown on the portal: withhold it (不公开答复) or publish it again."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from xieshang.core.audit import record_event

from ..models import ResidentIssue
from .common import _locked, _require_triage

# --- publication of the answer on the portal ------------------------------------------------------


def _set_answer_public(issue, *, actor, public: bool, verb: str, note: str) -> ResidentIssue:
    issue = _locked(issue)
    _require_triage(actor, issue)
    if issue.answer_public == public:
        # A second click (or a stale page) must not write a second audit row.
        raise ValidationError(
            _("该事项的答复已在公众平台公开。") if public else _("该事项的答复已不公开。")
        )
    issue.answer_public = public
    issue.version = F("version") + 1
    issue.save(update_fields=["answer_public", "version"])
    issue.refresh_from_db(fields=["version"])
    record_event(
        actor=actor,
        verb=verb,
        subject=issue,
        note=note,
        data={"answer_public": public},
    )
    return issue


@transaction.atomic
def issue_answer_withhold(*, issue: ResidentIssue, actor, reason: str) -> ResidentIssue:
    """不公开答复: the answer stays on the resident's own lookup page but leaves the portal
    (it names a person, a house, a dispute that scrubbing cannot make anonymous…). The
    reason is kept in the audit trail."""
    if not reason.strip():
        raise ValidationError({"reason": _("请说明不公开答复的理由。")})
    return _set_answer_public(
        issue,
        actor=actor,
        public=False,
        verb="resident_issue.answer_withhold",
        note=reason.strip()[:500],
    )


@transaction.atomic
def issue_answer_publish(*, issue: ResidentIssue, actor, note: str = "") -> ResidentIssue:
    """恢复公开答复: undo a withholding; the answer is listed again once the issue is
    answered (see selectors.public_answers)."""
    return _set_answer_public(
        issue,
        actor=actor,
        public=True,
        verb="resident_issue.answer_publish",
        note=note.strip()[:500],
    )
