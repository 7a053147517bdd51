"""Planning a meeting: create, edit, add sittings, invite, publish, cancel; members sign up
for an activity open to sign-up."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core.audit import (
    StaleEdit,
    TransitionError,
    changed_fields,
    lock,
    record_event,
    save_versioned,
    transition,
)
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase, joined
from xieshang.core.text import person_name
from xieshang.members.models import Member, Membership
from xieshang.members.selectors import current_term
from xieshang.orgs.models import RoleAssignment

from .. import policies
from ..models import Attendance, Invitation, LeaveRequest, Meeting, Sitting
from .common import _require_manage, _sync, then
from .leave import leave_close_pending, leave_withdraw_pending

# --- Meetings ---------------------------------------------------------------------------

EDITABLE = [
    "kind",
    "title",
    "session",
    "committee",
    "activity_group",
    "series",
    "host",
    "location",
    "start",
    "end",
    "description",
    "mode",
    "attendees_text",
]


@transaction.atomic
def meeting_create(*, organisation, actor, **fields) -> Meeting:
    """Create a meeting in draft. A meeting other than a plenary gets one sitting covering
    its whole time (a plenary's sittings are added one by one); a recorded event (C6.1,
    C4.8) is published at once, since nobody is invited to it."""
    meeting = Meeting(organisation=organisation, created_by=actor, **fields)
    _require_manage(actor, meeting)
    if meeting.end <= meeting.start:
        raise ValidationError(_("结束时间须晚于开始时间。"))
    if meeting.is_record:
        meeting.status = Meeting.Status.PUBLISHED
    meeting.save()
    if not meeting.is_plenary and not meeting.is_record:
        Sitting.objects.create(
            meeting=meeting,
            kind=Sitting.Kind.MAIN,
            # Data, in Chinese whatever the clerk's language: Sitting.display_title reads it
            # in the reader's.
            title="全程",
            start=meeting.start,
            end=meeting.end,
            location=meeting.location,
        )
    record_event(actor=actor, verb="meeting.create", subject=meeting)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, actor, expected_version: int, data: dict) -> Meeting:
    # "Before" is the row as stored, not the caller's instance: a view's ModelForm has
    # already written the posted values into it, so its "before" equalled the "after" (no
    # change notice went out to the invitees, the history said nothing, a plenary's
    # sittings stayed put).
    stored = lock(Meeting, meeting.pk)
    _require_manage(actor, stored)
    if stored.status in (Meeting.Status.CLOSED, Meeting.Status.CANCELLED):
        raise TransitionError(_("考勤已结束或已取消的会议不能修改。"))
    before = {k: getattr(stored, k) for k in EDITABLE}
    meeting.status = stored.status
    for key, value in data.items():
        if key in EDITABLE:
            setattr(meeting, key, value)
    # The meeting as changed must still be the actor's to run: a group leader cannot turn
    # their group's activity into a plenary or another group's activity.
    _require_manage(actor, meeting)
    if meeting.end <= meeting.start:
        raise ValidationError(_("结束时间须晚于开始时间。"))
    if meeting.is_plenary:
        _move_sittings(meeting, offset=meeting.start - before["start"])
    save_versioned(meeting, expected_version=expected_version, fields=EDITABLE)
    if not meeting.is_plenary:
        # The single sitting follows the meeting's time and place.
        meeting.sittings.filter(kind=Sitting.Kind.MAIN).update(
            start=meeting.start, end=meeting.end, location=meeting.location
        )
    if before["location"] != meeting.location:
        _relocate_sittings(meeting, old=before["location"])
    changed = changed_fields(before, {k: getattr(meeting, k) for k in EDITABLE})
    record_event(
        actor=actor,
        verb="meeting.edit",
        subject=meeting,
        note=_moved_note(before, meeting),
        data={"changed": changed},
    )
    if meeting.status == Meeting.Status.PUBLISHED and {"start", "end", "location"} & set(changed):
        # Moved or relocated after the notice went out: everyone already told is told again,
        # those who asked leave included, with what changed and the new time and place.
        _notify_change(meeting, what=_moved_note(before, meeting))
    return meeting


_CHANGED = N_("会议时间或地点已变更。")


def _notify_change(meeting: Meeting, *, what, key: str = "", lead: str = _CHANGED) -> None:
    """The 会议变更 notice, to everyone already told (those who asked leave included: their
    request stands; they may withdraw it): what changed, from → to, then when and where the
    meeting is now held, as the first notice says it. `key` tells apart changes that leave
    the meeting's version as it was (a sitting added); `lead`, the first sentence (a msgid)."""
    told = meeting.invitations.filter(notified_at__isnull=False).select_related(
        "member__user", "user"
    )
    body = Phrase(lead)
    if what:
        body = then(body, Phrase(N_("变更内容：%(changes)s。"), changes=what))
    notify(
        [inv.account for inv in told],
        title=Phrase(N_("会议变更：%(t)s"), t=meeting.title),
        body=then(body, _notice_body(meeting)),
        url=meeting.get_absolute_url(),
        dedupe_key=f"meeting:{meeting.pk}:change:{key or meeting.version}",
        channels=("inbox", "email", "sms"),
    )


