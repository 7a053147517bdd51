"""Who may see and do what with meetings, leave and attendance, on top of core.access.

- The office (`meetings.manage`) sets meetings up, invites, runs sign-in and closes
  attendance for its organisation subtree; the staff of a special committee do the same
  for their committee's activities, and an activity group's leader (组长) for the group's
  own activities, inviting only the group's members.
- Chairman's-meeting members (`meetings.leave_approve`) see every meeting; they, or the
  person the chair delegated to, decide leave for the meeting kinds configured in
  `meetings.chair_approved_kinds` (plenary and standing committee by default). Leave for
  other activities goes to the committee's staff or the activity group's leader, and to
  the office when the activity has neither.
- A member sees the meetings they are invited to, and only their own invitation.
"""

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from xieshang.core import access
from xieshang.core.access import member_of
from xieshang.followups.policies import answers_about, supervises_task_about
from xieshang.members.selectors import CPPCC_LEVELS, cppcc_organisations
from xieshang.orgs import config
from xieshang.orgs.models import ActivityGroup, Level, Organisation, OrgSetting, Role

from . import rules
from .models import Invitation, LeaveDelegation, LeaveRequest, Meeting, MeetingKind

CHAIR, COMMITTEE, GROUP, OFFICE = "chair", "committee", "group", "office"

# What a special committee's staff may hold for their committee (SPEC: "their activities,
# sector consultation, periodic work reports"; C2.13 research trips): its own activities, a
# consultation symposium (界别协商 included) and an inspection. The plenary, the standing
# committee, the chairman's meeting, special consultations, studios, lectures, training and
# recorded events are called by the office; group activities by the group's leader.
COMMITTEE_KINDS = (MeetingKind.COMMITTEE, MeetingKind.SYMPOSIUM, MeetingKind.INSPECTION)


def committee_ids(user) -> set[int]:
    return {
        ra.committee_id
        for ra in access.assignments(user)
        if ra.role == Role.COMMITTEE_STAFF and ra.committee_id
    }


def briefing_organisations(user):
    """The CPPCC nodes (province, city, district) whose office this user is for briefings
    (情况通报): `meetings.manage` there."""
    return cppcc_organisations(user, "meetings.manage")


def can_see_briefings(user) -> bool:
    """The briefings page (C2.14): the offices that publish them and receive those sent
    down (`briefing_organisations` is not empty), and the members they are published to.
    The meetings tabs ask the same question, so nobody is shown a tab that answers "not
    found".

    Asked of the cached role assignments rather than the database, as every meetings page
    asks it: a CPPCC node lies in the scope of `meetings.manage` exactly when the user
    holds it at a CPPCC node, since the nodes below a street are not CPPCC nodes."""
    if member_of(user) is not None or getattr(user, "is_superuser", False):
        return True
    return any(
        ra.organisation.level in CPPCC_LEVELS
        for ra in access.assignments(user)
        if "meetings.manage" in access.PERMISSIONS.get(ra.role, ())
    )


def led_group_ids(user) -> set[int]:
    """The member activity groups (委员活动小组) this user leads: their member record is the
    group's 组长. A group leader organises the group's activities (SPEC, People and roles).
    Cached on the user object for the request."""
    cached = getattr(user, "_xs_led_groups", None)
    if cached is None:
        member = member_of(user)
        cached = (
            set(ActivityGroup.objects.filter(leader=member).values_list("pk", flat=True))
            if member is not None
            else set()
        )
        if getattr(user, "is_authenticated", False):
            user._xs_led_groups = cached
    return cached


def runs_as_group_leader(user, meeting: Meeting) -> bool:
    """The meeting is an activity of a group this user leads (kind 委员活动小组活动, no
    special committee): the leader sets it up, invites the group's members and runs it."""
    return (
        meeting.kind == MeetingKind.GROUP
        and not meeting.committee_id
        and meeting.activity_group_id is not None
        and meeting.activity_group_id in led_group_ids(user)
    )


def manages_only_as_group_leader(user, meeting: Meeting) -> bool:
    """Runs the meeting as its group's leader and not as its office or committee staff: the
    invitations are then held to the group's own members."""
    if access.can(user, "meetings.manage", meeting.organisation):
        return False
    if runs_as_committee_staff(user, meeting):
        return False
    return runs_as_group_leader(user, meeting)


def runs_as_committee_staff(user, meeting: Meeting) -> bool:
    """The meeting is one its committee's staff may hold (`COMMITTEE_KINDS`) for a committee
    this user serves."""
    return (
        meeting.kind in COMMITTEE_KINDS
        and meeting.committee_id is not None
        and meeting.committee_id in committee_ids(user)
    )


def can_manage(user, meeting: Meeting) -> bool:
    if access.can(user, "meetings.manage", meeting.organisation):
        return True
    if runs_as_committee_staff(user, meeting):
        return True
    return runs_as_group_leader(user, meeting)


def own_invitation(user, meeting: Meeting) -> Invitation | None:
    member = member_of(user)
    q = Q(user_id=getattr(user, "pk", None))
    if member is not None:
        q |= Q(member=member)
    return meeting.invitations.filter(q).select_related("member", "sector").first()


