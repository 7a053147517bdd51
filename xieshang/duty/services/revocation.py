"""Discipline -> exit (C5.11 -> C5.10): the proposal to revoke a member's seat and the
chairman's meeting's decision on it."""

import datetime as dt

from django.utils.translation import gettext_noop as N_

from xieshang.core.phrases import Phrase, site_text


def exit_propose(*, case, actor, reason: str):
    """Open the exit step for the member of a case decided as 建议撤销委员资格: a pending
    proposal on their current seat for the chairman's meeting. The seat is not touched.
    Runs in the caller's transaction (the case decision)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from xieshang.core import access
    from xieshang.core.audit import TransitionError, record_event
    from xieshang.core.notifications import notify
    from xieshang.members.models import Membership
    from xieshang.orgs.models import Role

    from ..models import ExitProposal

    # The member's seat still in force, newest term first: at the change of term the office
    # records the next term before its members are seated, and the old seats run until then.
    seat = (
        Membership.objects.filter(
            member_id=case.member_id,
            term__organisation=case.organisation,
            status=Membership.Status.ACTIVE,
        )
        .order_by("-term__number")
        .first()
    )
    if seat is None:
        raise TransitionError(_("该委员本届不在任，不能建议撤销委员资格。"))
    if ExitProposal.objects.filter(membership=seat, status=ExitProposal.Status.PENDING).exists():
        raise TransitionError(_("该委员已有待主席会议确认的撤销委员资格建议。"))
    proposal = ExitProposal.objects.create(
        organisation=case.organisation,
        membership=seat,
        case=case,
        reason=(reason or site_text(case.Rule(case.rule).label))[:200],
        proposed_by=actor,
    )
    record_event(
        actor=actor,
        verb="duty.exit_propose",
        subject=proposal,
        to_state=ExitProposal.Status.PENDING,
        note=proposal.reason,
        data={"case": case.pk, "membership": seat.pk},
    )
    notify(
        access.role_holders(case.organisation, Role.CHAIR, Role.OFFICE),
        title=Phrase(N_("撤销%(name)s委员资格的建议待主席会议确认"), name=case.member.name),
        body=proposal.reason,
        url=reverse("duty:case", args=[case.pk]),
        dedupe_key=f"duty.exit.{proposal.pk}.proposed",
    )
    return proposal


def exit_decide(
    *,
    proposal_id: int,
    actor,
    confirm: bool,
    decided_on: dt.date,
    note: str = "",
    meeting=None,
):
    """Record the chairman's meeting's decision on a pending exit. Confirmed: the seat ends
    as 撤销委员资格 on `decided_on` through the members' exit service (its own audit event;
    the member, the seat's history and the duty file stay). Declined: nothing changes on
    the seat. Only staff who may record exits (`members.edit`) record the decision."""
    from django.core.exceptions import PermissionDenied
    from django.db import transaction
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from xieshang.core import access
    from xieshang.core.audit import TransitionError, lock, transition
    from xieshang.core.notifications import settle
    from xieshang.members.services import membership_revoke

    from ..models import ExitProposal

    with transaction.atomic():
        proposal = lock(ExitProposal, proposal_id)
        if not access.can(actor, "members.edit", proposal.organisation):
            raise PermissionDenied
        if meeting is not None and meeting.organisation_id != proposal.organisation_id:
            raise TransitionError(_("请选择本政协的主席会议。"))
        proposal.decided_on = decided_on
        proposal.decision_note = note
        proposal.meeting = meeting
        proposal.decided_by = actor
        proposal.decided_at = timezone.now()
        to = ExitProposal.Status.CONFIRMED if confirm else ExitProposal.Status.DECLINED
        transition(
            proposal,
            to=to,
            allowed_from=[ExitProposal.Status.PENDING],
            actor=actor,
            verb="duty.exit_confirm" if confirm else "duty.exit_decline",
            note=note,
            extra_fields=["decided_on", "decision_note", "meeting", "decided_by", "decided_at"],
            data={"date": decided_on.isoformat()},
        )
        settle(f"duty.exit.{proposal.pk}.proposed")  # the chairs' and office's 待主席会议确认
        if confirm:
            from django.conf import settings
            from django.utils import translation

            # The seat's exit reason is data, read by everyone: in the site's language.
            with translation.override(settings.LANGUAGE_CODE):
                meeting_label = str(meeting) if meeting is not None else _("主席会议")
            membership_revoke(
                membership=proposal.membership,
                actor=actor,
                reason=site_text(
                    N_("%(meeting)s确认：%(reason)s"),
                    meeting=meeting_label,
                    reason=proposal.reason,
                ),
                on_date=decided_on,
            )
    return proposal
