"""Every change to a proposal, as one function per transition.

Each checks the actor's right and the current state, applies the change, writes the audit
event, duty records and notifications, in one transaction. Views, the API and commands call
only these.
"""

import datetime as dt
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core import access, calendar, counters
from xieshang.core.audit import TransitionError, lock, record_event, save_versioned, transition
from xieshang.core.notifications import notify
from xieshang.core.text import chinese_date
from xieshang.duty.models import DutyKind
from xieshang.duty.services import record_duty
from xieshang.followups import services as followups
from xieshang.followups.models import Task
from xieshang.orgs import config
from xieshang.orgs.models import Role, Session

from . import policies, rules
from .models import (
    Answer,
    Assignment,
    Contact,
    Evaluation,
    Proposal,
    Rating,
    Signer,
    Supervision,
    format_number,
)

S = Proposal.Status
EDITABLE = [S.DRAFT, S.RETURNED]
REVIEWABLE = [S.SUBMITTED]
DRAFT_FIELDS = [
    "title",
    "facts",
    "analysis",
    "suggestions",
    "is_public_interest",
    "proposer_opt_out",
]


def months_later(start: dt.date, months: int) -> dt.date:
    """`months` calendar months after `start`, moved to a working day if it falls on a rest day."""
    return calendar.add_working_days(start + relativedelta(months=months), 0)


def _today() -> dt.date:
    return timezone.localdate()


def _proposer_users(proposal: Proposal, *, confirmed_only: bool = True) -> list:
    users = []
    if proposal.first_proposer_id and proposal.first_proposer.user_id:
        users.append(proposal.first_proposer.user)
    elif proposal.created_by_id:
        users.append(proposal.created_by)
    for signer in proposal.signers.select_related("member__user"):
        if signer.member.user_id and (
            not confirmed_only or signer.status == Signer.Status.CONFIRMED
        ):
            users.append(signer.member.user)
    return users


def _notify_proposers(proposal: Proposal, title: str, body: str, key: str) -> None:
    notify(
        _proposer_users(proposal),
        title=title,
        body=body,
        url=proposal.get_absolute_url(),
        dedupe_key=f"proposal:{proposal.pk}:{key}",
        channels=("inbox", "sms"),
    )


# --- Drafting and submission ----------------------------------------------------------------