def _is_invited(user, meeting: Meeting) -> bool:
    """Whether the user holds an invitation to the meeting, by their account or their member
    record (`own_invitation`'s rule, as the lists of `selectors.meetings_for`)."""
    if not getattr(user, "is_authenticated", False):
        return False
    member = member_of(user)
    q = Q(user_id=user.pk)
    if member is not None:
        q |= Q(member=member)
    return meeting.invitations.filter(q).exists()


# `can_view` was not handed the user's invitation: it looks it up itself.
_UNASKED = object()


def can_view(user, meeting: Meeting, invitation=_UNASKED) -> bool:
    """Staff in scope and whoever runs it; once it is out of draft, whoever is invited (as
    `selectors.meetings_for` lists it to them), the group's leader and a unit answering
    about it. The meeting page hands in the invitation it has already read (None: none);
    asked without it (the duty file's and the task page's links, `followups.subjects`), it
    is looked up here, one query."""
    if access.can(user, "meetings.view", meeting.organisation) or can_manage(user, meeting):
        return True
    if report_sent_to(user, meeting):
        return True
    if meeting.status == Meeting.Status.DRAFT:
        return False
    invited = _is_invited(user, meeting) if invitation is _UNASKED else invitation is not None
    if invited:
        return True
    if meeting.activity_group_id:
        # The member first: staff are no group's leader, and the group is not fetched.
        member = member_of(user)
        if member is not None and member.pk == meeting.activity_group.leader_id:
            return True
    # A unit asked for written feedback on a leader's instruction on the inspection report
    # reads the report it answers, as for a proposal or a 社情民意 item (one query); the
    # supervising office reads the report a task it tracks is about.
    return answers_about(user, meeting) or supervises_task_about(user, meeting)


def report_sent_to(user, meeting: Meeting) -> str:
    """The Party committee's or government's office (its role) among `user`'s, at the
    meeting's node, that the meeting's inspection report was sent to (报送党委 / 报送政府):
    it reads the report and records its leaders' instructions on it. "" otherwise; no
    query."""
    from .services.reports import REPORT_SENT_TO

    for ra in access.assignments(user):
        field = REPORT_SENT_TO.get(ra.role)
        if field and ra.organisation_id == meeting.organisation_id and getattr(meeting, field):
            return ra.role
    return ""


def viewable_ids(user, meetings) -> set[int]:
    """`can_view` for many meetings at once (the duty file's links, `followups.subjects`):
    the user's invitations to them read in one query and handed in, so that a member's
    meetings cost the same however many; a meeting the user is not invited to is asked the
    rest of the rule alone."""
    meetings = list(meetings)
    invited: set[int] = set()
    if getattr(user, "is_authenticated", False) and meetings:
        member = member_of(user)
        q = Q(user_id=user.pk)
        if member is not None:
            q |= Q(member=member)
        invited = set(
            Invitation.objects.filter(q, meeting__in=[m.pk for m in meetings]).values_list(
                "meeting_id", flat=True
            )
        )
    return {
        m.pk for m in meetings if can_view(user, m, invitation=True if m.pk in invited else None)
    }


def approver_kind(meeting: Meeting) -> str:
    if meeting.kind in config.get(meeting.organisation, rules.CHAIR_APPROVED_KINDS):
        return CHAIR
    if meeting.committee_id:
        return COMMITTEE
    if meeting.activity_group_id:
        return GROUP
    return OFFICE


APPROVER_LABELS = {
    CHAIR: gettext_lazy("主席会议成员（可委托）"),
    COMMITTEE: gettext_lazy("专委会负责人"),
    GROUP: gettext_lazy("活动小组组长"),
    OFFICE: gettext_lazy("政协办公室"),
}


def spans_organisations(user) -> bool:
    """Whether the meetings `user` sees as staff may be more than one CPPCC organisation's
    (a city's or a province's office): their lists then name each meeting's organisation."""
    if getattr(user, "is_superuser", False):
        return True
    return any(
        ra.organisation.level in (Level.CITY, Level.PROVINCE)
        and any(access.can(user, p, ra.organisation) for p in ("meetings.view", "meetings.manage"))
        for ra in access.assignments(user)
    )


