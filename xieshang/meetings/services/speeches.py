"""Plenary speeches (大会发言, C4.4): submitted, selected, scheduled, delivered."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import access
from xieshang.core.audit import TransitionError, lock, record_event, transition
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase
from xieshang.duty.models import DutyKind
from xieshang.duty.services import record_duty

from .. import policies
from ..models import Invitation, Meeting, MeetingKind, Sitting, Speech

SPEECH_KINDS = (MeetingKind.PLENARY, MeetingKind.STANDING)


@transaction.atomic
def speech_submit(
    *, meeting: Meeting, actor, title: str, body: str, body_name: str = "", member=None
) -> Speech:
    """A member submits their own speech; the office may also enter one for a member or for
    a body (a party, a sector, a committee)."""
    if meeting.kind not in SPEECH_KINDS:
        raise TransitionError(_("只有全体会议和常委会议安排大会发言。"))
    if meeting.status in (Meeting.Status.CLOSED, Meeting.Status.CANCELLED):
        raise TransitionError(_("会议已结束，不能再提交发言。"))
    own = policies.member_of(actor)
    if not policies.can_manage(actor, meeting):
        if own is None:
            raise PermissionDenied
        if access.is_former_member(actor):
            raise TransitionError(_("您已不是在任委员，不能再提交大会发言。"))
        member, body_name = own, body_name
    if member is None and not body_name.strip():
        raise ValidationError(_("请填写发言委员或提交单位。"))
    if not title.strip() or not body.strip():
        raise ValidationError(_("请填写发言题目和发言稿。"))
    speech = Speech.objects.create(
        meeting=meeting,
        title=title.strip()[:200],
        body=body.strip(),
        member=member,
        body_name=body_name.strip()[:100],
        submitted_by=actor,
    )
    record_event(actor=actor, verb="speech.submit", subject=speech, to_state=speech.status)
    return speech


def _speech_for_office(actor, speech: Speech) -> Speech:
    if not policies.can_manage(actor, speech.meeting):
        raise PermissionDenied
    return lock(Speech, speech.pk)


@transaction.atomic
def speech_select(*, speech: Speech, actor, selected: bool, note: str = "") -> Speech:
    speech = _speech_for_office(actor, speech)
    transition(
        speech,
        to=Speech.Status.SELECTED if selected else Speech.Status.DECLINED,
        allowed_from=[Speech.Status.SUBMITTED, Speech.Status.DECLINED, Speech.Status.SELECTED],
        actor=actor,
        verb="speech.select" if selected else "speech.decline",
        note=note,
    )
    if speech.member_id and speech.member.user_id:
        notify(
            [speech.member.user],
            title=Phrase(
                N_("大会发言已选用：%(t)s") if selected else N_("大会发言未选用：%(t)s"),
                t=speech.title,
            ),
            body=note,
            url=speech.meeting.get_absolute_url(),
            dedupe_key=f"speech:{speech.pk}:{'selected' if selected else 'declined'}",
        )
    return speech


@transaction.atomic
def speech_schedule(*, speech: Speech, actor, sitting: Sitting, order: int) -> Speech:
    speech = _speech_for_office(actor, speech)
    if sitting.meeting_id != speech.meeting_id:
        raise ValidationError(_("所选会次不属于本次会议。"))
    speech.sitting, speech.order = sitting, order
    transition(
        speech,
        to=Speech.Status.SCHEDULED,
        allowed_from=[Speech.Status.SELECTED, Speech.Status.SCHEDULED],
        actor=actor,
        verb="speech.schedule",
        note=sitting.title,
        extra_fields=["sitting", "order"],
    )
    return speech


@transaction.atomic
def speech_deliver(*, speech: Speech, actor, listeners: list[Invitation]) -> Speech:
    """The speech was given; record the leaders and departments who listened (C4.4) and
    the speaker's duty record."""
    speech = _speech_for_office(actor, speech)
    if any(i.meeting_id != speech.meeting_id or not i.is_leader for i in listeners):
        raise ValidationError(_("听取发言的只能是本次会议邀请的领导和部门负责人。"))
    # Marked before it was given, the speaker's duty record would count a future day.
    begins = speech.sitting.start if speech.sitting_id else speech.meeting.start
    if begins > timezone.now():
        raise ValidationError(_("会议尚未开始，不能登记为已发言。"))
    speech.delivered_at = timezone.now()
    transition(
        speech,
        to=Speech.Status.DELIVERED,
        allowed_from=[Speech.Status.SCHEDULED, Speech.Status.SELECTED],
        actor=actor,
        verb="speech.deliver",
        extra_fields=["delivered_at"],
        data={"listeners": [i.name for i in listeners]},
    )
    speech.listeners.set(listeners)
    if speech.member_id:
        day = timezone.localdate(speech.sitting.start if speech.sitting_id else speech.delivered_at)
        record_duty(
            member=speech.member,
            kind=DutyKind.PLENARY_SPEECH,
            date=day,
            title=speech.title,
            source=speech,
            actor=actor,
        )
    return speech