def validate_text(proposal: Proposal) -> None:
    errors = {}
    if not proposal.title.strip():
        errors["title"] = _("请填写案由。")
    if not proposal.suggestions.strip():
        # 提案工作条例: a proposal without concrete suggestions is not accepted.
        errors["suggestions"] = _("请填写具体建议。")
    limit = config.get(proposal.organisation, rules.BODY_MAX_CHARS)
    if proposal.body_length > limit:
        errors["facts"] = _("正文共%(n)s字，超过%(limit)s字的上限。") % {
            "n": proposal.body_length,
            "limit": limit,
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def proposal_create(
    *,
    actor,
    organisation,
    first_proposer=None,
    proposer_type=None,
    proposer_body: str = "",
    cosigners: Iterable = (),
    **fields,
) -> Proposal:
    """A new draft. A member drafts for themself; office staff may enter a body's proposal."""
    member = policies.member_of(actor)
    if first_proposer is None:
        first_proposer = member
    if first_proposer is not None and member is not None and first_proposer.pk != member.pk:
        raise PermissionDenied
    if first_proposer is None and not proposer_body:
        raise ValidationError({"proposer_body": _("请填写提案单位。")})
    cosigners = [m for m in cosigners if first_proposer is None or m.pk != first_proposer.pk]
    if proposer_type is None:
        proposer_type = Proposal.ProposerType.JOINT if cosigners else Proposal.ProposerType.MEMBER
    proposal = Proposal(
        organisation=organisation,
        first_proposer=first_proposer,
        proposer_type=proposer_type,
        proposer_body=proposer_body,
        created_by=actor,
        year=_today().year,
        **{k: v for k, v in fields.items() if k in DRAFT_FIELDS},
    )
    validate_text(proposal)
    proposal.save()
    for order, member in enumerate(cosigners, start=2):
        Signer.objects.create(proposal=proposal, member=member, order=order)
    record_event(actor=actor, verb="proposal.create", subject=proposal, to_state=proposal.status)
    return proposal


@transaction.atomic
def proposal_update(
    *, proposal: Proposal, actor, expected_version: int, cosigners=None, **fields
) -> Proposal:
    """Edit a draft (or a proposal returned for revision). Stale edits are refused."""
    if not policies.is_first_proposer(actor, proposal):
        raise PermissionDenied
    if proposal.status not in EDITABLE:
        raise TransitionError(_("提案已提交，不能再修改。"))
    for name, value in fields.items():
        if name in DRAFT_FIELDS:
            setattr(proposal, name, value)
    validate_text(proposal)
    save_versioned(proposal, expected_version=expected_version, fields=DRAFT_FIELDS)
    if cosigners is not None and proposal.status == S.DRAFT:
        keep = {m.pk for m in cosigners if m.pk != proposal.first_proposer_id}
        proposal.signers.exclude(member_id__in=keep).delete()
        existing = set(proposal.signers.values_list("member_id", flat=True))
        for order, member_id in enumerate(sorted(keep - existing), start=len(existing) + 2):
            Signer.objects.create(proposal=proposal, member_id=member_id, order=order)
        proposal.proposer_type = (
            Proposal.ProposerType.JOINT if keep else Proposal.ProposerType.MEMBER
        )
        proposal.save(update_fields=["proposer_type"])
    record_event(actor=actor, verb="proposal.edit", subject=proposal)
    return proposal


def _kind_and_session(organisation, today: dt.date) -> tuple[str, Session | None]:
    """Plenary if today lies in a session's collection window (from N months before the
    opening to the proposal deadline); between sessions otherwise."""
    months = config.get(organisation, rules.PLENARY_WINDOW_MONTHS)
    for session in Session.objects.filter(term__organisation=organisation).select_related("term"):
        deadline = session.proposal_deadline or session.end_date
        if session.start_date - relativedelta(months=months) <= today <= deadline:
            return Proposal.Kind.PLENARY, session
    return Proposal.Kind.INTERIM, None


def _give_number(proposal: Proposal) -> None:
    """The next serial in the proposal's series (a session's plenary proposals, or a year's
    between-session ones). Many members submit in the same minutes before a deadline: the
    series' counter is locked until the submission commits, so they are numbered one after
    the other instead of racing for `Max + 1` (the unique constraint stays as the backstop)."""
    proposal.kind, proposal.session = _kind_and_session(proposal.organisation, _today())
    if proposal.session is not None:
        proposal.year = proposal.session.start_date.year
    series = Proposal.objects.filter(
        organisation=proposal.organisation, year=proposal.year, kind=proposal.kind
    )
    key = f"proposals.serial:org{proposal.organisation_id}:{proposal.year}:{proposal.kind}"
    if proposal.session_id:
        series = Proposal.objects.filter(session=proposal.session, kind=proposal.kind)
        key = f"proposals.serial:session{proposal.session_id}:{proposal.kind}"
    proposal.serial = counters.next_value(
        key, start_after=lambda: series.aggregate(m=Max("serial"))["m"]
    )
    proposal.number = format_number(proposal)


def _enter_review(proposal: Proposal, actor, verb: str) -> None:
    if proposal.serial is None:
        _give_number(proposal)
    proposal.submitted_at = timezone.now()
    proposal.review_due = calendar.add_working_days(
        _today(), config.get(proposal.organisation, rules.REVIEW_DAYS)
    )
    transition(
        proposal,
        to=S.SUBMITTED,
        allowed_from=[S.DRAFT, S.COSIGNING, S.RETURNED],
        actor=actor,
        verb=verb,
        extra_fields=["kind", "session", "year", "serial", "number", "submitted_at", "review_due"],
    )
    notify(
        _reviewers(proposal),
        title=_("新提案待审查：%(title)s") % {"title": proposal.title},
        url=proposal.get_absolute_url(),
        dedupe_key=f"proposal:{proposal.pk}:review:{proposal.returned_count}",
    )


@transaction.atomic
def proposal_submit(*, proposal: Proposal, actor) -> Proposal:
    """Send the draft: to the co-signers for confirmation, or straight to review."""
    proposal = lock(Proposal, proposal.pk)
    if not policies.is_first_proposer(actor, proposal):
        raise PermissionDenied
    validate_text(proposal)
    pending = proposal.signers.exclude(status=Signer.Status.CONFIRMED)
    if proposal.status == S.DRAFT and pending.exists():
        transition(
            proposal, to=S.COSIGNING, allowed_from=[S.DRAFT], actor=actor, verb="proposal.submit"
        )
        for signer in pending.select_related("member__user"):
            if signer.member.user_id:
                notify(
                    [signer.member.user],
                    title=_("联名提案待您确认：%(title)s") % {"title": proposal.title},
                    body=_("第一提案人：%(name)s") % {"name": proposal.first_proposer or ""},
                    url=proposal.get_absolute_url(),
                    dedupe_key=f"proposal:{proposal.pk}:cosign",
                    channels=("inbox", "sms"),
                )
        return proposal
    _enter_review(proposal, actor, "proposal.submit")
    return proposal


@transaction.atomic
def signer_respond(*, proposal: Proposal, actor, confirm: bool) -> Signer:
    """A co-signer confirms (or declines) in the system. When nobody is left to answer, the
    proposal goes to review with the confirmed co-signers."""
    proposal = lock(Proposal, proposal.pk)
    member = policies.member_of(actor)
    signer = proposal.signers.filter(member=member).first() if member else None
    if signer is None:
        raise PermissionDenied
    if proposal.status != S.COSIGNING or signer.status != Signer.Status.INVITED:
        raise TransitionError(_("该联名邀请已处理。"))
    signer.status = Signer.Status.CONFIRMED if confirm else Signer.Status.DECLINED
    signer.responded_at = timezone.now()
    signer.save(update_fields=["status", "responded_at"])
    record_event(
        actor=actor,
        verb="proposal.cosign_confirm" if confirm else "proposal.cosign_decline",
        subject=proposal,
        note=str(member),
    )
    if not proposal.signers.filter(status=Signer.Status.INVITED).exists():
        if not proposal.signers.filter(status=Signer.Status.CONFIRMED).exists():
            proposal.proposer_type = Proposal.ProposerType.MEMBER
            proposal.save(update_fields=["proposer_type"])
        _enter_review(proposal, actor, "proposal.submit")
    return signer


# --- Review -----------------------------------------------------------------------------------


def _reviewed(proposal: Proposal, actor, to: str, verb: str, note: str, extra=()) -> None:
    if not policies.can_review(actor, proposal):
        raise PermissionDenied
    proposal.reviewed_at = timezone.now()
    proposal.review_note = note
    transition(
        proposal,
        to=to,
        allowed_from=REVIEWABLE,
        actor=actor,
        verb=verb,
        note=note,
        extra_fields=["reviewed_at", "review_note", *extra],
    )


def _record_proposal_duty(proposal: Proposal) -> None:
    date = timezone.localtime(proposal.submitted_at).date() if proposal.submitted_at else _today()
    if proposal.first_proposer_id:
        record_duty(
            member=proposal.first_proposer,
            kind=DutyKind.PROPOSAL_FIRST,
            date=date,
            title=proposal.title,
            source=proposal,
        )
    for signer in proposal.signers.filter(status=Signer.Status.CONFIRMED).select_related("member"):
        record_duty(
            member=signer.member,
            kind=DutyKind.PROPOSAL_COSIGNER,
            date=date,
            title=proposal.title,
            source=proposal,
        )


@transaction.atomic
def proposal_accept(*, proposal: Proposal, actor, note: str = "") -> Proposal:
    """立案. The proposers' duty records are written here."""
    proposal = lock(Proposal, proposal.pk)
    _reviewed(proposal, actor, S.ACCEPTED, "proposal.accept", note)
    _record_proposal_duty(proposal)
    _notify_proposers(
        proposal,
        _("提案已立案：%(title)s") % {"title": proposal.title},
        _("提案号：%(number)s") % {"number": proposal.number},
        "accepted",
    )
    return proposal


@transaction.atomic
def proposal_merge(*, proposal: Proposal, into: Proposal, actor, note: str = "") -> Proposal:
    """并案: handled together with `into`; each proposer still gets their own answer (the
    answer letters of `into` are sent to them as well)."""
    proposal = lock(Proposal, proposal.pk)
    into = lock(Proposal, into.pk)
    if into.pk == proposal.pk or into.organisation_id != proposal.organisation_id:
        raise ValidationError(_("请选择同一组织的另一件提案。"))
    if into.status not in (S.SUBMITTED, S.ACCEPTED, S.ASSIGNED) or into.merged_into_id:
        raise ValidationError(_("只能并入已立案或待审查的提案。"))
    proposal.merged_into = into
    _reviewed(proposal, actor, S.MERGED, "proposal.merge", note, extra=["merged_into"])
    _record_proposal_duty(proposal)
    _notify_proposers(
        proposal,
        _("提案已并案办理：%(title)s") % {"title": proposal.title},
        _("并入%(number)s《%(title)s》办理，答复将同时送达您。")
        % {"number": into.number, "title": into.title},
        "merged",
    )
    return proposal


@transaction.atomic
def proposal_convert(*, proposal: Proposal, to: str, actor, note: str) -> Proposal:
    """Convert to an opinion/suggestion (转意见建议) or to social-conditions information."""
    proposal = lock(Proposal, proposal.pk)
    if to not in (S.TO_OPINION, S.TO_INFO):
        raise ValidationError(_("转换类型不正确。"))
    if not note.strip():
        raise ValidationError({"note": _("请说明理由。")})
    verb = "proposal.to_opinion" if to == S.TO_OPINION else "proposal.to_info"
    _reviewed(proposal, actor, to, verb, note)
    if to == S.TO_INFO:
        from xieshang.opinions.services import opinion_from_proposal

        opinion_from_proposal(proposal, actor)
    label = Proposal.Status(to).label
    _notify_proposers(
        proposal,
        _("提案审查结果（%(result)s）：%(title)s") % {"result": label, "title": proposal.title},
        note,
        "converted",
    )
    return proposal


@transaction.atomic
def proposal_return(*, proposal: Proposal, actor, note: str) -> Proposal:
    """Back to the proposer for revision — once only."""
    proposal = lock(Proposal, proposal.pk)
    if not note.strip():
        raise ValidationError({"note": _("请写明修改意见。")})
    if proposal.returned_count >= 1:
        raise ValidationError(_("该提案已退回修改过一次，请作出审查决定。"))
    proposal.returned_count += 1
    _reviewed(proposal, actor, S.RETURNED, "proposal.return", note, extra=["returned_count"])
    _notify_proposers(
        proposal,
        _("提案退回修改：%(title)s") % {"title": proposal.title},
        note,
        "returned",
    )
    return proposal


@transaction.atomic
def proposal_reject(*, proposal: Proposal, actor, reason: str, note: str = "") -> Proposal:
    """不予立案, with one of the organisation's configured reasons; the proposer is told why."""
    proposal = lock(Proposal, proposal.pk)
    reasons = config.get(proposal.organisation, rules.REJECT_REASONS)
    if reason not in reasons:
        raise ValidationError({"reason": _("请选择不予立案的理由。")})
    proposal.reject_reason = reason
    _reviewed(
        proposal, actor, S.REJECTED, "proposal.reject", note or reason, extra=["reject_reason"]
    )
    _notify_proposers(
        proposal,
        _("提案不予立案：%(title)s") % {"title": proposal.title},
        _("理由：%(reason)s。%(note)s") % {"reason": reason, "note": note},
        "rejected",
    )
    return proposal


# --- Assignment -------------------------------------------------------------------------------


def _open_assignment(
    proposal, department, role, actor, *, round_: int, start: dt.date, due: dt.date
) -> Assignment:
    kind = Task.Kind.CO_HANDLING if role == Assignment.Role.CO else Task.Kind.PROPOSAL
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                proposal=proposal, department=department, role=role, round=round_
            )
    except IntegrityError as exc:
        raise ValidationError(_("%(dept)s已承办该提案。") % {"dept": department.name}) from exc
    assignment.task = followups.task_open(
        organisation=proposal.organisation,
        title=f"{proposal.number}《{proposal.title}》",
        kind=kind,
        subject=proposal,
        department=department,
        start_date=start,
        due_date=due,
        actor=actor,
        request=(
            _("请向主办单位提出协办意见。")
            if role == Assignment.Role.CO
            else _("请联系提案人并书面答复。")
        ),
    )
    assignment.save(update_fields=["task"])
    return assignment


