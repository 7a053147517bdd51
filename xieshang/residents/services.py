"""Every change to a resident's issue. Views, the follow-up hook, the jobs and the demo call
these; each checks the actor's right and the state, applies the change, writes the audit
event (who, when, from → to, why) and queues the resident's text message, in one
transaction.

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
closes it with a written reply (see "after a 不满意 rating" below).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.utils.translation import gettext_noop as N_

from xieshang.core import counters
from xieshang.core.audit import TransitionError, history, record_event, transition
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase, site_text
from xieshang.followups import services as followups
from xieshang.followups.models import Task
from xieshang.orgs import config
from xieshang.orgs.models import Department, Level, Organisation
from xieshang.portal import tickets
from xieshang.portal.scrub import mask_numbers

from . import policies, rules
from .messaging import queue_sms
from .models import ResidentIssue

S = ResidentIssue.Status
# Final states: the issue is done; the resident's phone is deleted N days after reaching one.
FINAL = (S.SETTLED, S.ANSWERED, S.TOPIC, S.OPINION, S.CLOSED, S.REJECTED)
# States in which the resident has an answer to rate.
RATEABLE = (S.SETTLED, S.ANSWERED, S.CLOSED)
# States from which triage may send the issue on.
OPEN_FOR_TRIAGE = (S.ACCEPTED, S.AGENDA)

TICKET_PREFIX = "MQ"


# --- ticket and check code ---------------------------------------------------------------------


def _year_tickets(year: int):
    return ResidentIssue.objects.filter(ticket__startswith=f"{TICKET_PREFIX}{year}-")


def _highest_number(year: int) -> int | None:
    top = _year_tickets(year).aggregate(t=Max("ticket"))["t"]
    return int(top.rsplit("-", 1)[1]) if top else None


def new_ticket(year: int | None = None) -> str:
    """MQ2026-000123: one series per year for the whole deployment, because a resident
    looks an issue up by its ticket alone, whichever street it belongs to."""
    year = year or timezone.localdate().year
    n = counters.next_value(f"residents.ticket:{year}", start_after=lambda: _highest_number(year))
    return f"{TICKET_PREFIX}{year}-{n:06d}"


def find_by_ticket(ticket: str, code: str) -> ResidentIssue | None:
    """The issue for ticket + check code, or None: a wrong code and an unknown ticket give
    the same None (portal.tickets, shared with the other public forms)."""
    qs = ResidentIssue.objects.select_related("organisation", "department", "platform")
    return tickets.find(qs, "".join((ticket or "").split()), code)


# --- creation ----------------------------------------------------------------------------------


def _check_node(organisation: Organisation) -> None:
    if organisation.level not in (Level.STREET, Level.COMMUNITY):
        raise ValidationError({"organisation": _("请选择街道或社区。")})


def _check_platform(organisation: Organisation, platform) -> None:
    if platform is not None and not organisation.path.startswith(platform.organisation.path):
        if not platform.organisation.path.startswith(organisation.path):
            raise ValidationError({"platform": _("所选平台不在该街道或社区。")})


def _create(
    *,
    organisation,
    title,
    description,
    channel,
    status,
    location="",
    resident_name="",
    phone="",
    platform=None,
    session=None,
    actor=None,
    verdict=None,
) -> tuple[ResidentIssue, str]:
    _check_node(organisation)
    _check_platform(organisation, platform)
    if not title.strip():
        raise ValidationError({"title": _("请用一句话说明您反映的事。")})
    if not description.strip():
        raise ValidationError({"description": _("请写一写具体情况。")})
    ticket = new_ticket()
    code = tickets.new_code()
    now = timezone.now()
    issue = ResidentIssue.objects.create(
        organisation=organisation,
        platform=platform,
        session=session,
        ticket=ticket,
        check_code_hash=tickets.hash_code(code),
        title=title.strip()[:100],
        description=description.strip(),
        location=location.strip()[:100],
        channel=channel,
        resident_name=resident_name.strip()[:30],
        phone=phone.strip()[:20],
        status=status,
        entered_by=actor if getattr(actor, "pk", None) else None,
        accepted_at=now if status != S.SUBMITTED else None,
        screen_held=bool(getattr(verdict, "held", False)),
        screen_spam=bool(getattr(verdict, "spam", False)),
        screen_reasons=list(getattr(verdict, "reasons", ()) or ()),
        screen_score=int(getattr(verdict, "score", 0) or 0),
    )
    data = {"channel": channel, "to_label": issue.get_status_display()}
    if verdict is not None and (issue.screen_held or issue.screen_spam):
        data["screening"] = issue.screen_reasons
    record_event(
        # A portal submission is the resident's own step (named, not 系统, in the history).
        actor=actor if actor is not None else ResidentActor(issue),
        verb="resident_issue.create",
        subject=issue,
        to_state=status,
        note=ResidentIssue.Channel(issue.channel).label,  # read in the reader's language
        data=data,
    )
    return issue, code


@transaction.atomic
def issue_submit_public(
    *,
    organisation,
    title: str,
    description: str,
    location: str = "",
    resident_name: str = "",
    phone: str = "",
    platform=None,
    verdict=None,
) -> tuple[ResidentIssue, str]:
    """A resident's issue from the portal. Returns the issue and its check code, which is
    shown once on the thanks page and never stored in clear. Nothing is texted now: the
    number is unverified, so the first message waits until a person has accepted the issue
    (the form cannot be used to send texts to a stranger's phone)."""
    return _create(
        organisation=organisation,
        title=title,
        description=description,
        location=location,
        resident_name=resident_name,
        phone=phone,
        platform=platform,
        channel=ResidentIssue.Channel.PORTAL,
        status=S.SUBMITTED,
        verdict=verdict,
    )


@transaction.atomic
def issue_record(
    *,
    actor,
    organisation,
    title: str,
    description: str,
    channel: str = ResidentIssue.Channel.IN_PERSON,
    location: str = "",
    resident_name: str = "",
    phone: str = "",
    platform=None,
    session=None,
) -> tuple[ResidentIssue, str]:
    """What residents raised in person (to a liaison officer or a convener) or at a
    session, entered by staff: accepted at once (a person heard it), on the session's agenda
    when one is named. The check code is shown once, to be handed to the resident."""
    if not policies.can_triage_in(actor, organisation):
        raise PermissionDenied
    if channel not in ResidentIssue.Channel.values or channel == ResidentIssue.Channel.PORTAL:
        raise ValidationError({"channel": _("来源渠道不正确。")})
    if session is not None:
        _check_session(organisation, session)
        platform = platform or session.platform
    issue, code = _create(
        organisation=organisation,
        title=title,
        description=description,
        location=location,
        resident_name=resident_name,
        phone=phone,
        platform=platform,
        session=session,
        channel=channel,
        status=S.AGENDA if session is not None else S.ACCEPTED,
        actor=actor,
    )
    queue_sms(issue)
    return issue, code


# --- triage ------------------------------------------------------------------------------------


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


@transaction.atomic
def issue_accept(*, issue: ResidentIssue, actor, note: str = "") -> ResidentIssue:
    issue = _locked(issue)
    _require_triage(actor, issue)
    issue.accepted_at = timezone.now()
    _move(
        issue,
        to=S.ACCEPTED,
        allowed_from=[S.SUBMITTED],
        actor=actor,
        verb="resident_issue.accept",
        note=note,
        extra=["accepted_at"],
    )
    return issue


# The standard reason for a second submission of the same matter (forms.BulkRejectForm).
DUPLICATE_REASON = gettext_lazy("重复提交")


def is_duplicate_reason(reason: str) -> bool:
    """The duplicate reason, in whichever language the triager's page offered it."""
    reason = (reason or "").strip()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            if reason == str(DUPLICATE_REASON):
                return True
    return False


def earlier_of_same_contact(issue: ResidentIssue) -> ResidentIssue | None:
    """The resident's own earlier issue at the same street or community, found by the same
    mobile number: a duplicate's first ticket. None without a number (anyone could have
    written the same words)."""
    if not issue.phone:
        return None
    return (
        ResidentIssue.objects.filter(
            organisation_id=issue.organisation_id,
            phone=issue.phone,
            pk__lt=issue.pk,  # created before it
        )
        .exclude(pk=issue.pk)
        .exclude(status=S.REJECTED)
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def issue_reject(*, issue: ResidentIssue, actor, reason: str) -> ResidentIssue:
    """不予受理: spam, abuse, or not an issue at all. The reason is kept for the audit; the
    resident's lookup page says only that the issue was not accepted, except for a
    duplicate of their own earlier issue: that page names the first ticket (the event's
    data keeps it, as the number may be deleted later)."""
    issue = _locked(issue)
    _require_triage(actor, issue)
    if not reason.strip():
        raise ValidationError({"reason": _("请说明不予受理的理由。")})
    data = None
    if is_duplicate_reason(reason):
        earlier = earlier_of_same_contact(issue)
        data = {"duplicate": True, "duplicate_of": earlier.pk if earlier else None}
    _move(
        issue,
        to=S.REJECTED,
        allowed_from=[S.SUBMITTED],
        actor=actor,
        verb="resident_issue.reject",
        note=reason.strip(),
        data=data,
    )
    return issue


def issues_reject_bulk(*, issues, actor, reason: str) -> int:
    """Reject many held items with one standard reason, each in its own transaction with
    its own audit row; items someone else has already handled are skipped."""
    if not reason.strip():
        raise ValidationError({"reason": _("请说明不予受理的理由。")})
    done = 0
    for issue in issues:
        try:
            issue_reject(issue=issue, actor=actor, reason=reason)
        except (PermissionDenied, ValidationError, TransitionError):
            continue  # handled by someone else meanwhile, or not theirs
        done += 1
    return done


def _street_path(organisation: Organisation) -> str:
    if organisation.level == Level.COMMUNITY and organisation.parent_id:
        parts = organisation.path.split(".")
        return ".".join(parts[:-2]) + "."
    return organisation.path


def _check_session(organisation: Organisation, session) -> None:
    """A session of a platform in the issue's street (the street's own platform or one of
    its communities')."""
    platform_org = session.platform.organisation
    street = _street_path(organisation)
    if not (platform_org.path.startswith(street) or street.startswith(platform_org.path)):
        raise ValidationError({"session": _("所选议事会不属于该街道的协商议事平台。")})
    from xieshang.platforms.models import PlatformSession

    if session.status == PlatformSession.Status.CANCELLED:
        raise ValidationError({"session": _("该议事会已取消。")})


@transaction.atomic
def issue_schedule(*, issue: ResidentIssue, actor, session, note: str = "") -> ResidentIssue:
    """列入议事会: the issue goes on the agenda of a planned session."""
    from xieshang.platforms.models import PlatformSession

    issue = _locked(issue)
    _require_triage(actor, issue)
    _check_session(issue.organisation, session)
    if session.status != PlatformSession.Status.PLANNED:
        raise ValidationError({"session": _("只能列入尚未召开的议事会。")})
    issue.session = session
    issue.platform = session.platform
    _move(
        issue,
        to=S.AGENDA,
        allowed_from=[S.ACCEPTED],
        actor=actor,
        verb="resident_issue.schedule",
        note=note,
        extra=["session", "platform"],
        data={"session": session.title, "platform": session.platform.name},
    )
    return issue


@transaction.atomic
def issue_settle(*, issue: ResidentIssue, actor, session, result: str) -> ResidentIssue:
    """议事会协商解决: agreed at a session that has been held; the result is the answer the
    resident reads."""
    from xieshang.platforms.models import PlatformSession

    issue = _locked(issue)
    _require_triage(actor, issue)
    _check_session(issue.organisation, session)
    if session.status not in (PlatformSession.Status.HELD, PlatformSession.Status.PUBLISHED):
        raise ValidationError({"session": _("议事会召开后才能登记协商结果。")})
    # A session held before the issue was received cannot have settled it, unless it is the
    # session where the issue was raised (registered afterwards).
    received = timezone.localtime(issue.created_at).date()
    if session.pk != issue.session_id and timezone.localtime(session.starts_at).date() < received:
        raise ValidationError(
            {"session": _("所选议事会在本事项受理之前召开，请选择受理之后召开的议事会。")}
        )
    if issue.rehandled and issue.session_id is not None:
        # Reopened after the resident rated the first settlement 不满意: agreed again at a
        # session held since, not at the one that reached the first result.
        reopened = history(issue).filter(verb=REHANDLE_VERBS["settlement"]).first()
        if reopened is not None and session.starts_at < reopened.created_at:
            raise ValidationError(
                {"session": _("请选择重新受理之后召开的议事会，再次协商的结果才能登记。")}
            )
    if not result.strip():
        raise ValidationError({"result": _("请填写协商结果。")})
    issue.session = session
    issue.platform = session.platform
    issue.answer = result.strip()
    issue.answered_at = timezone.now()
    _move(
        issue,
        to=S.SETTLED,
        allowed_from=list(OPEN_FOR_TRIAGE),
        actor=actor,
        verb="resident_issue.settle",
        note=result.strip()[:500],
        extra=["session", "platform", "answer", "answered_at"],
        data={"session": session.title, "platform": session.platform.name},
    )
    return issue


def departments_for(issue_or_org) -> "list[Department]":
    """Departments an issue may be routed to: the active ones of the committees above its
    street (the district's bureaus and the street offices registered there)."""
    organisation = getattr(issue_or_org, "organisation", issue_or_org)
    return Department.objects.filter(
        organisation_id__in=organisation.ancestor_ids(), is_active=True
    ).order_by("sort_order", "name")


@transaction.atomic
def issue_route(
    *,
    issue: ResidentIssue,
    actor,
    department: Department,
    working_days: int | None = None,
    note: str = "",
) -> ResidentIssue:
    """转职能部门: the department is asked, through the follow-up engine, for a written
    answer within the configured working days; reminders, overdue escalation and extensions
    are the engine's. The answer arrives as the task's feedback (`on_feedback`)."""
    issue = _locked(issue)
    _require_triage(actor, issue)
    if not departments_for(issue).filter(pk=department.pk).exists():
        raise ValidationError({"department": _("该单位不能承办本事项。")})
    if working_days is None:
        working_days = config.get(issue.organisation, rules.ANSWER_DAYS)
    if working_days < 1:
        raise ValidationError({"working_days": _("办理时限至少为1个工作日。")})
    # The task is read by more people than the issue (the department's staff, the office,
    # the supervising office) and keeps its text after the resident's number is deleted:
    # numbers the resident typed go masked, as on the issue's staff page; the department
    # reads them whole there, by the logged look.
    # Stored text, read by the department whoever routed it: in the site's language.
    request_lines = [mask_numbers(issue.description)]
    if issue.location:
        request_lines.append(site_text(N_("地点：%(place)s"), place=mask_numbers(issue.location)))
    if note.strip():
        request_lines.append(site_text(N_("转办意见：%(note)s"), note=note.strip()))
    request_lines.append(
        site_text(
            N_(
                "请在期限内书面答复。答复将在公众平台告知群众（联系方式会被隐去）；"
                "需要联系群众的，请在民情事项页面查看联系电话。"
            )
        )
    )
    task = followups.task_open(
        organisation=issue.organisation,
        title=site_text(
            N_("民情事项%(ticket)s：%(title)s"),
            ticket=issue.ticket,
            title=mask_numbers(issue.title),
        ),
        actor=actor,
        kind=Task.Kind.OTHER,
        subject=issue,
        department=department,
        working_days=working_days,
        request="\n".join(request_lines),
    )
    issue.department = department
    issue.task = task
    issue.routed_at = timezone.now()
    _move(
        issue,
        to=S.ROUTED,
        allowed_from=list(OPEN_FOR_TRIAGE),
        actor=actor,
        verb="resident_issue.route",
        note=note.strip(),
        extra=["department", "task", "routed_at"],
        data={"department": department.name, "due_date": task.due_date.isoformat()},
    )
    return issue


def on_feedback(sender, *, task, feedback, actor, **kwargs) -> None:
    """The follow-up engine's `feedback_submitted` signal: the department's written
    feedback on a routed issue's task is the answer the resident reads. Runs inside the
    feedback's transaction, so the issue and the task never disagree."""
    issue = ResidentIssue.objects.filter(task_id=task.pk).first()
    if issue is None:
        return
    issue = _locked(issue)
    issue.answer = feedback.text
    issue.answered_at = feedback.created_at
    if issue.status == S.ANSWERED:
        # The office sent the feedback back and the department answered again.
        issue.save(update_fields=["answer", "answered_at"])
        record_event(
            actor=actor, verb="resident_issue.answer_update", subject=issue, note=feedback.text
        )
    else:
        _move(
            issue,
            to=S.ANSWERED,
            allowed_from=[S.ROUTED],
            actor=actor,
            verb="resident_issue.answer",
            note=feedback.text[:500],
            extra=["answer", "answered_at"],
            data={"department": issue.department.name},
        )
    # The liaison who routed it hears of the answer, which the resident reads at once and
    # the portal publishes unless someone withholds it. Only a routed issue has a task, and
    # routing sets its department.
    _tell_handler(
        issue,
        N_("部门已答复民情事项%(ticket)s：%(title)s"),
        Phrase(N_("%(unit)s已书面答复，群众查询即可看到。"), unit=issue.department.name),
        key=f"answer:{feedback.pk}",
    )


def _hand_over(issue, *, actor, note: str, to: str, verb: str, field: str, make, answer: str):
    """Pass an open issue on to another module (`make(issue)` creates the row there) and
    tell the resident where it went: the common path of 转协商议题 and 转社情民意."""
    issue = _locked(issue)
    _require_triage(actor, issue)
    _require_state(issue, OPEN_FOR_TRIAGE)
    target = make(issue)
    setattr(issue, field, target)
    issue.answer = note.strip() or answer
    issue.answered_at = timezone.now()
    _move(
        issue,
        to=to,
        allowed_from=list(OPEN_FOR_TRIAGE),
        actor=actor,
        verb=verb,
        note=note.strip(),
        extra=[field, "answer", "answered_at"],
        data={field: target.pk},
    )
    return issue


@transaction.atomic
def issue_to_topic(*, issue: ResidentIssue, actor, note: str = "") -> ResidentIssue:
    """转协商议题 (C2.3, source 群众出题): a matter for consultation, not for one
    department. The topic goes to the CPPCC committee above the street."""
    from xieshang.consultation import services as consultation

    return _hand_over(
        issue,
        actor=actor,
        note=note,
        to=S.TOPIC,
        verb="resident_issue.to_topic",
        field="topic",
        make=lambda locked: consultation.topic_from_resident_issue(issue=locked, actor=actor),
        answer=_("您反映的事项已转为政协协商议题，将组织有关方面协商。"),
    )


@transaction.atomic
def issue_to_opinion(*, issue: ResidentIssue, actor, note: str = "") -> ResidentIssue:
    """转社情民意信息: a matter to report upwards; the item lands in the office's queue."""
    from xieshang.opinions import services as opinions

    return _hand_over(
        issue,
        actor=actor,
        note=note,
        to=S.OPINION,
        verb="resident_issue.to_opinion",
        field="opinion",
        make=lambda locked: opinions.opinion_from_resident_issue(issue=locked, actor=actor),
        answer=_("您反映的事项已作为社情民意信息报送政协，将向有关方面反映。"),
    )


@transaction.atomic
def issue_close(*, issue: ResidentIssue, actor, reply: str) -> ResidentIssue:
    """答复办结: answered directly (explained, already solved, outside our remit), with the
    reply as the reason the resident reads."""
    issue = _locked(issue)
    _require_triage(actor, issue)
    if not reply.strip():
        raise ValidationError({"reply": _("请填写答复内容。")})
    issue.answer = reply.strip()
    issue.answered_at = timezone.now()
    _move(
        issue,
        to=S.CLOSED,
        allowed_from=[S.SUBMITTED, *OPEN_FOR_TRIAGE],
        actor=actor,
        verb="resident_issue.close",
        note=reply.strip()[:500],
        extra=["answer", "answered_at"],
    )
    return issue


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


class ResidentActor:
    """The resident as the actor of their own step (a portal submission, a rating): they
    have no account, so the audit row names them in words instead of 系统 (decisions.md):
    群众, with the name they left masked to its first character (王阿姨 → 群众（王**）),
    as the trail is read by every handler and the auditors and outlives the issue."""

    pk = None

    def __init__(self, issue: ResidentIssue):
        name = (issue.resident_name or "").strip()
        masked = name[:1] + "*" * min(max(len(name) - 1, 1), 4) if name else ""
        self.display_name = (
            site_text(N_("群众（%(name)s）"), name=masked)
            if masked
            else site_text(pgettext_lazy("resident", "群众"))
        )

    def __str__(self) -> str:
        return self.display_name


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
# The verb of each kind of 重新办理 (the rating that sent it back is in its data).
REHANDLE_VERBS = {
    "department": "resident_issue.rehandle",
    "reply": "resident_issue.rereply",
    "settlement": "resident_issue.reopen",
}
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
