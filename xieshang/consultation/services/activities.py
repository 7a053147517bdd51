"""Consultation activities (C2.5, C4.3, C4.12): creating and editing them, inviting
participants, recording that one was held (attendance into the duty ledger, the minutes
reminder), speeches and attachments."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core.audit import (
    TransitionError,
    changed_fields,
    lock,
    record_event,
    save_versioned,
    transition,
)
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase, joined, site_text
from xieshang.core.text import person_name, reader_date
from xieshang.duty.models import DutyKind
from xieshang.duty.services import record_duty
from xieshang.followups import services as followups
from xieshang.followups.models import Task
from xieshang.members.models import Member, Membership
from xieshang.orgs import config
from xieshang.orgs.models import Organisation, Role

from .. import policies, rules, selectors
from ..models import (
    Activity,
    Attachment,
    ConsultationPlan,
    Participant,
    PlanItem,
    Speech,
)
from .common import PS


def _require_activities(actor, organisation) -> None:
    if not policies.can_run_activities(actor, organisation):
        raise PermissionDenied


@transaction.atomic
def activity_create(
    *,
    organisation: Organisation,
    actor,
    title: str,
    form: str,
    date: dt.date,
    place: str,
    agenda: str = "",
    plan_item: PlanItem | None = None,
    sector=None,
    co_organisers=(),
) -> Activity:
    """An activity for a published plan item, or an ad hoc one (e.g. a sector consultation,
    C4.12). Several organisers (CPPCC and parties) may hold it together (C4.3)."""
    _require_activities(actor, organisation)
    if plan_item is not None:
        # Read the plan afresh: the caller's copy may predate its approval.
        plan = ConsultationPlan.objects.get(pk=plan_item.plan_id)
        if plan.organisation_id != organisation.pk:
            raise ValidationError({"plan_item": _("计划事项不属于本组织。")})
        if plan.status != PS.PUBLISHED:
            raise ValidationError({"plan_item": _("年度协商计划印发后才能安排计划内活动。")})
    if sector is not None and sector.organisation_id != organisation.pk:
        raise ValidationError({"sector": _("界别不属于本组织。")})
    activity = Activity.objects.create(
        organisation=organisation,
        plan_item=plan_item,
        title=title,
        form=form,
        date=date,
        place=place,
        agenda=agenda,
        sector=sector,
        created_by=actor,
    )
    if co_organisers:
        activity.co_organisers.set(co_organisers)
    record_event(actor=actor, verb="activity.create", subject=activity, to_state=activity.status)
    return activity


@transaction.atomic
def activity_edit(*, activity: Activity, actor, expected_version: int, **fields) -> Activity:
    """Correct a planned activity's arrangements (postponed, moved, renamed). Once it is
    held its date is in the members' duty files and it is no longer changed here. The
    invited who have an account are told when the date or place changes."""
    _require_activities(actor, activity.organisation)
    activity = lock(Activity, activity.pk)
    if activity.status != Activity.Status.PLANNED:
        raise TransitionError(
            _("当前状态为“%(state)s”，活动安排不能再修改。")
            % {"state": activity.get_status_display()}
        )
    co_organisers = fields.pop("co_organisers", None)
    before = {k: getattr(activity, k) for k in fields}
    for key, value in fields.items():
        setattr(activity, key, value)
    save_versioned(activity, expected_version=expected_version, fields=list(fields))
    if co_organisers is not None:
        activity.co_organisers.set(co_organisers)
    changes = changed_fields(before, fields)
    record_event(actor=actor, verb="activity.edit", subject=activity, data=changes)
    if {"date", "place"} & set(changes):
        _notify_rearranged(activity)
    return activity


def _notify_rearranged(activity: Activity) -> None:
    """Tell the invited who can read the activity of its new date or place: members and
    linked leaders by their account; a department invited by its head (the row has no
    account) through its responsible leaders (`Department.leaders_q`, as
    `policies.can_view_activity` lets them open the page; the clerks cannot)."""
    invited = activity.participants.filter(
        Q(member__user__isnull=False) | Q(user__isnull=False)
    ).select_related("member")
    users = {p.member.user_id if p.member_id else p.user_id for p in invited}
    recipients = Q(pk__in=users - {None})
    heads = activity.participants.filter(
        kind=Participant.Kind.DEPARTMENT_HEAD, department__isnull=False
    ).select_related("department")
    for row in heads:
        recipients |= row.department.leaders_q()
    notify(
        get_user_model().objects.filter(recipients, is_active=True).distinct(),
        title=Phrase(N_("协商活动安排有变：%(title)s"), title=activity.title),
        body=Phrase(
            N_("活动改于%(date)s在%(place)s举行。"),
            date=activity.date,
            place=activity.place,
        ),
        url=f"/consultation/activities/{activity.pk}/",
        dedupe_key=f"activity:{activity.pk}:rearranged:{activity.version}",
    )


def members_for(organisation, *, committee=None, sector=None, group=None):
    """Sitting members of the organisation in a committee, sector or activity group."""
    q = Q(
        memberships__status=Membership.Status.ACTIVE,
        memberships__term__organisation=organisation,
    )
    if committee is not None:
        q &= Q(memberships__committees=committee)
    if sector is not None:
        q &= Q(memberships__sector=sector)
    if group is not None:
        q &= Q(memberships__activity_group=group)
    return Member.objects.filter(q).distinct()


@transaction.atomic
def activity_add_participants(
    *,
    activity: Activity,
    actor,
    members=(),
    committee=None,
    sector=None,
    group=None,
    department_heads=(),
    leaders=(),
    leader_accounts=(),
) -> int:
    """Invite members (by name, or all of a committee, sector or group), department heads
    (department, name) and Party/government leaders (name, title), and link leaders to their
    platform accounts (`leader_accounts`, staff of the organisation or below): an account
    goes to the leader of its name among those typed, else to an invited leader of its name
    not yet linked, else becomes a new leader row under its name. Returns how many rows were
    added or linked; members and accounts already invited are skipped."""
    activity = lock(Activity, activity.pk)
    _require_activities(actor, activity.organisation)
    if activity.status != Activity.Status.PLANNED:
        raise TransitionError(_("活动已召开，不能再调整参加人员。"))
    wanted: dict[int, Member] = {m.pk: m for m in members}
    for kwargs in ({"committee": committee}, {"sector": sector}, {"group": group}):
        value = next(iter(kwargs.values()))
        if value is not None:
            for m in members_for(activity.organisation, **kwargs):
                wanted[m.pk] = m
    for member in wanted.values():
        if member.organisation_id != activity.organisation_id:
            raise ValidationError(_("只能邀请本组织的委员。"))
    existing = set(
        activity.participants.filter(member__isnull=False).values_list("member_id", flat=True)
    )
    _refuse_twice_invited(
        activity, [m for pk, m in wanted.items() if pk not in existing], leader_accounts
    )
    rows = [
        Participant(
            activity=activity,
            kind=Participant.Kind.MEMBER,
            member=m,
            name=m.name,
            title=m.employer[:100],
        )
        for pk, m in wanted.items()
        if pk not in existing
    ]
    for department, name in department_heads:
        rows.append(
            Participant(
                activity=activity,
                kind=Participant.Kind.DEPARTMENT_HEAD,
                department=department,
                name=name or department.leader_name or department.name,
                title=department.name,
            )
        )
    # A leader already invited is not added again (a clerk unsure the first click worked
    # sends the list twice: the activity counted the same leader twice); names compared
    # without the spaces that align them (李　红).
    invited = {
        person_name(name)
        for name in activity.participants.filter(kind=Participant.Kind.LEADER).values_list(
            "name", flat=True
        )
    }
    leader_rows = []
    for name, title in leaders:
        if person_name(name) in invited:
            continue
        invited.add(person_name(name))
        leader_rows.append(
            Participant(activity=activity, kind=Participant.Kind.LEADER, name=name, title=title)
        )
    relinked = _link_leader_accounts(activity, leader_rows, leader_accounts)
    rows += leader_rows
    Participant.objects.bulk_create(rows)
    Participant.objects.bulk_update(relinked, ["user"])
    note = [Phrase(N_("新增参加人员%(n)s人"), n=len(rows))]
    if relinked:
        names = "、".join(p.name for p in relinked)
        note.append(Phrase(N_("关联领导账号：%(names)s"), names=names))
    record_event(actor=actor, verb="activity.participants", subject=activity, note=joined(note))
    return len(rows) + len(relinked)


@transaction.atomic
def participant_link_account(*, activity, actor, participant, account) -> Participant:
    """Link an invited Party/government leader's row to their platform account, or change
    the account, whatever the activity's stage: it records who the invited leader is on the
    platform (so they read the activity and their attendance), not who was invited or came,
    so a held activity's rows are linked too. Audited with the row and both accounts."""
    activity, row = _lock_leader_row(activity, actor, participant)
    allowed = selectors.leader_accounts(activity.organisation).filter(pk=account.pk).first()
    if allowed is None:
        raise ValidationError(_("只能关联本组织及下级组织工作人员的账号。"))
    if row.user_id == account.pk:
        return row
    other = activity.participants.filter(user_id=account.pk).exclude(pk=row.pk).first()
    if other is not None:
        raise ValidationError(_("该账号已关联本活动的参加人员“%(name)s”。") % {"name": other.name})
    _refuse_twice_invited(activity, [], [account])
    _set_leader_account(activity, actor, row, allowed, verb="activity.leader_account")
    return row