@transaction.atomic
def proposal_assign(
    *, proposal: Proposal, actor, lead=None, co: Iterable = (), split: Iterable = (), note: str = ""
) -> list[Assignment]:
    """交办: a lead department with optional co-handlers, or split handling where each
    department answers separately. Two clerks assigning at once: the second finds the
    proposal already assigned and is told so."""
    proposal = lock(Proposal, proposal.pk)
    if not access_can(actor, "proposals.assign", proposal):
        raise PermissionDenied
    co, split = list(co), list(split)
    if (lead is None) == (not split):
        raise ValidationError(_("请指定一个主办单位，或选择分办单位。"))
    departments = [d for d in [lead, *co, *split] if d is not None]
    if len({d.pk for d in departments}) != len(departments):
        raise ValidationError(_("同一单位不能重复交办。"))
    # A proposal is answered by the government of its own CPPCC's level: only departments
    # of the proposal's organisation, never a city bureau for a district proposal (nor the
    # reverse), whatever the assigner may reach elsewhere in the tree.
    for field, chosen in (("lead", [lead] if lead else []), ("co", co), ("split", split)):
        for dept in chosen:
            if dept.organisation_id != proposal.organisation_id:
                raise ValidationError(
                    {field: _("%(dept)s不是本级承办单位。") % {"dept": dept.name}}
                )
            if not dept.is_active:
                raise ValidationError(
                    {field: _("%(dept)s已停用，不能交办。") % {"dept": dept.name}}
                )
    transition(
        proposal,
        to=S.ASSIGNED,
        allowed_from=[S.ACCEPTED],
        actor=actor,
        verb="proposal.assign",
        note=note,
        data={
            "lead": lead.name if lead else "",
            "co": [d.name for d in co],
            "split": [d.name for d in split],
        },
    )
    start = _today()
    org = proposal.organisation
    answer_due = months_later(start, config.get(org, rules.ANSWER_MONTHS))
    co_due = months_later(start, config.get(org, rules.CO_VIEW_MONTHS))
    created = []
    if lead is not None:
        created.append(
            _open_assignment(
                proposal, lead, Assignment.Role.LEAD, actor, round_=1, start=start, due=answer_due
            )
        )
    for dept in split:
        created.append(
            _open_assignment(
                proposal, dept, Assignment.Role.SPLIT, actor, round_=1, start=start, due=answer_due
            )
        )
    for dept in co:
        created.append(
            _open_assignment(
                proposal, dept, Assignment.Role.CO, actor, round_=1, start=start, due=co_due
            )
        )
    return created