def _relocate_sittings(meeting: Meeting, *, old: str) -> None:
    """The meeting's place changed: its sittings still to begin that were held at the old
    place (or had none of their own) follow it; a sitting with a place of its own (a group
    discussion in another room) keeps it, and one already begun keeps the place it was held
    at."""
    meeting.sittings.filter(start__gt=timezone.now(), location__in=[old or "", ""]).update(
        location=meeting.location
    )


def _moved_note(before: dict, meeting: Meeting):
    """The history's note of a time or place change, from → to (what the invitees are told
    again), each read in the reader's language; "" when neither changed."""
    parts = []
    if before["start"] != meeting.start:
        parts.append(
            Phrase(
                N_("开始时间：%(from)s → %(to)s"), **{"from": before["start"], "to": meeting.start}
            )
        )
    if before["end"] != meeting.end:
        parts.append(
            Phrase(N_("结束时间：%(from)s → %(to)s"), **{"from": before["end"], "to": meeting.end})
        )
    if before["location"] != meeting.location:
        parts.append(
            Phrase(
                N_("地点：%(from)s → %(to)s"),
                **{"from": before["location"] or "—", "to": meeting.location or "—"},
            )
        )
    return joined(parts)


def _move_sittings(meeting: Meeting, *, offset) -> None:
    """A plenary moved: its sittings move with its start by the same offset (postponed a
    week, it keeps its timetable). A sitting that would then fall outside the meeting's new
    time (the end brought forward past it) refuses the change, naming it; a meeting with
    attendance already recorded is not moved at all (the marks belong to the times held)."""
    sittings = list(meeting.sittings.order_by("start", "id")) if meeting.pk else []
    if not sittings:
        return
    if offset and Attendance.objects.filter(sitting__meeting=meeting).exists():
        raise TransitionError(_("会议已有出勤记录，不能整体改期。"))
    outside = [
        s.title
        for s in sittings
        if s.start + offset < meeting.start or s.end + offset > meeting.end
    ]
    if outside:
        raise ValidationError(
            _("以下会次不在会议的新时间内，请调整会议的开始或结束时间：%(titles)s")
            % {"titles": _("、").join(outside)}
        )
    if offset:
        for s in sittings:
            s.start, s.end = s.start + offset, s.end + offset
        Sitting.objects.bulk_update(sittings, ["start", "end"])


@transaction.atomic
def sitting_add(
    *, meeting: Meeting, actor, kind: str, title: str, start, end, location=""
) -> Sitting:
    _require_manage(actor, meeting)
    if meeting.status in (Meeting.Status.CLOSED, Meeting.Status.CANCELLED):
        raise TransitionError(_("考勤已结束或已取消的会议不能增加会次。"))
    if end <= start:
        raise ValidationError(_("结束时间须晚于开始时间。"))
    sitting = Sitting.objects.create(
        meeting=meeting,
        kind=kind,
        title=title,
        start=start,
        end=end,
        location=location or meeting.location,
    )
    before = _span_sittings(meeting)
    record_event(actor=actor, verb="meeting.sitting_add", subject=meeting, note=title)
    if meeting.status == Meeting.Status.PUBLISHED:
        # Added after the notice went out (perhaps before the time announced): news to
        # everyone told, as a change of the meeting's time or place is.
        added = _sitting_line(
            sitting, msgid=N_("增加会次：%(sitting)s（%(start)s — %(end)s，%(place)s）")
        )
        _notify_change(
            meeting,
            what=joined([added, _moved_note(before, meeting)]),
            key=f"sitting:{sitting.pk}",
            lead=N_("会次安排已变更。"),
        )
    return sitting


