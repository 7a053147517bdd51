"""What every stage of a resident's issue uses: the state groups, locking the row, the
triager's right, the one transition helper (`_move`, which also queues the resident's
text), the handler's notices, the platforms an issue may go to, and the resident as an
actor."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django.utils.translation import pgettext_lazy

from xieshang.core.audit import TransitionError, history, transition
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase, site_text
from xieshang.core.pii import mask_numbers
from xieshang.orgs.models import Level, Organisation

from .. import policies
from ..messaging import queue_sms
from ..models import ResidentIssue

S = ResidentIssue.Status
# Final states: the issue is done; the resident's phone is deleted N days after reaching one.
FINAL = (S.SETTLED, S.ANSWERED, S.TOPIC, S.OPINION, S.CLOSED, S.REJECTED)
# States in which the resident has an answer to rate.
RATEABLE = (S.SETTLED, S.ANSWERED, S.CLOSED)
# States from which triage may send the issue on.
OPEN_FOR_TRIAGE = (S.ACCEPTED, S.AGENDA)

TICKET_PREFIX = "MQ"
# The verb of each kind of 重新办理 (the rating that sent it back is in its data).
REHANDLE_VERBS = {
    "department": "resident_issue.rehandle",
    "reply": "resident_issue.rereply",
    "settlement": "resident_issue.reopen",
}


def _locked(issue: ResidentIssue) -> ResidentIssue:
    return (
        ResidentIssue.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=issue.pk)
    )


def _require_triage(actor, issue: ResidentIssue) -> None:
    if not policies.can_triage(actor, issue):
        raise PermissionDenied


def _require_state(issue: ResidentIssue, allowed) -> None:
    """Refuse before another module is asked to create anything (transition() checks again)."""
    if issue.status not in allowed:
        raise TransitionError(
            _("当前状态为“%(state)s”，不能执行此操作。") % {"state": issue.get_status_display()}
        )


# The steps after which a staff member answers for the issue's outcome: the one who took the
# last of them hears how it ended (the department's answer, a dissatisfied resident).
HANDLING_VERBS = (
    "resident_issue.route",
    "resident_issue.settle",
    "resident_issue.close",
)


def _handler(issue: ResidentIssue):
    """Who last routed, settled or answered the issue (an active account), or None."""
    event = (
        history(issue)
        .filter(verb__in=HANDLING_VERBS, actor__isnull=False, actor__is_active=True)
        .select_related("actor")
        .first()
    )
    return event.actor if event else None


def _tell_handler(issue: ResidentIssue, title_msgid: str, body, key: str) -> None:
    """An inbox notice about `issue` to its handler, in the reader's language."""
    notify(
        [_handler(issue)],
        title=Phrase(title_msgid, ticket=issue.ticket, title=mask_numbers(issue.title)),
        body=body,
        url=issue.get_absolute_url(),
        dedupe_key=f"resident_issue:{issue.pk}:{key}",
        channels=("inbox",),
    )


def _move(issue, *, to, allowed_from, actor, verb, note="", extra=(), data=None, step="") -> None:
    fields = list(extra)
    if to in FINAL:
        issue.closed_at = timezone.now()
        fields.append("closed_at")
    transition(
        issue,
        to=to,
        allowed_from=allowed_from,
        actor=actor,
        verb=verb,
        note=note,
        extra_fields=fields,
        data=data,
    )
    queue_sms(issue, step=step)


def platforms_q(organisation: Organisation, prefix: str = "") -> Q:
    """The platforms an issue raised at `organisation` may go to a session of: a street's
    issue to the street's own platform or one of its communities'; a community's issue to
    its own community's or its street's, not a neighbouring community's (whose residents'
    meeting does not speak for it). `prefix` leads to the platform's organisation."""
    if organisation.level == Level.COMMUNITY:
        return Q(**{f"{prefix}organisation": organisation}) | Q(
            **{
                f"{prefix}organisation_id__in": organisation.ancestor_ids(),
                f"{prefix}organisation__level": Level.STREET,
            }
        )
    return Q(**{f"{prefix}organisation__path__startswith": organisation.path})


def _check_session(organisation: Organisation, session) -> None:
    """A session of a platform the issue may go to (`platforms_q`)."""
    from xieshang.platforms.models import Platform, PlatformSession

    if not Platform.objects.filter(platforms_q(organisation), pk=session.platform_id).exists():
        raise ValidationError({"session": _("所选议事会不属于本事项所在社区或街道的议事平台。")})
    if session.status == PlatformSession.Status.CANCELLED:
        raise ValidationError({"session": _("该议事会已取消。")})


class ResidentActor:
    """The resident as the actor of their own step (a portal submission, a rating): they
    have no account, so the audit row names them in words instead of 系统 (decisions.md):
    群众, with the name they left masked to its first character (王阿姨 → 群众（王**）),
    as the trail is read by every handler and the auditors and outlives the issue."""

    pk = None

    def __init__(self, issue: ResidentIssue):
        name = (issue.resident_name or "").strip()
        masked = name[:1] + "*" * min(max(len(name) - 1, 1), 4) if name else ""
        # The trail keeps the name in the site's language; history lists show the phrase
        # in the reader's (core.audit._actor_phrase).
        self.display_phrase = (
            Phrase(N_("群众（%(name)s）"), name=masked)
            if masked
            else Phrase("群众", context="resident")
        )
        self.display_name = (
            site_text(N_("群众（%(name)s）"), name=masked)
            if masked
            else site_text(pgettext_lazy("resident", "群众"))
        )

    def __str__(self) -> str:
        return self.display_name