def access_can(user, perm: str, proposal: Proposal) -> bool:
    return access.can(user, perm, proposal.organisation)


def _reviewers(proposal: Proposal):
    """The proposal committee's staff of the proposal's organisation and the levels above."""
    from xieshang.core.models import User

    return User.objects.filter(
        role_assignments__role=Role.PROPOSAL_COMMITTEE,
        role_assignments__organisation__in=proposal.organisation.ancestor_ids(),
    ).distinct()


@transaction.atomic
def assignment_return(*, assignment: Assignment, actor, reason: str) -> Assignment:
    """A department that is the wrong one sends the proposal back (it never forwards it),
    within the configured working days of the assignment."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("proposal__organisation", "task")
        .get(pk=assignment.pk)
    )
    proposal = lock(Proposal, assignment.proposal_id)
    if not policies.can_handle(actor, assignment):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("请说明退回理由。")})
    if assignment.status != Assignment.Status.HANDLING:
        raise TransitionError(_("该交办已处理，不能退回。"))
    limit = config.get(proposal.organisation, rules.RETURN_DAYS)
    assigned_on = timezone.localtime(assignment.assigned_at).date()
    if calendar.working_days_between(assigned_on, _today()) > limit:
        raise ValidationError(
            _("已超过交办后%(n)s个工作日的退回时限，请与提案委员会联系。") % {"n": limit}
        )
    assignment.status = Assignment.Status.RETURNED
    assignment.return_reason = reason
    assignment.save(update_fields=["status", "return_reason"])
    if assignment.task_id:
        Task.objects.filter(pk=assignment.task_id).update(status=Task.Status.CANCELLED)
    record_event(
        actor=actor,
        verb="proposal.assignment_return",
        subject=proposal,
        note=reason,
        data={"department": assignment.department.name},
    )
    live_answerers = proposal.assignments.filter(
        status__in=[Assignment.Status.HANDLING, Assignment.Status.ANSWERED],
        role__in=[Assignment.Role.LEAD, Assignment.Role.SPLIT],
    )
    if assignment.role != Assignment.Role.CO and not live_answerers.exists():
        # No department answers any more: back to the proposal committee to reassign.
        proposal.assignments.filter(status=Assignment.Status.HANDLING).update(
            status=Assignment.Status.WITHDRAWN
        )
        transition(
            proposal,
            to=S.ACCEPTED,
            allowed_from=[S.ASSIGNED],
            actor=actor,
            verb="proposal.assignment_return",
            note=reason,
        )

    notify(
        _reviewers(proposal),
        title=_("承办单位申请退回提案：%(title)s") % {"title": proposal.title},
        body=f"{assignment.department.name}：{reason}",
        url=proposal.get_absolute_url(),
        dedupe_key=f"proposal:{proposal.pk}:returned:{assignment.pk}",
    )
    return assignment


# --- Handling ---------------------------------------------------------------------------------


@transaction.atomic
def contact_record(
    *, assignment: Assignment, actor, date: dt.date, way: str, note: str = ""
) -> Contact:
    if not policies.can_handle(actor, assignment):
        raise PermissionDenied
    if assignment.status != Assignment.Status.HANDLING:
        raise TransitionError(_("该提案已答复或已退回。"))
    if date > _today():
        raise ValidationError({"date": _("联系日期不能晚于今天。")})
    if way not in Contact.Way.values:
        raise ValidationError({"way": _("请选择联系方式。")})
    contact = Contact.objects.create(
        assignment=assignment, date=date, way=way, note=note, recorded_by=actor
    )
    record_event(
        actor=actor,
        verb="proposal.contact",
        subject=assignment.proposal,
        note=note,
        data={"way": way, "date": date.isoformat(), "department": assignment.department.name},
    )
    return contact


@transaction.atomic
def co_view_submit(*, assignment: Assignment, actor, text: str) -> None:
    """A co-handler's view goes to the lead department (as the co task's written feedback)."""
    if assignment.role != Assignment.Role.CO:
        raise ValidationError(_("只有协办单位提出协办意见。"))
    if not policies.can_handle(actor, assignment):
        raise PermissionDenied
    followups.feedback_submit(task=assignment.task, text=text, actor=actor)
    Assignment.objects.filter(pk=assignment.pk).update(status=Assignment.Status.ANSWERED)
    lead = assignment.proposal.assignments.filter(
        role=Assignment.Role.LEAD, status=Assignment.Status.HANDLING
    ).first()
    if lead is not None and lead.task_id:
        notify(
            followups.assignees(lead.task),
            title=_("收到协办意见：%(title)s") % {"title": assignment.proposal.title},
            body=f"{assignment.department.name}：{text[:200]}",
            url=assignment.proposal.get_absolute_url(),
            dedupe_key=f"proposal:{assignment.proposal_id}:coview:{assignment.pk}",
        )


@transaction.atomic
def assignment_extension_request(
    *, assignment: Assignment, actor, requested_due: dt.date, reason: str
):
    """申请延期 through the follow-up engine, capped: the new date may not pass the
    assignment date plus the configured maximum (default 6 months); beyond it the proposal
    committee cannot approve, so it is refused here."""
    assignment = Assignment.objects.select_related("proposal__organisation", "task").get(
        pk=assignment.pk
    )
    if not policies.can_handle(actor, assignment):
        raise PermissionDenied
    if assignment.status != Assignment.Status.HANDLING or assignment.task is None:
        raise TransitionError(_("该提案已答复或已退回，不能申请延期。"))
    months = config.get(assignment.proposal.organisation, rules.MAX_EXTENSION_MONTHS)
    cap = months_later(timezone.localtime(assignment.assigned_at).date(), months)
    if requested_due > cap:
        raise ValidationError(
            {
                "requested_due": _("延期后的期限最长为交办后%(n)s个月，即不晚于%(cap)s。")
                % {"n": months, "cap": chinese_date(cap)}
            }
        )
    return followups.extension_request(
        task=assignment.task, requested_due=requested_due, reason=reason, actor=actor
    )


def outcome_categories(organisation) -> dict[str, str]:
    return {code: label for code, label in config.get(organisation, rules.OUTCOME_CATEGORIES)}


@transaction.atomic
def answer_submit(
    *,
    assignment: Assignment,
    actor,
    category: str,
    text: str,
    signed_by: str,
    contact_person: str,
    contact_phone: str,
    doc_number: str = "",
) -> Answer:
    """答复: the answer letter with its outcome category, signed off by the department's
    responsible leader. When every answering department has answered, the proposers are
    asked to rate the answer."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("department", "proposal__organisation", "task")
        .get(pk=assignment.pk)
    )
    proposal = lock(Proposal, assignment.proposal_id)
    if not policies.can_handle(actor, assignment):
        raise PermissionDenied
    if assignment.role == Assignment.Role.CO:
        raise ValidationError(_("协办单位请提出协办意见，由主办单位答复。"))
    if assignment.status != Assignment.Status.HANDLING:
        raise TransitionError(_("该提案已答复或已退回。"))
    errors = {}
    categories = outcome_categories(proposal.organisation)
    if category not in categories:
        errors["category"] = _("请选择办理结果分类。")
    if not text.strip():
        errors["text"] = _("请填写答复内容。")
    if not signed_by.strip():
        errors["signed_by"] = _("答复函须由单位负责人签发。")
    if not contact_person.strip() or not contact_phone.strip():
        errors["contact_person"] = _("请填写联系人及联系电话。")
    if errors:
        raise ValidationError(errors)
    answer = Answer.objects.create(
        assignment=assignment,
        category=category,
        text=text,
        signed_by=signed_by,
        contact_person=contact_person,
        contact_phone=contact_phone,
        doc_number=doc_number.strip(),
        created_by=actor,
    )
    followups.feedback_submit(
        task=assignment.task,
        text=_("已答复（%(cat)s类）") % {"cat": category},
        actor=actor,
    )
    assignment.status = Assignment.Status.ANSWERED
    assignment.save(update_fields=["status"])
    record_event(
        actor=actor,
        verb="proposal.answer",
        subject=proposal,
        note=f"{category} {categories.get(category, '')}",
        data={"department": assignment.department.name, "category": category},
    )
    if category in config.get(proposal.organisation, rules.FOLLOW_UP_CATEGORIES):
        followups.task_open(
            organisation=proposal.organisation,
            title=_("落实跟踪：%(title)s") % {"title": proposal.title},
            kind=Task.Kind.IMPLEMENTATION,
            subject=proposal,
            department=assignment.department,
            due_date=months_later(
                _today(), config.get(proposal.organisation, rules.IMPLEMENTATION_MONTHS)
            ),
            actor=actor,
            request=_("答复承诺事项正在解决或已列入计划，请在落实后书面反馈。"),
        )
    still_open = proposal.assignments.filter(
        role__in=[Assignment.Role.LEAD, Assignment.Role.SPLIT],
        status=Assignment.Status.HANDLING,
        round=assignment.round,
    )
    if not still_open.exists():
        transition(
            proposal, to=S.ANSWERED, allowed_from=[S.ASSIGNED], actor=actor, verb="proposal.answer"
        )
        for target in [proposal, *proposal.merged_proposals.all()]:
            _notify_proposers(
                target,
                _("提案已答复，请评价：%(title)s") % {"title": target.title},
                _("请在%(n)s个工作日内对办理过程和结果作出评价。")
                % {"n": config.get(proposal.organisation, rules.EVALUATION_DAYS)},
                f"answered:{assignment.round}",
            )
    return answer