@transaction.atomic
def participant_unlink_account(*, activity, actor, participant) -> Participant:
    """Unlink an invited Party/government leader's row from its platform account (a wrong
    account, a leader who left office), whatever the activity's stage: the row, its title
    and attendance stay; the leader reads nothing of the activity through the platform
    (`policies.can_view_activity` matches them by the link alone) until an account is
    linked again. Audited as the link is; a row without an account is left as it is."""
    activity, row = _lock_leader_row(activity, actor, participant)
    if row.user_id is None:
        return row
    _set_leader_account(activity, actor, row, None, verb="activity.leader_unlink")
    return row


def _refuse_twice_invited(activity, members, accounts) -> None:
    """One person, one invitation: a member invited as a member is not linked as an invited
    leader too (the account of their member record), nor a member whose account an invited
    leader's row holds invited as a member. The first invitation stands and the second is
    refused, naming the first (docs/decisions.md)."""
    accounts = list(accounts)
    account_ids = {a.pk for a in accounts}
    # Inviting as a member someone whose account an invited leader's row already holds.
    user_ids = {m.user_id for m in members if m.user_id is not None}
    if user_ids:
        leader = (
            activity.participants.filter(kind=Participant.Kind.LEADER, user_id__in=user_ids)
            .order_by("id")
            .first()
        )
        if leader is not None:
            member = next(m for m in members if m.user_id == leader.user_id)
            raise ValidationError(
                _(
                    "委员%(name)s的登录账号已关联本活动的受邀党政领导“%(leader)s”，"
                    "不能再作为政协委员邀请。"
                )
                % {"name": member.name, "leader": leader.name}
            )
    if account_ids:
        # Linking an account whose member is (or is now being) invited as a member.
        now = {m.user_id: m for m in members if m.user_id in account_ids}
        invited = {
            p.member.user_id: p
            for p in activity.participants.filter(
                kind=Participant.Kind.MEMBER, member__user_id__in=account_ids
            ).select_related("member")
        }
        for account in accounts:
            if account.pk in invited:
                raise ValidationError(
                    _(
                        "账号“%(account)s”是委员%(name)s的登录账号，该委员已作为政协委员"
                        "受邀参加本活动，不能再作为受邀党政领导关联。"
                    )
                    % {"account": account.username, "name": invited[account.pk].name}
                )
            if account.pk in now:
                raise ValidationError(
                    _(
                        "委员%(name)s不能同时作为政协委员和受邀党政领导（账号“%(account)s”）"
                        "邀请，请只选其一。"
                    )
                    % {"name": now[account.pk].name, "account": account.username}
                )


