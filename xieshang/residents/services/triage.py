"""Triage of an issue that came in: accept or reject it (one by one or in bulk), put it on a
session's agenda and record the settlement, route it to a department (whose written feedback
is the answer), hand it on as a consultation topic or as 社情民意, or answer it directly."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_

from xieshang.core.audit import TransitionError, history, record_event
from xieshang.core.phrases import Phrase, site_text
from xieshang.core.pii import mask_numbers
from xieshang.followups import services as followups
from xieshang.followups.models import Task
from xieshang.orgs import config
from xieshang.orgs.models import Department

from .. import rules
from ..models import ResidentIssue
from .common import (
    OPEN_FOR_TRIAGE,
    REHANDLE_VERBS,
    S,
    _check_session,
    _locked,
    _move,
    _require_state,
    _require_triage,
    _tell_handler,
)


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