# --- Evaluation and re-handling ---------------------------------------------------------------


def proposers(proposal: Proposal) -> list:
    """The members who rate an answer: the first proposer and the confirmed co-signers of
    the proposal and of every proposal merged into it."""
    result = []
    for target in [proposal, *proposal.merged_proposals.all()]:
        if target.first_proposer_id:
            result.append(target.first_proposer)
        result.extend(s.member for s in target.signers.filter(status=Signer.Status.CONFIRMED))
    return result


@transaction.atomic
def evaluation_submit(
    *, answer: Answer, actor, process: str, result: str, comment: str = ""
) -> Evaluation:
    member = policies.member_of(actor)
    proposal = lock(Proposal, answer.assignment.proposal_id)
    if member is None or member.pk not in {m.pk for m in proposers(proposal)}:
        raise PermissionDenied
    if proposal.status != S.ANSWERED:
        raise TransitionError(_("当前不在评价阶段。"))
    if process not in Rating.values or result not in Rating.values:
        raise ValidationError(_("请对办理过程和办理结果分别作出评价。"))
    if (result == Rating.UNSATISFIED or process == Rating.UNSATISFIED) and not comment.strip():
        raise ValidationError({"comment": _("不满意时请写明意见。")})
    evaluation, created = Evaluation.objects.get_or_create(
        answer=answer,
        member=member,
        defaults={"process": process, "result": result, "comment": comment},
    )
    if not created:
        raise TransitionError(_("您已评价过该答复。"))
    record_event(
        actor=actor,
        verb="proposal.evaluate",
        subject=proposal,
        note=comment,
        data={
            "process": process,
            "result": result,
            "department": answer.assignment.department.name,
        },
    )
    return evaluation