SITTING_EDITABLE = ["title", "start", "end", "location"]


def _span_sittings(meeting: Meeting) -> dict:
    """The meeting spans all its sittings, added, edited or removed: its start and end
    follow them. Returns its time and place before, for the change note. A changed span
    bumps the meeting's version, so an edit form of the meeting opened before is refused
    rather than putting the old times back."""
    before = {"start": meeting.start, "end": meeting.end, "location": meeting.location}
    sittings = meeting.sittings.all()
    first = sittings.order_by("start", "id").first()
    last = sittings.order_by("-end", "-id").first()
    if first is not None and (first.start, last.end) != (meeting.start, meeting.end):
        Meeting.objects.filter(pk=meeting.pk).update(
            start=first.start, end=last.end, version=F("version") + 1
        )
        meeting.refresh_from_db(fields=["start", "end", "version"])
    return before


def _sitting_changeable(sitting: Sitting, meeting: Meeting, actor) -> None:
    _require_manage(actor, meeting)
    if meeting.status in (Meeting.Status.CLOSED, Meeting.Status.CANCELLED):
        raise TransitionError(_("考勤已结束或已取消的会议不能修改会次。"))
    if not meeting.is_plenary and sitting.kind == Sitting.Kind.MAIN:
        # The one sitting of a meeting other than a plenary follows the meeting's own time
        # and place (meeting_update): changed here, the next edit of the meeting undoes it.
        raise TransitionError(_("该会次随会议的时间、地点变动，请修改会议活动本身。"))


def _sitting_line(sitting: Sitting, *, msgid: str) -> Phrase:
    return Phrase(
        msgid,
        sitting=sitting.title_label,
        start=timezone.localtime(sitting.start),
        end=timezone.localtime(sitting.end),
        place=sitting.location or Phrase(N_("（地点另行通知）")),
    )


@transaction.atomic
def sitting_update(*, sitting: Sitting, actor, expected_version: int, data: dict) -> Sitting:
    """The office changes a sitting's title, time or place before it starts. Audited from →
    to on the meeting's history; everyone told of the meeting is told of the change, as of a
    change of the meeting's own time or place."""
    stored = lock(Sitting, sitting.pk)
    meeting = lock(Meeting, stored.meeting_id)
    _sitting_changeable(stored, meeting, actor)
    if stored.start <= timezone.now() or stored.attendance.exists():
        raise TransitionError(_("会次已开始，不能再修改。"))
    before = {k: getattr(stored, k) for k in SITTING_EDITABLE}
    for key in SITTING_EDITABLE:
        if key in data:
            setattr(sitting, key, data[key] if key != "location" else (data[key] or ""))
    if sitting.end <= sitting.start:
        raise ValidationError(_("结束时间须晚于开始时间。"))
    after = {k: getattr(sitting, k) for k in SITTING_EDITABLE}
    changed = changed_fields(before, after)
    if not changed:
        return sitting
    save_versioned(sitting, expected_version=expected_version, fields=SITTING_EDITABLE)
    meeting_before = _span_sittings(meeting)
    parts = []
    labels = {
        "title": N_("名称：%(from)s → %(to)s"),
        "start": N_("开始时间：%(from)s → %(to)s"),
        "end": N_("结束时间：%(from)s → %(to)s"),
        "location": N_("地点：%(from)s → %(to)s"),
    }
    for key in SITTING_EDITABLE:
        if key in changed:
            old, new = before[key], after[key]
            if key in ("start", "end"):
                old, new = timezone.localtime(old), timezone.localtime(new)
            parts.append(Phrase(labels[key], **{"from": old or "—", "to": new or "—"}))
    what = Phrase(
        N_("会次“%(sitting)s”：%(changes)s"),
        sitting=Sitting(kind=stored.kind, title=before["title"]).title_label,
        changes=joined(parts),
    )
    what = joined([what, _moved_note(meeting_before, meeting)])
    record_event(
        actor=actor,
        verb="meeting.sitting_edit",
        subject=meeting,
        note=what,
        data={"sitting": sitting.pk, "changed": changed},
    )
    if meeting.status == Meeting.Status.PUBLISHED:
        _notify_change(
            meeting,
            what=what,
            key=f"sitting:{sitting.pk}:v{sitting.version}",
            lead=N_("会次安排已变更。"),
        )
    return sitting


