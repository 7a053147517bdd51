"""Key proposals (重点提案): shortlisting, the chairman's meeting's approval, supervision."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xieshang.core.audit import TransitionError, lock, record_event, transition

from .. import policies
from ..models import Proposal, Supervision
from ..signals import key_proposal_approved
from .common import S, _send_proposers_credited, _today
from .review import duty_date


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
    # Dated in the proposal's year as its acceptance record is (`review.duty_date`): the
    # chairman's meeting often approves the last key proposals of a year in the next January,
    # and a 2026 proposal's key record scores in 2026, the year its figures count it in.
    opening = proposal.session.start_date if proposal.session_id else None
    # duty records KEY_PROPOSAL_FIRST / KEY_PROPOSAL_COSIGNER on it (`duty.receivers`).
    _send_proposers_credited(
        proposal,
        key_proposal_approved,
        date=duty_date(proposal.year, _today(), opening),
    )
    return proposal


@transaction.atomic
def key_decline(*, proposal: Proposal, actor, note: str) -> Proposal:
    """The chairman's meeting does not make a shortlisted proposal a key proposal: it goes
    back to the committee's candidates, with the reason in its history."""
    proposal = lock(Proposal, proposal.pk)
    if not policies.can_approve_key(actor, proposal):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": _("请写明不列为重点提案的理由。")})
    transition(
        proposal,
        to=Proposal.KeyStatus.NONE,
        allowed_from=[Proposal.KeyStatus.SHORTLISTED],
        actor=actor,
        verb="proposal.key_decline",
        note=note.strip(),
        field="key_status",
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
    if date > _today():  # a record of supervision done, not a plan
        raise ValidationError({"date": _("督办日期不能晚于今天。")})
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