@transaction.atomic
def proposal_rehandle(*, proposal: Proposal, actor, note: str) -> list[Assignment]:
    """重新办理, once, after an unsatisfied rating: the answering departments handle it again
    with a new deadline."""
    proposal = lock(Proposal, proposal.pk)
    if not access_can(actor, "proposals.assign", proposal):
        raise PermissionDenied
    if proposal.rehandled:
        raise ValidationError(_("该提案已重新办理过一次。"))
    unsatisfied = Evaluation.objects.filter(
        answer__assignment__proposal=proposal, result=Rating.UNSATISFIED
    ) | Evaluation.objects.filter(answer__assignment__proposal=proposal, process=Rating.UNSATISFIED)
    if not unsatisfied.exists():
        raise ValidationError(_("只有提案人不满意时才能重新办理。"))
    if not note.strip():
        raise ValidationError({"note": _("请写明重新办理的要求。")})
    proposal.rehandled = True
    transition(
        proposal,
        to=S.ASSIGNED,
        allowed_from=[S.ANSWERED],
        actor=actor,
        verb="proposal.rehandle",
        note=note,
        extra_fields=["rehandled"],
    )
    last_round = proposal.assignments.aggregate(m=Max("round"))["m"] or 1
    start = _today()
    due = months_later(start, config.get(proposal.organisation, rules.REHANDLE_MONTHS))
    created = []
    for previous in proposal.assignments.filter(
        round=last_round,
        role__in=[Assignment.Role.LEAD, Assignment.Role.SPLIT],
        status=Assignment.Status.ANSWERED,
    ).select_related("department"):
        created.append(
            _open_assignment(
                proposal,
                previous.department,
                previous.role,
                actor,
                round_=last_round + 1,
                start=start,
                due=due,
            )
        )
    return created