@transaction.atomic
def sitting_delete(*, sitting: Sitting, actor, expected_version: int) -> None:
    """The office removes a sitting nobody has signed in to or asked leave for (their marks
    and requests are kept, so such a sitting stays), nor a speech is scheduled at, and not
    a meeting's last one. Audited; everyone told of the meeting is told."""
    stored = lock(Sitting, sitting.pk)
    meeting = lock(Meeting, stored.meeting_id)
    _sitting_changeable(stored, meeting, actor)
    if stored.version != expected_version:
        raise StaleEdit(current_version=stored.version)
    if stored.attendance.exists():
        raise TransitionError(_("该会次已有签到或出勤记录，不能删除。"))
    if stored.leave_requests.exists():
        raise TransitionError(_("已有人员就该会次请假，不能删除。"))
    if stored.speeches.exists():
        raise TransitionError(_("该会次已安排大会发言，请先调整发言安排。"))
    if not meeting.sittings.exclude(pk=stored.pk).exists():
        raise TransitionError(_("会议至少要有一个会次，不能删除最后一个会次。"))
    removed = _sitting_line(
        stored, msgid=N_("取消会次：%(sitting)s（%(start)s — %(end)s，%(place)s）")
    )
    pk = stored.pk
    stored.delete()
    meeting_before = _span_sittings(meeting)
    what = joined([removed, _moved_note(meeting_before, meeting)])
    record_event(
        actor=actor,
        verb="meeting.sitting_delete",
        subject=meeting,
        note=what,
        data={"sitting": pk, "title": stored.title},
    )
    if meeting.status == Meeting.Status.PUBLISHED:
        _notify_change(meeting, what=what, key=f"sitting:{pk}:deleted", lead=N_("会次安排已变更。"))


@transaction.atomic
def meeting_publish(*, meeting: Meeting, actor) -> Meeting:
    """Send the notice to everyone invited so far (later invitees are notified as they are
    added)."""
    _require_manage(actor, meeting)
    original, meeting = meeting, lock(Meeting, meeting.pk)
    if not meeting.sittings.exists():
        raise TransitionError(_("请先安排会次。"))
    transition(
        meeting,
        to=Meeting.Status.PUBLISHED,
        allowed_from=[Meeting.Status.DRAFT],
        actor=actor,
        verb="meeting.publish",
    )
    _sync(original, meeting)
    _notify_invitees(meeting, meeting.invitations.filter(notified_at__isnull=True))
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor, note: str) -> Meeting:
    _require_manage(actor, meeting)
    original, meeting = meeting, lock(Meeting, meeting.pk)
    transition(
        meeting,
        to=Meeting.Status.CANCELLED,
        allowed_from=[Meeting.Status.DRAFT, Meeting.Status.PUBLISHED],
        actor=actor,
        verb="meeting.cancel",
        note=note,
    )
    _sync(original, meeting)
    leave_close_pending(meeting=meeting, actor=actor, to=LeaveRequest.Status.CANCELLED)
    users = [
        i.member.user for i in meeting.invitations.select_related("member__user") if i.member_id
    ]
    users += [i.user for i in meeting.invitations.select_related("user") if i.user_id]
    notify(
        [u for u in users if u is not None],
        title=Phrase(N_("会议取消：%(t)s"), t=meeting.title),
        body=note,
        url=meeting.get_absolute_url(),
        dedupe_key=f"meeting:{meeting.pk}:cancel",
        channels=("inbox", "email", "sms"),
    )
    return meeting


