"""Every change to a consultation platform and its sessions. Views, the demo and (later) the
API call these; each checks the actor's right and the state, applies the change and writes
the audit event (and, for a held session, the members' duty records) in one transaction."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core.audit import (
    StaleEdit,
    changed_fields,
    lock,
    record_event,
    save_versioned,
    transition,
)
from xieshang.core.phrases import Phrase
from xieshang.core.text import reader_date
from xieshang.duty.models import DutyKind
from xieshang.duty.services import record_duty

from . import policies
from .models import Platform, PlatformMember, PlatformSession, SessionAttendance, SessionOutcome

P = Platform.Status
S = PlatformSession.Status

PLATFORM_FIELDS = ["name", "place", "convener", "convener_name", "liaison_room", "description"]
SESSION_FIELDS = ["title", "starts_at", "place", "description"]
RECORD_FIELDS = [
    "minutes",
    "resident_count",
    "resident_names",
    "department_count",
    "department_names",
    "cadre_count",
    "cadre_names",
]
# to-state -> the states it may be reached from; the date field it stamps.
STATUS_MOVES = {
    P.BUILT: ([P.PLANNED], "built_on"),
    P.RUNNING: ([P.PLANNED, P.BUILT, P.SUSPENDED], "running_since"),
    P.SUSPENDED: ([P.RUNNING], "suspended_on"),
}
# Sessions are planned only on platforms that exist on the ground.
SESSION_PLATFORM_STATES = (P.BUILT, P.RUNNING)


def _check_room(organisation, liaison_room) -> None:
    if liaison_room is None:
        return
    street = organisation if organisation.level == "street" else organisation.parent
    if street is None or liaison_room.street_id != street.pk:
        raise ValidationError({"liaison_room": _("所选委员联络室不属于该街道。")})


def _display(values: dict) -> dict:
    return {k: ("" if v is None else str(v)) for k, v in values.items()}


# --- platforms --------------------------------------------------------------------------------
@transaction.atomic
def platform_create(
    *,
    organisation,
    actor,
    name: str,
    place: str = "",
    convener=None,
    convener_name: str = "",
    liaison_room=None,
    description: str = "",
    status: str = P.PLANNED,
    on: dt.date | None = None,
) -> Platform:
    """Register a platform at a street or community. A platform already running when it is
    first registered (old ones entered afterwards) may start in any state."""
    if not policies.can_create(actor, organisation):
        raise PermissionDenied
    _check_room(organisation, liaison_room)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("状态日期不能晚于今天。")})
    platform = Platform(
        organisation=organisation,
        level=organisation.level,
        name=name,
        place=place,
        convener=convener,
        convener_name=convener_name,
        liaison_room=liaison_room,
        description=description,
        status=status,
        planned_on=on,
        status_changed_on=on,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if status in STATUS_MOVES:
        setattr(platform, STATUS_MOVES[status][1], on)
    if status == P.SUSPENDED:
        platform.running_since = on
    platform.save()
    record_event(actor=actor, verb="platform.create", subject=platform, to_state=status)
    return platform


@transaction.atomic
def platform_update(*, platform: Platform, actor, expected_version: int, **values) -> Platform:
    """Edit the register entry. A stale edit raises `StaleEdit`."""
    platform = lock(Platform, platform.pk)
    if not policies.can_manage(actor, platform):
        raise PermissionDenied
    unknown = set(values) - set(PLATFORM_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if "liaison_room" in values:
        _check_room(platform.organisation, values["liaison_room"])
    before = {k: getattr(platform, k) for k in values}
    for key, value in values.items():
        setattr(platform, key, value)
    save_versioned(platform, expected_version=expected_version, fields=list(values))
    record_event(
        actor=actor,
        verb="platform.edit",
        subject=platform,
        data={"changed": changed_fields(_display(before), _display(values))},
    )
    return platform


@transaction.atomic
def platform_set_status(
    *, platform: Platform, actor, to: str, on: dt.date | None = None, note: str = ""
) -> Platform:
    """planned → built → running ⇄ suspended, each change dated and audited. The date is
    the day it happened: not after today (a platform "suspended" from next year read as
    suspended at once) and not before the current state's own date (the timeline would
    run backwards)."""
    platform = lock(Platform, platform.pk)
    if not policies.can_manage(actor, platform):
        raise PermissionDenied
    if to not in STATUS_MOVES:
        raise ValidationError(_("无效的平台状态。"))
    allowed, date_field = STATUS_MOVES[to]
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("状态变更日期不能晚于今天。")})
    if platform.status_changed_on and on < platform.status_changed_on:
        raise ValidationError(
            {
                "on": _("状态变更日期不能早于当前状态的日期（%(d)s）。")
                % {"d": reader_date(platform.status_changed_on)}
            }
        )
    setattr(platform, date_field, on)
    platform.status_changed_on = on
    transition(
        platform,
        to=to,
        allowed_from=allowed,
        actor=actor,
        verb="platform.status",
        note=note,
        extra_fields=[date_field, "status_changed_on"],
        data={"on": on.isoformat()},
    )
    return platform


@transaction.atomic
def platform_assign(
    *, platform: Platform, actor, member, since: dt.date | None = None, note: str = ""
) -> PlatformMember:
    """委员下沉: a member of the overseeing committee (or of one above it) joins the platform."""
    platform = lock(Platform, platform.pk)
    if not policies.can_manage(actor, platform):
        raise PermissionDenied
    if not platform.organisation.path.startswith(member.organisation.path):
        raise ValidationError({"member": _("只能安排本级或上级政协委员下沉到该平台。")})
    if PlatformMember.objects.filter(platform=platform, member=member, until__isnull=True).exists():
        raise ValidationError({"member": _("%(name)s已在该平台。") % {"name": member.name}})
    # The day the member joined: one dated ahead read as on the platform already (its
    # sessions, attendance and pages), and could not be ended before that day came.
    if since and since > timezone.localdate():
        raise ValidationError({"since": _("下沉日期不能晚于今天。")})
    row = PlatformMember.objects.create(
        platform=platform, member=member, since=since or timezone.localdate(), note=note
    )
    record_event(
        actor=actor,
        verb="platform.assign",
        subject=platform,
        note=member.name,
        data={"member": member.pk, "since": row.since.isoformat()},
    )
    return row


@transaction.atomic
def platform_unassign(
    *, assignment: PlatformMember, actor, until: dt.date | None = None
) -> PlatformMember:
    """End a member's assignment; the row stays as history."""
    assignment = PlatformMember.objects.select_for_update().get(pk=assignment.pk)
    platform = assignment.platform
    if not policies.can_manage(actor, platform):
        raise PermissionDenied
    if assignment.until is not None:
        raise ValidationError(_("该委员已结束下沉。"))
    assignment.until = until or timezone.localdate()
    if assignment.until < assignment.since:
        raise ValidationError(_("结束日期不能早于下沉日期。"))
    assignment.save(update_fields=["until"])
    record_event(
        actor=actor,
        verb="platform.unassign",
        subject=platform,
        note=assignment.member.name,
        data={"member": assignment.member_id, "until": assignment.until.isoformat()},
    )
    return assignment