@transaction.atomic
def proposal_close(*, proposal: Proposal, actor, note: str = "") -> Proposal:
    proposal = lock(Proposal, proposal.pk)
    if not access_can(actor, "proposals.assign", proposal):
        raise PermissionDenied
    transition(
        proposal,
        to=S.CLOSED,
        allowed_from=[S.ANSWERED],
        actor=actor,
        verb="proposal.close",
        note=note,
    )
    Task.objects.filter(
        content_type__model="proposal",
        object_id=str(proposal.pk),
        status=Task.Status.SUBMITTED,
        kind__in=[Task.Kind.PROPOSAL, Task.Kind.CO_HANDLING],
    ).update(status=Task.Status.CLOSED, closed_at=timezone.now())
    return proposal


# --- Key proposals ----------------------------------------------------------------------------


@transaction.atomic
def key_shortlist(*, proposal: Proposal, actor, note: str = "") -> Proposal:
    proposal = lock(Proposal, proposal.pk)
    if not policies.can_review(actor, proposal):
        raise PermissionDenied
    if proposal.status not in (S.ACCEPTED, S.ASSIGNED) or proposal.key_status:
        raise TransitionError(_("只有已立案的提案可以拟定为重点提案。"))
    transition(
        proposal,
        to=Proposal.KeyStatus.SHORTLISTED,
        allowed_from=[""],
        actor=actor,
        verb="proposal.key_shortlist",
        note=note,
        field="key_status",
    )
    return proposal