def _notify_invitees(meeting: Meeting, invitations) -> None:
    invitations = list(invitations.select_related("member__user", "user"))
    users = [inv.account for inv in invitations if inv.account is not None]
    notify(
        users,
        title=Phrase(N_("会议通知：%(t)s"), t=meeting.title),
        body=_notice_body(meeting),
        url=meeting.get_absolute_url(),
        dedupe_key=f"meeting:{meeting.pk}:invite",
        channels=("inbox", "email", "sms"),
    )
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(notified_at=timezone.now())


_NOTICE = N_(
    "%(date)s %(time)s 在%(place)s 召开%(title)s，请准时参加。如不能出席，请在平台提出请假。"
)


_NOTICE_SIGNUP = N_(
    "%(date)s %(time)s 在%(place)s 举办%(title)s，自愿报名参加，欢迎有意参加的委员在平台报名。"
    "报名后如不能参加，可在活动开始前取消报名。"
)


def _notice_body(meeting: Meeting) -> Phrase:
    """When and where, as the notice says it: the first sitting's time and each sitting's
    place when they differ. A phrase, read in each invitee's language (the date in the
    reader's convention, the time of day as 24-hour digits in both)."""
    sittings = list(meeting.sittings.order_by("start", "id"))
    first = sittings[0] if sittings else None
    when = timezone.localtime(first.start if first else meeting.start)
    unknown = Phrase(N_("（地点另行通知）"))
    body = Phrase(
        # An activity open to sign-up is offered, not required: no "attend on time", no
        # leave to ask (only those who sign up are expected, Invitation.is_expected).
        _NOTICE_SIGNUP if meeting.mode == Meeting.Mode.SIGNUP else _NOTICE,
        date=when.date(),
        time=when.strftime("%H:%M"),
        place=(first.location if first else "") or meeting.location or unknown,
        title=meeting.title,
    )
    # Sittings held elsewhere than the meeting's place are named with their own, so nobody
    # goes to the wrong room.
    if any((s.location or meeting.location) != meeting.location for s in sittings):
        places = joined(
            Phrase(
                N_("%(sitting)s：%(place)s"),
                # 全程, stored in Chinese, reads as its kind's label in the reader's language,
                # decided on the stored data, not on the sender's (Sitting.title_label).
                sitting=s.title_label,
                place=s.location or meeting.location or unknown,
            )
            for s in sittings
        )
        body = then(body, Phrase(N_("各会次地点：%(places)s。"), places=places))
    return body


# --- Invitations ------------------------------------------------------------------------


@dataclass
class InviteCriteria:
    """Who to invite. Member criteria select active members of the organisation's current
    term; every criterion adds to the list (a person is invited once)."""

    all_members: bool = False
    standing: bool = False
    sectors: list = field(default_factory=list)
    committees: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    members: list = field(default_factory=list)
    roles: list = field(default_factory=list)
    departments: list = field(default_factory=list)
    leaders: list = field(default_factory=list)  # [(name, title), …]


def _member_seats(meeting: Meeting, c: InviteCriteria) -> list[tuple[Membership, str]]:
    term = current_term(meeting.organisation)
    if term is None:
        return []
    seats = Membership.objects.filter(
        term=term, status=Membership.Status.ACTIVE, member__organisation=meeting.organisation
    ).select_related("member")
    chosen: dict[int, tuple[Membership, str]] = {}

    def add(qs, via: str) -> None:
        for seat in qs:
            chosen.setdefault(seat.member_id, (seat, via))

    if c.all_members:
        add(seats, N_("全体委员"))
    if c.standing:
        add(seats.filter(is_standing=True), N_("常委"))
    if c.sectors:
        add(seats.filter(sector__in=c.sectors), N_("按界别"))
    if c.committees:
        add(seats.filter(committees__in=c.committees).distinct(), N_("按专委会"))
    if c.groups:
        add(seats.filter(activity_group__in=c.groups), N_("按活动小组"))
    if c.members:
        add(seats.filter(member__in=c.members), N_("按姓名"))
    return list(chosen.values())


def _seat_sectors(meeting: Meeting, member_ids: list[int]) -> dict[int, int]:
    """The sector of each member's seat in the organisation's current term (any status: a
    member whose seat ended is still counted in their sector), by member id."""
    term = current_term(meeting.organisation)
    if term is None or not member_ids:
        return {}
    return dict(
        Membership.objects.filter(term=term, member_id__in=member_ids, sector__isnull=False)
        .order_by("pk")
        .values_list("member_id", "sector_id")
    )