def _lock_leader_row(activity, actor, participant) -> tuple[Activity, Participant]:
    activity = lock(Activity, activity.pk)
    _require_activities(actor, activity.organisation)
    row = (
        Participant.objects.select_for_update(of=("self",))
        .filter(pk=participant.pk, activity=activity, kind=Participant.Kind.LEADER)
        .select_related("user")
        .first()
    )
    if row is None:
        raise ValidationError(_("只能为本活动的受邀党政领导关联平台账号。"))
    return activity, row


def _set_leader_account(activity, actor, row, account, *, verb) -> None:
    """Set (or clear) `row`'s account and audit it: the row, the accounts before and after."""
    before = row.user
    row.user = account
    row.save(update_fields=["user"])
    none = Phrase(N_("未关联"))
    record_event(
        actor=actor,
        verb=verb,
        subject=activity,
        note=Phrase(
            N_("%(name)s（参加人员%(id)s）的平台账号：%(before)s → %(after)s"),
            name=row.name,
            id=row.pk,
            before=selectors.leader_account_label(before) if before else none,
            after=selectors.leader_account_label(account) if account else none,
        ),
        data={
            "participant": row.pk,
            "from_user": before.pk if before else None,
            "to_user": account.pk if account else None,
        },
    )


def _link_leader_accounts(activity, leader_rows, accounts) -> list[Participant]:
    """Set `user` on the new leader rows (appending one per account without a row of its
    name) and return the invited leaders linked now. Never by name alone: the office chose
    each account; the name only says which row it belongs to."""
    if not accounts:
        return []
    allowed = set(
        selectors.leader_accounts(activity.organisation)
        .filter(pk__in=[a.pk for a in accounts])
        .values_list("pk", flat=True)
    )
    if any(a.pk not in allowed for a in accounts):
        raise ValidationError(_("只能关联本组织及下级组织工作人员的账号。"))
    taken = set(activity.participants.filter(user__isnull=False).values_list("user_id", flat=True))
    unlinked = list(
        activity.participants.filter(kind=Participant.Kind.LEADER, user__isnull=True).order_by("id")
    )
    relinked = []
    for account in accounts:
        if account.pk in taken:
            continue
        taken.add(account.pk)
        name = (account.full_name or account.username)[:50]
        row = next((r for r in leader_rows if r.user_id is None and r.name == name), None)
        if row is None:
            row = next((r for r in unlinked if r.user_id is None and r.name == name), None)
            if row is not None:
                relinked.append(row)
        if row is None:
            row = Participant(activity=activity, kind=Participant.Kind.LEADER, name=name)
            leader_rows.append(row)
        row.user = account
    return relinked