@transaction.atomic
def key_approve(*, proposal: Proposal, actor, leading_leader: str) -> Proposal:
    """The chairman's meeting approves a shortlisted key proposal and names its leader."""
    proposal = lock(Proposal, proposal.pk)
    if not policies.can_approve_key(actor, proposal):
        raise PermissionDenied
    if not leading_leader.strip():
        raise ValidationError({"leading_leader": _("请确定领办领导。")})
    proposal.leading_leader = leading_leader
    transition(
        proposal,
        to=Proposal.KeyStatus.APPROVED,
        allowed_from=[Proposal.KeyStatus.SHORTLISTED],
        actor=actor,
        verb="proposal.key_approve",
        note=leading_leader,
        field="key_status",
        extra_fields=["leading_leader"],
    )
    date = _today()
    if proposal.first_proposer_id:
        record_duty(
            member=proposal.first_proposer,
            kind=DutyKind.KEY_PROPOSAL_FIRST,
            date=date,
            title=proposal.title,
            source=proposal,
        )
    for signer in proposal.signers.filter(status=Signer.Status.CONFIRMED).select_related("member"):
        record_duty(
            member=signer.member,
            kind=DutyKind.KEY_PROPOSAL_COSIGNER,
            date=date,
            title=proposal.title,
            source=proposal,
        )
    return proposal


@transaction.atomic
def supervision_record(
    *, proposal: Proposal, actor, date: dt.date, way: str, note: str = ""
) -> Supervision:
    if not policies.can_review(actor, proposal):
        raise PermissionDenied
    if not proposal.is_key:
        raise ValidationError(_("只有重点提案记录督办情况。"))
    if way not in Supervision.Way.values:
        raise ValidationError({"way": _("请选择督办方式。")})
    record = Supervision.objects.create(
        proposal=proposal, date=date, way=way, note=note, recorded_by=actor
    )
    record_event(
        actor=actor,
        verb="proposal.supervise",
        subject=proposal,
        note=note,
        data={"way": way, "date": date.isoformat()},
    )
    return record


# --- Publication ------------------------------------------------------------------------------


def publishable(proposal: Proposal) -> bool:
    return (
        proposal.is_public_interest
        and not proposal.proposer_opt_out
        and not proposal.office_withheld
        and proposal.status in (S.ANSWERED, S.CLOSED)
    )


def publish_due(*, today: dt.date | None = None) -> int:
    """Publish answers on the portal the configured working days after the last answer.
    Idempotent: only proposals not yet published are touched, with a compare-and-set."""
    today = today or _today()
    count = 0
    candidates = Proposal.objects.filter(
        status__in=[S.ANSWERED, S.CLOSED],
        published_at__isnull=True,
        is_public_interest=True,
        proposer_opt_out=False,
        office_withheld=False,
    ).select_related("organisation")
    for proposal in candidates:
        last = Answer.objects.filter(assignment__proposal=proposal).aggregate(m=Max("answered_at"))[
            "m"
        ]
        if last is None:
            continue
        days = config.get(proposal.organisation, rules.PUBLISH_DAYS)
        if calendar.add_working_days(timezone.localtime(last).date(), days) > today:
            continue
        with transaction.atomic():
            if Proposal.objects.filter(pk=proposal.pk, published_at__isnull=True).update(
                published_at=timezone.now()
            ):
                record_event(actor=None, verb="proposal.publish", subject=proposal)
                count += 1
    return count


@transaction.atomic
def publication_withhold(*, proposal: Proposal, actor, note: str) -> Proposal:
    proposal = lock(Proposal, proposal.pk)
    if not policies.can_review(actor, proposal):
        raise PermissionDenied
    proposal.office_withheld = True
    proposal.published_at = None
    proposal.save(update_fields=["office_withheld", "published_at"])
    record_event(actor=actor, verb="proposal.withhold", subject=proposal, note=note)
    return proposal
