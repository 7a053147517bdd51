"""Review by the proposal committee: accept (立案), merge, convert, return, reject."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import calendar
from xieshang.core.audit import lock, transition
from xieshang.core.models import Notification
from xieshang.core.notifications import notify, settle
from xieshang.core.phrases import Phrase
from xieshang.orgs import config

from .. import policies, rules
from ..models import Proposal
from ..signals import proposal_accepted, proposal_converted
from .common import REVIEWABLE, S, _notify_proposers, _send_proposers_credited, _today
from .drafting import _give_number

# The outcomes that end a proposal without an answer of its own.
_ENDING = (S.MERGED, S.REJECTED, S.TO_OPINION, S.TO_INFO)


def _refuse_ending_a_merge_target(proposal: Proposal, to: str) -> None:
    """A proposal others were merged into (并案) is answered for them as well: rejected,
    converted or merged itself, their proposers would wait for an answer that never comes
    (a merged proposal follows only the one it was merged into). It may be accepted or
    returned for revision only."""
    if to not in _ENDING:
        return
    titles = list(
        Proposal.objects.filter(merged_into=proposal, status=S.MERGED)
        .order_by("pk")
        .values_list("title", flat=True)[:3]
    )
    if titles:
        raise ValidationError(
            _("已有提案并入本件（%(titles)s），为使其提案人得到答复，本件只能立案或退回修改。")
            % {"titles": _("、").join(f"《{t}》" for t in titles)}
        )


def _reviewed(proposal: Proposal, actor, to: str, verb: str, note: str, extra=()) -> None:
    if not policies.can_review(actor, proposal):
        raise PermissionDenied
    _refuse_ending_a_merge_target(proposal, to)
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
    # The other reviewers' 新提案待审查 (each submission's round) is done with.
    settle(f"proposal:{proposal.pk}:review:")


def duty_date(year: int, submitted_on: dt.date, opening: dt.date | None = None) -> dt.date:
    """The date of a proposal's duty records, in the proposal's `year`: the year its
    statistics count it in (a plenary proposal's session's year, a between-session one's
    submission year) is the year the member's evaluation scores it. The submission day when
    it lies in that year; a plenary proposal handed in during the December before its
    session opens (`opening`) is dated on the opening day (else 1 January); one submitted
    after its year (a between-session proposal classified before its year was the
    submission year) on 31 December."""
    if submitted_on.year < year:
        return opening if opening is not None and opening.year == year else dt.date(year, 1, 1)
    if submitted_on.year > year:
        return dt.date(year, 12, 31)
    return submitted_on


def _record_proposal_duty(proposal: Proposal) -> None:
    """The proposers' records at acceptance (or merger), dated by `duty_date`: sent as
    `signals.proposal_accepted`, on which duty records PROPOSAL_FIRST / PROPOSAL_COSIGNER
    (`duty.receivers`). In a year whose scores are settled they go to the open year
    (`duty.services.record_duties`)."""
    submitted = timezone.localtime(proposal.submitted_at).date() if proposal.submitted_at else None
    opening = proposal.session.start_date if proposal.session_id else None
    _send_proposers_credited(
        proposal,
        proposal_accepted,
        date=duty_date(proposal.year, submitted or _today(), opening),
    )


@transaction.atomic
def proposal_accept(*, proposal: Proposal, actor, note: str = "") -> Proposal:
    """立案. The proposers' duty records are written here."""
    proposal = lock(Proposal, proposal.pk)
    extra = []
    if proposal.serial is None:
        # Numbered at acceptance (rules.NUMBER_AT): only accepted proposals take a number
        # from the series, so the accepted ones are numbered without gaps.
        # A refused acceptance rolls back with the transaction and gives the number back.
        _give_number(proposal)
        extra = ["serial", "number"]
    _reviewed(proposal, actor, S.ACCEPTED, "proposal.accept", note, extra=extra)
    _record_proposal_duty(proposal)
    _notify_proposers(
        proposal,
        Phrase(N_("提案已立案：%(title)s"), title=proposal.title),
        Phrase(N_("提案号：%(number)s"), number=proposal.number),
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
        Phrase(N_("提案已并案办理：%(title)s"), title=proposal.title),
        Phrase(
            N_("并入%(number)s《%(title)s》办理，答复将同时送达您。"),
            number=into.number,
            title=into.title,
        )
        if into.number
        else Phrase(N_("并入《%(title)s》办理，答复将同时送达您。"), title=into.title),
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
    # opinions (a higher app) makes its item of a 转社情民意 on this signal.
    proposal_converted.send(sender=Proposal, proposal=proposal, to=to, actor=actor)
    label = Proposal.Status(to).label
    _notify_proposers(
        proposal,
        Phrase(N_("提案审查结果（%(result)s）：%(title)s"), result=label, title=proposal.title),
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
        Phrase(N_("提案退回修改：%(title)s"), title=proposal.title),
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
        Phrase(N_("提案不予立案：%(title)s"), title=proposal.title),
        Phrase(N_("理由：%(reason)s。%(note)s"), reason=reason, note=note),
        "rejected",
    )
    return proposal


def revision_remind(*, today: dt.date | None = None) -> int:
    """The daily reminder of proposals returned for revision (退回修改) and not resubmitted:
    once one has waited its organisation's `REVISION_REMIND_DAYS` working days, its first
    proposer (or the office that entered it) is reminded, once. Proposals merged into it
    (并案) follow only it, so the reminder says how many wait on it. Returns how many were
    reminded; idempotent by the notice's key (a proposal is returned once only)."""
    today = today or _today()
    waiting = list(
        Proposal.objects.filter(status=S.RETURNED, reviewed_at__isnull=False)
        .select_related("organisation", "first_proposer__user", "created_by")
        .annotate(merged=Count("merged_proposals"))
        .order_by("pk")
    )
    days = config.get_many({p.organisation for p in waiting}, rules.REVISION_REMIND_DAYS)
    # Working days from each return up to today, the calendar read once for them all.
    waited = calendar.working_days_from(
        today, [timezone.localtime(p.reviewed_at).date() for p in waiting]
    )
    due = [
        p
        for p in waiting
        if -waited[timezone.localtime(p.reviewed_at).date()] >= days[p.organisation_id]
    ]
    # The reminders already sent, read at once: a proposal stays 退回修改 for weeks, and
    # asking notify() about each of them every day would be one query per proposal.
    sent = set(
        Notification.objects.filter(
            dedupe_key__in=[_revision_remind_key(p) for p in due]
        ).values_list("dedupe_key", flat=True)
    )
    reminded = 0
    for proposal in due:
        if _revision_remind_key(proposal) in sent:
            continue
        returned_on = timezone.localtime(proposal.reviewed_at).date()
        first = proposal.first_proposer
        author = first.user if first and first.user_id else proposal.created_by
        lines = [
            Phrase(
                N_("提案于%(date)s退回修改，尚未重新提交。修改意见：%(note)s"),
                date=returned_on,
                note=proposal.review_note,
            )
        ]
        if proposal.merged:
            lines.append(
                Phrase(
                    N_("已有%(count)s件提案并入本提案，其提案人在等待本提案的办理。"),
                    count=proposal.merged,
                )
            )
        made = notify(
            [author],
            title=Phrase(N_("退回修改的提案仍待重新提交：%(title)s"), title=proposal.title),
            body=lines,
            url=proposal.get_absolute_url(),
            dedupe_key=_revision_remind_key(proposal),
            channels=("inbox", "sms"),
        )
        reminded += bool(made)
    return reminded


def _revision_remind_key(proposal: Proposal) -> str:
    return f"proposal:{proposal.pk}:revision_remind"