@transaction.atomic
def activity_hold(*, activity: Activity, actor, attendance: dict[int, str], minutes: str = ""):
    """Record that the activity took place and who attended (C2.5: invited leaders too).
    Members' attendance goes into the duty ledger; the minutes (纪要) are then due to the
    Party committee and government within the configured working days, tracked by the
    follow-up engine."""
    activity = lock(Activity, activity.pk)
    _require_activities(actor, activity.organisation)
    if activity.status == Activity.Status.PLANNED and activity.date > timezone.localdate():
        # Attendance earns (or costs) members duty points dated the activity's day, and the
        # minutes' deadline counts from it: nothing is recorded for a day still to come.
        raise ValidationError(
            _("活动日期（%(day)s）还没到，不能登记出席情况；活动已提前召开的，请先修改活动日期。")
            % {"day": reader_date(activity.date)}
        )
    participants = list(activity.participants.select_related("member"))
    valid = set(Participant.Attendance.values) - {Participant.Attendance.INVITED}
    for p in participants:
        status = attendance.get(p.pk, Participant.Attendance.ABSENT)
        if status not in valid:
            raise ValidationError(_("出席情况不正确。"))
        p.attendance = status
    Participant.objects.bulk_update(participants, ["attendance"])
    if minutes:
        activity.minutes = minutes
    transition(
        activity,
        to=Activity.Status.HELD,
        allowed_from=[Activity.Status.PLANNED],
        actor=actor,
        verb="activity.hold",
        extra_fields=["minutes"],
        data={
            "attended": sum(1 for p in participants if p.attendance == "attended"),
            "leaders": sum(
                1 for p in participants if p.kind == "leader" and p.attendance == "attended"
            ),
        },
    )
    for p in participants:
        if p.member is None:
            continue
        if p.attendance == Participant.Attendance.ATTENDED:
            kind = DutyKind.MEETING
        elif p.attendance == Participant.Attendance.ABSENT:
            kind = DutyKind.ABSENCE_UNEXCUSED
        else:
            continue
        record_duty(
            member=p.member,
            kind=kind,
            date=activity.date,
            title=activity.title,
            source=activity,
            actor=actor,
        )
    for speech in activity.speeches.select_related("member"):
        speech_record_duty(speech, activity, actor)
    days = config.get(activity.organisation, rules.MINUTES_WORKING_DAYS)
    followups.task_open(
        organisation=activity.organisation,
        title=_("报送协商纪要：%(title)s") % {"title": activity.title},
        actor=actor,
        kind=Task.Kind.OUTCOME,
        subject=activity,
        assignee_role=Role.OFFICE,
        working_days=days,
        start_date=activity.date,
        request=_("请于活动后%(n)s个工作日内将协商纪要报送党委、政府。") % {"n": days},
    )
    return activity