def delegated_organisation_ids(user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        LeaveDelegation.objects.filter(delegate=user, revoked_at__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )


def _is_chair_approver(user, organisation) -> bool:
    if access.can(user, "meetings.leave_approve", organisation):
        return True
    # A delegate decides for the node the chair delegated, as the chair would: not for the
    # committees below it.
    return organisation.pk in delegated_organisation_ids(user)


def can_decide_leave(user, leave: LeaveRequest) -> bool:
    """Who decides a leave request, by the meeting's kind; never the one who asked."""
    if leave.invitation.account_id == user.pk:
        return False
    meeting = leave.meeting
    kind = approver_kind(meeting)
    if kind == CHAIR:
        return _is_chair_approver(user, meeting.organisation)
    if kind == COMMITTEE:
        return meeting.committee_id in committee_ids(user) or access.can(
            user, "meetings.manage", meeting.organisation
        )
    if kind == GROUP:
        member = member_of(user)
        leader_id = meeting.activity_group.leader_id if meeting.activity_group_id else None
        return bool(member is not None and leader_id == member.pk) or access.can(
            user, "meetings.manage", meeting.organisation
        )
    return access.can(user, "meetings.manage", meeting.organisation)


def may_decide_leave(user) -> bool:
    """Whether the leave queue is anyone's to show this user: an office, a chair or their
    delegate, a special committee's staff, or an activity group's leader. A member who
    decides nobody's leave is not shown a queue that is always empty."""
    if getattr(user, "is_superuser", False):
        return True
    if access.can(user, "meetings.manage") or access.can(user, "meetings.leave_approve"):
        return True
    if committee_ids(user):
        return True
    member = member_of(user)
    if member is not None and ActivityGroup.objects.filter(leader=member).exists():
        return True
    return bool(delegated_organisation_ids(user))


def leave_queue_filter(user) -> Q:
    """Leave requests that `user` decides: one Q, built with a fixed number of queries
    whatever the number of organisations in the user's scope (the rule on which meeting
    kinds the chair approves is read for all of them at once)."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    q = Q(pk__in=[])
    chair = access.organisations(user, "meetings.leave_approve")
    chair_paths = access.grant_paths(user, "meetings.leave_approve")
    delegated = delegated_organisation_ids(user)
    if delegated:
        delegated_nodes = Organisation.objects.filter(pk__in=delegated)
        chair = chair | delegated_nodes
        chair_paths += delegated_nodes.values_list("path", flat=True)
    manage = access.organisations(user, "meetings.manage")
    manage_paths = access.grant_paths(user, "meetings.manage")
    setters = _chair_rule_setters() if chair_paths or manage_paths else []
    for kinds, where in _by_chair_kinds(chair, chair_paths, setters):
        q |= where & Q(meeting__kind__in=kinds)
    committees = committee_ids(user)
    if committees:
        q |= Q(meeting__committee_id__in=committees) & ~Q(meeting__kind__in=_chair_kinds_any())
    member = member_of(user)
    if member is not None:
        q |= Q(meeting__activity_group__leader=member, meeting__committee__isnull=True) & ~Q(
            meeting__kind__in=_chair_kinds_any()
        )
    for kinds, where in _by_chair_kinds(manage, manage_paths, setters):
        q |= where & ~Q(meeting__kind__in=kinds)
    return q & ~Q(invitation__member__user=user) & ~Q(invitation__user=user)


def _chair_rule_setters() -> list[str]:
    """The paths of the organisations that set which meeting kinds their chair approves."""
    return list(
        OrgSetting.objects.filter(
            key=rules.CHAIR_APPROVED_KINDS, effective_from__lte=timezone.localdate()
        ).values_list("organisation__path", flat=True)
    )


def _by_chair_kinds(
    in_scope: QuerySet, paths: list[str], setters: list[str]
) -> list[tuple[list[str], Q]]:
    """[(kinds the chair approves, a Q on a leave request's meeting organisation)] for the
    organisations `in_scope`, which lie in the subtrees at `paths`: one entry per distinct
    value of the rule, so the filter stays a few clauses for a province's hundreds of offices.

    When none of `setters` (`_chair_rule_setters`) lies in those subtrees or above them
    (the usual case), one entry, the rule's default over the subtrees, and no organisation
    is read: a province office's home page read all 874 of them and sent their ids back,
    twice."""
    if not paths:
        return []
    if not any(s.startswith(p) or p.startswith(s) for s in setters for p in paths):
        default = list(config.RULES[rules.CHAIR_APPROVED_KINDS].default)
        return [(default, Q(meeting__organisation__in=in_scope))]
    organisations = list(in_scope)
    groups: dict[tuple, tuple[list[str], list[int]]] = {}
    values = config.get_many(organisations, rules.CHAIR_APPROVED_KINDS)
    for org in organisations:
        kinds = list(values[org.pk])
        groups.setdefault(tuple(kinds), (kinds, []))[1].append(org.pk)
    return [(kinds, Q(meeting__organisation_id__in=ids)) for kinds, ids in groups.values()]


def _chair_kinds_any() -> list[str]:
    return list(config.RULES[rules.CHAIR_APPROVED_KINDS].default)


def signin_opens_at(sitting):
    """When the sitting's sign-in window opens: its start less the organisation's
    `meetings.signin_open_minutes`. Staff may mark attendance from then on, too."""
    import datetime as dt

    minutes = config.get(sitting.meeting.organisation, rules.SIGNIN_OPEN_MINUTES)
    return sitting.start - dt.timedelta(minutes=minutes)


def marking_open(sitting, now=None) -> bool:
    """Staff may mark attendance from the sign-in window's opening on (and after the
    sitting, from the paper sheet): nobody has attended a sitting not yet begun."""
    return (now or timezone.now()) >= signin_opens_at(sitting)


def signin_window_open(sitting, now=None) -> bool:
    return signin_opens_at(sitting) <= (now or timezone.now()) <= sitting.end