def _hold_to_the_group(meeting: Meeting, c: InviteCriteria) -> None:
    """A group leader invites the members of the group they lead, by the group or by name,
    and nobody else (no sector, committee, role, unit or leader)."""
    if (
        c.all_members
        or c.standing
        or c.sectors
        or c.committees
        or c.roles
        or c.departments
        or c.leaders
        or any(g.pk != meeting.activity_group_id for g in c.groups)
    ):
        raise PermissionDenied
    if not c.members:
        return
    term = current_term(meeting.organisation)
    in_group = set(
        Membership.objects.filter(
            term=term,
            activity_group_id=meeting.activity_group_id,
            member__in=c.members,
        ).values_list("member_id", flat=True)
    )
    outside = [m.name for m in c.members if m.pk not in in_group]
    if outside:
        raise ValidationError(
            _("组长只能邀请本小组的委员，以下委员不在本小组：%(names)s")
            % {"names": _("、").join(outside)}
        )


@transaction.atomic
def invite(*, meeting: Meeting, actor, criteria: InviteCriteria) -> int:
    """Add invitees; returns how many were new. Once the notice is out, new invitees are
    notified at once."""
    _require_manage(actor, meeting)
    if meeting.is_record or meeting.status in (Meeting.Status.CLOSED, Meeting.Status.CANCELLED):
        raise TransitionError(_("该会议不能再邀请参会人员。"))
    if policies.manages_only_as_group_leader(actor, meeting):
        _hold_to_the_group(meeting, criteria)
    existing_members = set(
        meeting.invitations.exclude(member=None).values_list("member_id", flat=True)
    )
    existing_users = set(meeting.invitations.exclude(user=None).values_list("user_id", flat=True))
    rows: list[Invitation] = []
    for seat, via in _member_seats(meeting, criteria):
        if seat.member_id in existing_members:
            continue
        existing_members.add(seat.member_id)
        rows.append(
            Invitation(
                meeting=meeting,
                category=Invitation.Category.MEMBER,
                member=seat.member,
                name=seat.member.name,
                title=seat.position,
                sector_id=seat.sector_id,
                sort_key=seat.member.stroke_key,
                via=via,
            )
        )
    if criteria.roles:
        ras = RoleAssignment.objects.filter(
            organisation=meeting.organisation, role__in=criteria.roles
        ).select_related("user")
        linked = {m.user_id: m for m in Member.objects.filter(user__in=[ra.user_id for ra in ras])}
        # A member invited by role counts among the members, in the sector of their seat,
        # as one invited by sector or by name would (the per-sector figures read it).
        sectors = _seat_sectors(meeting, [m.pk for m in linked.values()])
        for ra in ras:
            member = linked.get(ra.user_id)
            if member is not None:
                if member.pk in existing_members:
                    continue
                existing_members.add(member.pk)
                rows.append(
                    Invitation(
                        meeting=meeting,
                        category=Invitation.Category.MEMBER,
                        member=member,
                        name=member.name,
                        title=ra.get_role_display(),
                        sector_id=sectors.get(member.pk),
                        sort_key=member.stroke_key,
                        via=N_("按角色"),
                    )
                )
            elif ra.user_id not in existing_users:
                existing_users.add(ra.user_id)
                rows.append(
                    Invitation(
                        meeting=meeting,
                        category=Invitation.Category.GUEST,
                        user=ra.user,
                        name=ra.user.display_name,
                        title=ra.get_role_display(),
                        via=N_("按角色"),
                    )
                )
    for dept in criteria.departments:
        if dept.leader_user_id and dept.leader_user_id in existing_users:
            continue
        if meeting.invitations.filter(department=dept).exists() or any(
            r.department_id == dept.pk for r in rows
        ):
            continue
        if dept.leader_user_id:
            existing_users.add(dept.leader_user_id)
        rows.append(
            Invitation(
                meeting=meeting,
                category=Invitation.Category.DEPARTMENT,
                department=dept,
                user_id=dept.leader_user_id,
                name=dept.leader_name or dept.name,
                title=N_("%(d)s负责人") % {"d": dept.name},  # stored: the site's language
                via=N_("邀请部门负责人"),
            )
        )
    invited_leaders = {
        person_name(name)
        for name in meeting.invitations.filter(category=Invitation.Category.LEADER).values_list(
            "name", flat=True
        )
    }
    for name, title in criteria.leaders:
        name = person_name(name)
        if not name or name in invited_leaders:
            continue
        invited_leaders.add(name)
        rows.append(
            Invitation(
                meeting=meeting,
                category=Invitation.Category.LEADER,
                name=name[:50],
                title=title.strip()[:100],
                via=N_("邀请党政领导"),
            )
        )
    created = Invitation.objects.bulk_create(rows)
    if created:
        record_event(
            actor=actor,
            verb="meeting.invite",
            subject=meeting,
            note=Phrase(N_("新增邀请 %(n)d 人"), n=len(created)),
            data={"count": len(created)},
        )
        if meeting.status == Meeting.Status.PUBLISHED:
            new_ids = [r.pk for r in created]
            _notify_invitees(meeting, Invitation.objects.filter(pk__in=new_ids))
    return len(created)