def _speaking_member(activity: Activity, speaker: str):
    """The member among the activity's participants whose name is `speaker`, if exactly one
    is: the form asks for a name, and a speech by a member counts in their duty file."""
    ids = set(
        Participant.objects.filter(
            activity=activity, member__isnull=False, member__name=speaker.strip()
        ).values_list("member_id", flat=True)
    )
    return Member.objects.get(pk=ids.pop()) if len(ids) == 1 else None


def speech_record_duty(speech: Speech, activity: Activity, actor) -> None:
    """A member's speech at a held activity goes into the duty ledger, once: the ledger
    keys the record on the speech, so recording the activity again adds nothing."""
    if speech.member_id is None or activity.status != Activity.Status.HELD:
        return
    record_duty(
        member=speech.member,
        kind=DutyKind.CONSULTATION_SPEECH,
        date=activity.date,
        # A duty record's title is stored text, read by everyone: in the site's language.
        title=site_text(N_("%(activity)s：%(title)s"), activity=activity.title, title=speech.title),
        source=speech,
        actor=actor,
    )


@transaction.atomic
def speech_add(*, activity: Activity, actor, speaker: str, title: str, text: str = "", member=None):
    """Record a speech (协商活动发言). A member's speech counts in their duty file
    (C3.2) when the activity has been held: now if it has, else when it is recorded held."""
    _require_activities(actor, activity.organisation)
    activity = lock(Activity, activity.pk)  # its current state, not the caller's copy
    if member is None:
        member = _speaking_member(activity, speaker)
    speech = Speech.objects.create(
        activity=activity, speaker=speaker, title=title, text=text, member=member
    )
    record_event(actor=actor, verb="activity.edit", subject=activity, note=f"{speaker}：{title}")
    speech_record_duty(speech, activity, actor)
    return speech


@transaction.atomic
def attachment_add(*, activity: Activity, actor, name: str, file) -> Attachment:
    _require_activities(actor, activity.organisation)
    attachment = Attachment.objects.create(
        activity=activity, name=name, file=file, original_name=file.name, uploaded_by=actor
    )
    record_event(actor=actor, verb="activity.edit", subject=activity, note=name)
    return attachment