# --- sessions ---------------------------------------------------------------------------------


def set_up_on(platform: Platform) -> dt.date | None:
    """The day the platform existed on the ground: built (建成), or running when it went
    straight from planned to running; the earlier of the two. None when neither is known."""
    days = [d for d in (platform.built_on, platform.running_since) if d is not None]
    return min(days) if days else None


def _check_starts_at(starts_at: dt.datetime, platform: Platform) -> None:
    """A session is planned for now or later, or entered afterwards within last year and
    this one: a mistyped year (2001 for 2026) put the members present into the duty files
    of a year long closed, where they may not even have sat. Nor is it dated before its
    platform was set up: nobody met on a platform that did not exist yet."""
    earliest = timezone.localdate().year - 1
    day = timezone.localtime(starts_at).date()
    if day.year < earliest:
        raise ValidationError(
            {"starts_at": _("议事会时间不能早于%(y)s年1月1日。") % {"y": earliest}}
        )
    since = set_up_on(platform)
    if since is not None and day < since:
        raise ValidationError(
            {
                "starts_at": _("该平台于%(date)s建成，议事会时间不能早于这一天。")
                % {"date": reader_date(since)}
            }
        )


@transaction.atomic
def session_plan(
    *,
    platform: Platform,
    actor,
    title: str,
    starts_at: dt.datetime,
    place: str = "",
    description: str = "",
) -> PlatformSession:
    platform = lock(Platform, platform.pk)
    if not policies.can_manage(actor, platform):
        raise PermissionDenied
    if platform.status not in SESSION_PLATFORM_STATES:
        raise ValidationError(
            _("平台当前为“%(state)s”，不能安排议事会。") % {"state": platform.get_status_display()}
        )
    _check_starts_at(starts_at, platform)
    session = PlatformSession.objects.create(
        platform=platform,
        title=title,
        starts_at=starts_at,
        place=place or platform.place,
        description=description,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event(
        actor=actor,
        verb="platform_session.plan",
        subject=session,
        to_state=session.status,
        data={"starts_at": starts_at.isoformat()},
    )
    return session


@transaction.atomic
def session_update(
    *, session: PlatformSession, actor, expected_version: int, **values
) -> PlatformSession:
    """Change a planned session's title, time, place or content."""
    session = lock(PlatformSession, session.pk)
    if not policies.can_manage(actor, session.platform):
        raise PermissionDenied
    if session.status != S.PLANNED:
        raise ValidationError(_("只能修改计划中的议事会。"))
    unknown = set(values) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if values.get("starts_at") and values["starts_at"] != session.starts_at:
        _check_starts_at(values["starts_at"], session.platform)
    before = {k: getattr(session, k) for k in values}
    for key, value in values.items():
        setattr(session, key, value)
    save_versioned(session, expected_version=expected_version, fields=list(values))
    record_event(
        actor=actor,
        verb="platform_session.edit",
        subject=session,
        data={"changed": changed_fields(_display(before), _display(values))},
    )
    return session


def _clean_outcomes(outcomes: Iterable) -> list[tuple[str, str]]:
    """Outcomes as (text, responsible body); blank lines dropped."""
    cleaned = []
    for item in outcomes:
        text, responsible = (item, "") if isinstance(item, str) else (item[0], item[1] or "")
        if text and text.strip():
            cleaned.append((text.strip(), responsible.strip()[:100]))
    return cleaned


@transaction.atomic
def session_record(
    *,
    session: PlatformSession,
    actor,
    expected_version: int,
    minutes: str,
    outcomes: Iterable,
    attendance: dict | None = None,
    **participants,
) -> PlatformSession:
    """Record a session as held: minutes, agreed outcomes, the other participants and the
    members' attendance. The first call moves it from planned to held and writes one duty
    record per member present; later calls (until the outcomes are approved) correct the
    minutes, outcomes and participants. Attendance is recorded once: the duty ledger is
    append-only, so a "present" that wrote a record is not taken back here."""
    session = lock(PlatformSession, session.pk)
    platform = session.platform
    if not policies.can_manage(actor, platform):
        raise PermissionDenied
    unknown = set(participants) - set(RECORD_FIELDS)
    if unknown:
        raise TypeError(f"not recordable: {sorted(unknown)}")
    if session.status not in (S.PLANNED, S.HELD):
        raise ValidationError(_("议事成果已审定公开或议事会已取消，不能再修改记录。"))
    if session.version != expected_version:
        raise StaleEdit(current_version=session.version)
    if session.starts_at > timezone.now() and session.status == S.PLANNED:
        raise ValidationError(_("议事会尚未召开，不能登记召开情况。"))
    outcomes = _clean_outcomes(outcomes)
    session.minutes = minutes
    for key, value in participants.items():
        setattr(session, key, value)
    fields = ["minutes", *participants]
    first = session.status == S.PLANNED
    if first:
        session.held_at = timezone.now()
        transition(
            session,
            to=S.HELD,
            allowed_from=[S.PLANNED],
            actor=actor,
            verb="platform_session.hold",
            extra_fields=[*fields, "held_at"],
            data={"outcomes": len(outcomes)},
        )
    else:
        save_versioned(session, expected_version=expected_version, fields=fields)
        record_event(
            actor=actor,
            verb="platform_session.edit",
            subject=session,
            note=Phrase(N_("修改议事记录")),
            data={"outcomes": len(outcomes)},
        )
    session.outcomes.all().delete()
    SessionOutcome.objects.bulk_create(
        [
            SessionOutcome(session=session, position=i, text=text, responsible=responsible)
            for i, (text, responsible) in enumerate(outcomes, start=1)
        ]
    )
    if first and attendance:
        _record_attendance(session, actor, attendance)
    return session


def _record_attendance(session: PlatformSession, actor, attendance: dict) -> None:
    """Attendance rows for the members named, and one duty record per member present."""
    states = set(SessionAttendance.State.values)
    rows = [
        SessionAttendance(session=session, member=member, state=state)
        for member, state in attendance.items()
        if state in states
    ]
    SessionAttendance.objects.bulk_create(rows, ignore_conflicts=True)
    day = timezone.localtime(session.starts_at).date()
    # The platform's name says what it is ("锦绣社区居民议事会", "城关街道协商议事室").
    title = _("参加%(platform)s：%(title)s") % {
        "platform": session.platform.name,
        "title": session.title,
    }
    for row in rows:
        if row.state == SessionAttendance.State.PRESENT:
            # Idempotent per (member, kind, session): a retried call writes nothing twice.
            record_duty(
                member=row.member,
                kind=DutyKind.COMMUNITY_CONSULTATION,
                date=day,
                title=title,
                source=session,
                actor=actor,
            )


@transaction.atomic
def session_approve(*, session: PlatformSession, actor, note: str = "") -> PlatformSession:
    """The convener (or the office) approves the agreed outcomes: they are published."""
    session = lock(PlatformSession, session.pk)
    if not policies.can_approve(actor, session.platform):
        raise PermissionDenied
    if session.status == S.HELD and not session.outcomes.exists():
        raise ValidationError(_("尚未登记议定事项，不能审定公开。"))
    now = timezone.now()
    session.approved_by = actor if getattr(actor, "pk", None) else None
    session.approved_at = now
    session.is_published = True
    session.published_on = timezone.localdate(now)
    transition(
        session,
        to=S.PUBLISHED,
        allowed_from=[S.HELD],
        actor=actor,
        verb="platform_session.approve",
        note=note,
        extra_fields=["approved_by", "approved_at", "is_published", "published_on"],
    )
    return session


@transaction.atomic
def session_cancel(*, session: PlatformSession, actor, reason: str) -> PlatformSession:
    session = lock(PlatformSession, session.pk)
    if not policies.can_manage(actor, session.platform):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("请填写取消原因。")})
    session.cancel_reason = reason.strip()[:200]
    transition(
        session,
        to=S.CANCELLED,
        allowed_from=[S.PLANNED],
        actor=actor,
        verb="platform_session.cancel",
        note=session.cancel_reason,
        extra_fields=["cancel_reason"],
    )
    return session