def signup_open(meeting: Meeting, sittings=None) -> bool:
    """Sign-up is open until the activity's last sitting ends (`sittings`: the meeting's,
    when the caller has them already)."""
    sittings = meeting.sittings.all() if sittings is None else sittings
    return timezone.now() <= max([meeting.end, *(s.end for s in sittings)])


@transaction.atomic
def signup(*, invitation: Invitation, actor) -> Invitation:
    """An invited member signs up for an activity open to sign-up (C2.12)."""
    meeting = invitation.meeting
    if policies.own_invitation(actor, meeting) != invitation:
        raise PermissionDenied
    if meeting.mode != Meeting.Mode.SIGNUP or meeting.status != Meeting.Status.PUBLISHED:
        raise TransitionError(_("该活动不接受报名。"))
    if not signup_open(meeting):
        # Signed up for an activity already over, the member would be expected at it
        # (Invitation.is_expected) and counted absent when attendance closes.
        raise TransitionError(_("活动已结束，不能再报名。"))
    if invitation.response == Invitation.Response.SIGNED_UP:
        return invitation
    Invitation.objects.filter(pk=invitation.pk).update(response=Invitation.Response.SIGNED_UP)
    invitation.response = Invitation.Response.SIGNED_UP
    record_event(actor=actor, verb="meeting.signup", subject=meeting, note=invitation.name)
    return invitation


def signup_cancel_open(meeting: Meeting, sittings=None) -> bool:
    """A sign-up may be withdrawn until the activity starts (its first sitting; there is no
    separate sign-up deadline): after that the member is expected and counted."""
    sittings = meeting.sittings.all() if sittings is None else sittings
    return timezone.now() < min([meeting.start, *(s.start for s in sittings)])


@transaction.atomic
def signup_cancel(*, invitation: Invitation, actor) -> Invitation:
    """A member who signed up for an activity open to sign-up withdraws before it starts:
    no longer expected at it (Invitation.is_expected), and the office's 已报名 count drops."""
    meeting = invitation.meeting
    if policies.own_invitation(actor, meeting) != invitation:
        raise PermissionDenied
    invitation = lock(Invitation, invitation.pk)
    if meeting.mode != Meeting.Mode.SIGNUP or meeting.status != Meeting.Status.PUBLISHED:
        raise TransitionError(_("该活动不接受报名。"))
    if invitation.response != Invitation.Response.SIGNED_UP:
        raise TransitionError(_("您尚未报名，无需取消。"))
    if not signup_cancel_open(meeting) or invitation.attendance.exists():
        raise TransitionError(_("活动已开始，不能再取消报名。"))
    Invitation.objects.filter(pk=invitation.pk).update(response=Invitation.Response.NONE)
    invitation.response = Invitation.Response.NONE
    record_event(actor=actor, verb="meeting.signup_cancel", subject=meeting, note=invitation.name)
    # Leave asked while signed up: no longer expected, nothing is left to excuse.
    leave_withdraw_pending(
        invitation=invitation, actor=actor, note=Phrase(N_("已取消报名，请假申请随之撤回。"))
    )
    return invitation
