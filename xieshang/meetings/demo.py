"""Demo meetings for the demo district: this year's plenary with sittings, leave and
speeches, a year of other meetings with attendance, briefings and committee reports; a
notice and a work arrangement from the city sent down the tree, and a leader's instruction
on an inspection report.

Meetings, invitations, leave, closing and speeches go through the services (so events,
outcomes and duty records are real); the individual sign-ins are bulk-written to stay fast.
"""

import datetime as dt
import random

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from xieshang.core import access
from xieshang.core.models import Event
from xieshang.followups import demo as followups_demo
from xieshang.followups import services as followups
from xieshang.followups.models import LeaderLevel
from xieshang.members.models import Membership
from xieshang.members.selectors import current_term
from xieshang.orgs.models import ActivityGroup, Committee, Department, Role

from . import services
from .models import (
    Attendance,
    Briefing,
    BriefingReceipt,
    CommitteeReport,
    Invitation,
    LeaveRequest,
    Meeting,
    MeetingKind,
    Sitting,
    Speech,
)
from .selectors import excused_map

LEADERS = [
    ("李建国", "区委书记"),
    ("王海燕", "区委副书记、区长"),
    ("赵志强", "区委常委、统战部部长"),
]
SPEECHES = [
    "关于推进老旧小区改造提质增效的建议",
    "加快构建县域医共体，提升基层医疗服务能力",
    "关于优化营商环境、支持民营经济高质量发展的思考",
    "推动职业教育与产业发展深度融合",
    "关于加强“一老一小”服务体系建设的建议",
    "擦亮生态底色，推进美丽河湖建设",
]


# Sent down the tree by the higher node's office (C2.9).
NOTICES = [
    (
        Briefing.Kind.NOTICE,
        "关于做好年度委员履职情况统计工作的通知",
        "各区政协：\n请于本月底前完成本级委员年度履职情况统计，经主席会议审核后报市政协办公室。",
    ),
    (
        Briefing.Kind.ARRANGEMENT,
        "关于开展“有事好商量”协商议事活动的工作安排",
        "各区政协：\n一、每个街道至少组织一次协商议事活动；\n二、活动情况按季度报市政协办公室。",
    ),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _redate(model, ids, when) -> None:
    """Date the events of these rows of `model` by what they record: `when(event)` gives the
    moment (the seed writing history, bulk updates as in followups.demo.move_back). Events of
    one moment keep their order a second apart; nothing is dated after now."""
    now = timezone.now()
    events = list(
        Event.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(i) for i in ids],
        ).order_by("id")
    )
    for i, event in enumerate(events):
        event.created_at = min(when(event) + dt.timedelta(seconds=i), now)
    Event.objects.bulk_update(events, ["created_at"])


def _context(organisation):
    """The organisation's office account, current term and active seats: what a demo year of
    meetings needs (None when it has none of them)."""
    office = access.role_holders(organisation, Role.OFFICE).first()
    term = current_term(organisation)
    if office is None or term is None:
        return None
    seats = list(
        Membership.objects.filter(term=term, status=Membership.Status.ACTIVE).select_related(
            "member"
        )
    )
    return (office, term, seats) if seats else None


def build(*, organisation, rng: random.Random) -> None:
    context = _context(organisation)
    if context is None:
        return
    office, term, seats = context
    chair = access.role_holders(organisation, Role.CHAIR).first()
    today = timezone.localdate()
    demo = _Demo(organisation, office, chair, rng, today, seats)
    demo.plenary(term)
    demo.year_of_meetings()
    demo.group_activities()
    demo.upcoming()
    demo.briefings()
    demo.notices_from_above()
    demo.inspection_instruction()
    demo.committee_reports()


class _Demo:
    def __init__(self, organisation, office, chair, rng, today, seats):
        self.org = organisation
        self.office = office
        self.chair = chair
        self.rng = rng
        self.today = today
        self.seats = seats
        self.committees = list(Committee.objects.filter(organisation=organisation))
        self.groups = list(ActivityGroup.objects.filter(organisation=organisation))
        self.departments = list(Department.objects.filter(organisation=organisation)[:6])

    def _meeting(self, kind, title, day, hours=(9, 12), **extra) -> Meeting:
        return services.meeting_create(
            organisation=self.org,
            actor=self.office,
            kind=kind,
            title=title,
            start=_at(day, hours[0]),
            end=_at(day, hours[1]),
            location=extra.pop("location", "区政协会议室"),
            **extra,
        )

    def _dated(self, meeting: Meeting) -> None:
        """A held meeting's history on the days it describes: set up and sent out about two
        weeks before, speeches submitted and selected in between, delivered at their sitting,
        attendance closed (and a report filed) the day after. A recorded event is entered the
        day after it happened. Leave carries its own days (`_leave`)."""
        first, last = timezone.localdate(meeting.start), timezone.localdate(meeting.end)
        if last >= self.today:
            return  # still to come: set up today
        after = _at(last + dt.timedelta(days=1), 16)
        prepared = after if meeting.is_record else _at(first - dt.timedelta(days=14), 10)
        sent = prepared + dt.timedelta(days=1, hours=5) if not meeting.is_record else after
        stages = {
            "meeting.create": prepared,
            "meeting.sitting_add": prepared,
            "meeting.edit": prepared,
            "meeting.invite": sent,
            "meeting.publish": sent,
        }
        _redate(Meeting, [meeting.pk], lambda e: stages.get(e.verb, after))
        Meeting.objects.filter(pk=meeting.pk).update(created_at=prepared)
        closed = (
            Event.objects.filter(
                content_type=ContentType.objects.get_for_model(Meeting),
                object_id=str(meeting.pk),
                verb="meeting.close",
            )
            .values_list("created_at", flat=True)
            .first()
        )
        if closed is not None:
            Meeting.objects.filter(pk=meeting.pk).update(closed_at=closed)
            # Leave left undecided was closed with the attendance, at the same moment.
            lapsed = meeting.leave_requests.filter(status=LeaveRequest.Status.LAPSED)
            ids = list(lapsed.values_list("pk", flat=True))
            if ids:
                lapsed.update(decided_at=closed)
                Event.objects.filter(
                    content_type=ContentType.objects.get_for_model(LeaveRequest),
                    object_id__in=[str(pk) for pk in ids],
                    verb="leave.close",
                ).update(created_at=closed)
        meeting.invitations.update(created_at=sent)
        speeches = list(meeting.speeches.select_related("sitting"))
        if speeches:
            submitted = prepared + dt.timedelta(days=4)
            decided = prepared + dt.timedelta(days=7)

            def when(event):
                if event.verb == "speech.submit":
                    return submitted
                if event.verb == "speech.deliver":
                    speech = next(s for s in speeches if str(s.pk) == event.object_id)
                    return speech.sitting.start if speech.sitting else after
                return decided

            _redate(Speech, [s.pk for s in speeches], when)
            meeting.speeches.update(submitted_at=submitted)
            for speech in speeches:
                if speech.delivered_at and speech.sitting:
                    Speech.objects.filter(pk=speech.pk).update(delivered_at=speech.sitting.start)

    def _attend(self, meeting: Meeting, rate: float, *, absentees: int | None = None) -> None:
        """Mark most invitees present (a few late), except those on approved leave.

        With `absentees` (a plenary): that many members stay away without leave, everyone
        else comes to every sitting, as a real committee's plenary goes (one to three
        discipline cases a year, not one member in ten)."""
        sittings = list(meeting.sittings.all())
        excused = excused_map(meeting)
        invitations = list(meeting.invitations.order_by("pk"))
        away: set[int] = set()
        if absentees is not None:
            rate = 1.0
            candidates = [
                inv.pk
                for inv in invitations
                if inv.category == Invitation.Category.MEMBER
                and inv.is_expected(meeting)
                and not any((inv.pk, s.pk) in excused for s in sittings)
            ]
            away = set(self.rng.sample(candidates, min(absentees, len(candidates))))
        rows = []
        for inv in invitations:
            if inv.pk in away:
                continue
            if not inv.is_expected(meeting) and self.rng.random() < 0.7:
                continue
            for s in sittings:
                if (inv.pk, s.pk) in excused or self.rng.random() > rate:
                    continue
                late = self.rng.random() < 0.05
                signed = s.start + dt.timedelta(minutes=self.rng.randint(20, 40) if late else -10)
                rows.append(
                    Attendance(
                        sitting=s,
                        invitation=inv,
                        state=Attendance.State.LATE if late else Attendance.State.PRESENT,
                        method=self.rng.choice([Attendance.Method.QR, Attendance.Method.STAFF]),
                        signed_at=signed,
                        updated_at=signed,
                    )
                )
        Attendance.objects.bulk_create(rows)

    def _leave(self, meeting: Meeting, count: int, *, decide: bool = True) -> None:
        members = list(
            meeting.invitations.filter(category=Invitation.Category.MEMBER).order_by("id")
        )
        if not members:
            return
        reasons = ["因公出差", "身体不适，需住院治疗", "参加单位重要会议", "家中有急事"]
        sittings = list(meeting.sittings.all())
        approver = self._approver(meeting)
        for inv in self.rng.sample(members, min(count, len(members))):
            part = sittings[:1] if len(sittings) > 1 and self.rng.random() < 0.4 else None
            # Asked a few days ahead, and never after today (an upcoming meeting's leave
            # was asked by now, so it is not flagged late for a day still to come).
            asked = min(
                timezone.localdate(meeting.start) - dt.timedelta(days=self.rng.randint(1, 6)),
                self.today,
            )
            leave = services.leave_submit(
                invitation=inv,
                actor=self.office,
                reason=self.rng.choice(reasons),
                sittings=part,
                today=asked,
            )
            if decide and approver is not None:
                approve = self.rng.random() < 0.85
                if inv.account == approver:
                    continue  # nobody decides their own; it waits for another approver
                services.leave_decide(
                    leave=leave,
                    approve=approve,
                    actor=approver,
                    note="" if approve else "会议重要，请克服困难参加",
                )
            self._leave_dated(leave, asked, meeting)

    def _leave_dated(self, leave: LeaveRequest, asked: dt.date, meeting: Meeting) -> None:
        """Asked on `asked` (the day the deadline was measured from), decided the next
        morning or before the meeting starts, never after now."""
        now = timezone.now()
        submitted = min(_at(asked, 9, self.rng.randint(0, 59)), now)
        decided = min(submitted + dt.timedelta(hours=20), meeting.start, now)
        _redate(
            LeaveRequest,
            [leave.pk],
            lambda e: submitted if e.verb == "leave.submit" else decided,
        )
        LeaveRequest.objects.filter(pk=leave.pk).update(submitted_at=submitted)
        LeaveRequest.objects.filter(pk=leave.pk, decided_at__isnull=False).update(
            decided_at=decided
        )

    def _approver(self, meeting: Meeting):
        from . import policies

        kind = policies.approver_kind(meeting)
        if kind == policies.CHAIR:
            return self.chair
        if kind == policies.COMMITTEE:
            staff = access.role_holders(
                self.org, Role.COMMITTEE_STAFF, committee=meeting.committee_id
            ).first()
            return staff or self.office
        return self.office

    def plenary(self, term) -> None:
        session = term.sessions.filter(start_date__lte=self.today).order_by("-number").first()
        if session is None:
            return
        day = session.start_date
        meeting = services.meeting_create(
            organisation=self.org,
            actor=self.office,
            kind=MeetingKind.PLENARY,
            title=f"政协{self.org.name.removesuffix('政协')}{session}",
            session=session,
            start=_at(day, 9),
            end=_at(day + dt.timedelta(days=2), 12),
            location="区会议中心大礼堂",
            description="听取和审议常务委员会工作报告、提案工作情况报告；列席区人大会议；开展大会发言。",
        )
        plan = [
            (Sitting.Kind.OPENING, "开幕会", day, (9, 11)),
            (Sitting.Kind.GROUP, "分组讨论", day, (14, 17)),
            (Sitting.Kind.SPEECHES, "大会发言", day + dt.timedelta(days=1), (9, 12)),
            (Sitting.Kind.JOINT, "联组讨论", day + dt.timedelta(days=1), (14, 17)),
            (Sitting.Kind.CLOSING, "闭幕会", day + dt.timedelta(days=2), (9, 11)),
        ]
        sittings = [
            services.sitting_add(
                meeting=meeting,
                actor=self.office,
                kind=kind,
                title=title,
                start=_at(d, h[0]),
                end=_at(d, h[1]),
            )
            for kind, title, d, h in plan
        ]
        services.invite(
            meeting=meeting,
            actor=self.office,
            criteria=services.InviteCriteria(
                all_members=True, leaders=LEADERS, departments=self.departments
            ),
        )
        services.meeting_publish(meeting=meeting, actor=self.office)
        self._leave(meeting, 8)
        # Speeches: submitted by members and bodies, most selected, delivered.
        speakers = self.rng.sample(self.seats, 4)
        for i, title in enumerate(SPEECHES):
            member = speakers[i].member if i < len(speakers) else None
            speech = services.speech_submit(
                meeting=meeting,
                actor=self.office,
                title=title,
                body=f"{title}。\n一、基本情况。\n二、存在问题。\n三、意见建议。",
                member=member,
                body_name="" if member else self.rng.choice(["民盟区委", "经济界别", "农工党区委"]),
            )
            if i == len(SPEECHES) - 1:
                # One left for the office to decide while the plenary is ahead; once it is
                # held, the office did not select it (not "submitted" for ever).
                if meeting.end.date() < self.today:
                    services.speech_select(speech=speech, actor=self.office, selected=False)
                continue
            services.speech_select(speech=speech, actor=self.office, selected=True)
            services.speech_schedule(
                speech=speech, actor=self.office, sitting=sittings[2], order=i + 1
            )
        if meeting.end.date() < self.today:
            self._attend(meeting, 0.93, absentees=2)
            leaders = list(meeting.invitations.exclude(category=Invitation.Category.MEMBER))
            for speech in meeting.speeches.filter(status="scheduled"):
                services.speech_deliver(speech=speech, actor=self.office, listeners=leaders[:3])
            services.meeting_close(meeting=meeting, actor=self.office)
        self._dated(meeting)

    def year_of_meetings(self) -> None:
        start = self.today - dt.timedelta(days=330)
        kinds = [
            (MeetingKind.STANDING, "常务委员会会议", 4),
            (MeetingKind.CHAIRMAN, "主席会议", 6),
            (MeetingKind.SYMPOSIUM, "协商座谈会", 3),
            (MeetingKind.SPECIAL_CONSULTATION, "专题协商会", 2),
            (MeetingKind.COMMITTEE, "专委会调研座谈", 6),
            (MeetingKind.INSPECTION, "视察调研", 3),
            (MeetingKind.STUDIO, "委员工作室接待日", 2),
            (MeetingKind.LECTURE, "委员讲堂", 2),
            (MeetingKind.TRAINING, "委员学习培训班", 2),
        ]
        standing = [s for s in self.seats if s.is_standing]
        for kind, label, count in kinds:
            for n in range(count):
                day = start + dt.timedelta(days=self.rng.randint(0, 320))
                while day.weekday() >= 5:
                    day += dt.timedelta(days=1)
                if day >= self.today:
                    day = self.today - dt.timedelta(days=3)
                extra, criteria = {}, services.InviteCriteria()
                if kind == MeetingKind.STANDING:
                    criteria.standing = True
                    criteria.leaders = LEADERS[1:2]
                elif kind == MeetingKind.CHAIRMAN:
                    criteria.roles = [Role.CHAIR]
                elif kind in (MeetingKind.SYMPOSIUM, MeetingKind.SPECIAL_CONSULTATION):
                    criteria.committees = self.rng.sample(self.committees, 2)
                    criteria.departments = self.departments[:2]
                elif kind == MeetingKind.COMMITTEE:
                    extra["committee"] = committee = self.committees[n % len(self.committees)]
                    criteria.committees = [committee]
                elif kind in (MeetingKind.STUDIO, MeetingKind.LECTURE):
                    extra["series"] = (
                        "民生服务委员工作室" if kind == MeetingKind.STUDIO else "委员讲堂"
                    )
                    extra["mode"] = Meeting.Mode.SIGNUP
                    criteria.all_members = True
                elif kind == MeetingKind.INSPECTION:
                    criteria.members = [s.member for s in self.rng.sample(self.seats, 15)]
                    criteria.departments = self.departments[:1]
                else:
                    criteria.all_members = True
                if kind == MeetingKind.STANDING and not standing:
                    continue
                meeting = self._meeting(
                    kind,
                    f"{label}（{day.month}月）",
                    day,
                    hours=(9, 12) if n % 2 else (14, 17),
                    **extra,
                )
                services.invite(meeting=meeting, actor=self.office, criteria=criteria)
                services.meeting_publish(meeting=meeting, actor=self.office)
                if meeting.mode == Meeting.Mode.SIGNUP:
                    picked = self.rng.sample(list(meeting.invitations.all()), 20)
                    Invitation.objects.filter(pk__in=[i.pk for i in picked]).update(
                        response=Invitation.Response.SIGNED_UP
                    )
                self._leave(meeting, 2)
                self._attend(meeting, 0.88)
                if kind == MeetingKind.INSPECTION:
                    services.meeting_file_report(
                        meeting=meeting,
                        actor=self.office,
                        text="调研组实地察看了项目现场，听取了相关部门情况汇报，形成以下建议：……",
                    )
                services.meeting_close(meeting=meeting, actor=self.office)
                self._dated(meeting)
        # The first half's work is reported in July (last year's when this July is ahead);
        # each event is held by its own host.
        july = dt.date(self.today.year, 7, 15)
        if july >= self.today:
            july = july.replace(year=july.year - 1)
        while july.weekday() >= 5:
            july += dt.timedelta(days=1)
        for kind, title, who, host, day in [
            (
                MeetingKind.PARTY_REPORT,
                "向区委常委会汇报上半年政协工作",
                "政协党组书记、主席",
                "区委常委会",
                july,
            ),
            (MeetingKind.PARTY_INVITATION, "列席区委全会", "政协主席、副主席", "区委", None),
            (MeetingKind.PARTY_INVITATION, "应邀出席区政府常务会议", "政协副主席", "区政府", None),
        ]:
            day = day or start + dt.timedelta(days=self.rng.randint(30, 300))
            meeting = self._meeting(kind, title, day, host=host, attendees_text=who)
            services.meeting_file_report(
                meeting=meeting, actor=self.office, text="会议听取了有关情况汇报，提出了工作要求。"
            )
            self._dated(meeting)

    # Activities a group holds in a whole year: most about one a quarter, one group more
    # active, one or two short of the four the annual commendation asks (duty.awards), so
    # the 先进委员活动组 / 优秀组长 lists show the rule at work.
    GROUP_YEAR = [4, 5, 4, 6, 3, 4, 2]

    def group_activities(self) -> None:
        """委员活动小组活动 of last year and of this year so far, each group's own, invited
        to its members, held and closed on their day."""
        if not self.groups:
            return
        for year in (self.today.year - 1, self.today.year):
            counts = [self.GROUP_YEAR[i % len(self.GROUP_YEAR)] for i in range(len(self.groups))]
            self.rng.shuffle(counts)
            for group, count in zip(self.groups, counts, strict=True):
                # One in each of `count` quarters, a fifth or sixth in a busy quarter.
                quarters = sorted(
                    self.rng.sample(range(4), min(count, 4))
                    + [self.rng.randrange(4) for _ in range(count - 4)]
                )
                for n, q in enumerate(quarters):
                    day = dt.date(year, 3 * q + 1, 1) + dt.timedelta(days=self.rng.randint(5, 80))
                    while day.weekday() >= 5:
                        day += dt.timedelta(days=1)
                    if day >= self.today - dt.timedelta(days=3):
                        continue  # this year's rest is still ahead
                    meeting = self._meeting(
                        MeetingKind.GROUP,
                        f"委员活动小组活动（{day.month}月）",
                        day,
                        hours=(9, 12) if n % 2 else (14, 17),
                        activity_group=group,
                    )
                    services.invite(
                        meeting=meeting,
                        actor=self.office,
                        criteria=services.InviteCriteria(groups=[group]),
                    )
                    services.meeting_publish(meeting=meeting, actor=self.office)
                    self._leave(meeting, 2)
                    self._attend(meeting, 0.88)
                    services.meeting_close(meeting=meeting, actor=self.office)
                    self._dated(meeting)

    def upcoming(self) -> None:
        day = self.today + dt.timedelta(days=6)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        meeting = self._meeting(MeetingKind.STANDING, "常务委员会会议（近期）", day)
        services.invite(
            meeting=meeting,
            actor=self.office,
            criteria=services.InviteCriteria(standing=True, leaders=LEADERS[:1]),
        )
        services.meeting_publish(meeting=meeting, actor=self.office)
        self._leave(meeting, 3, decide=False)
        consult = self._meeting(
            MeetingKind.SYMPOSIUM, "“有事好商量”协商座谈会", day + dt.timedelta(days=7)
        )
        services.invite(
            meeting=consult,
            actor=self.office,
            criteria=services.InviteCriteria(all_members=True, departments=self.departments[:3]),
        )
        services.meeting_publish(meeting=consult, actor=self.office)

    def briefings(self) -> None:
        items = [
            ("区政府关于上半年经济运行情况的通报", "区发展和改革局"),
            ("关于城市更新重点项目推进情况的通报", "区住房和城乡建设局"),
            ("关于教育资源布局调整情况的通报", "区教育局"),
        ]
        for title, source in items:
            b = services.briefing_create(
                organisation=self.org,
                actor=self.office,
                title=title,
                source=source,
                body=f"{title}。\n一、总体情况……\n二、下一步工作……",
            )
            services.briefing_publish(briefing=b, actor=self.office)
            receipts = list(b.receipts.all())
            read = self.rng.sample(receipts, len(receipts) * 2 // 3)
            BriefingReceipt.objects.filter(pk__in=[r.pk for r in read]).update(
                read_at=timezone.now()
            )

    def notices_from_above(self) -> None:
        """Down the tree (C2.9): the higher node's office sends a notice and a work arrangement
        to every lower node; this district's office read the notice and passed it on to its
        members, the arrangement waits unread here (and both do at the city's other districts).
        """
        parent = self.org.parent
        sender = parent and access.role_holders(parent, Role.OFFICE).first()
        if sender is None:
            return
        received = []
        for kind, title, body in NOTICES:
            briefing = services.briefing_create(
                organisation=parent,
                actor=sender,
                kind=kind,
                title=title,
                source=f"{parent.name}办公室",
                body=body,
            )
            services.briefing_publish(
                briefing=briefing, actor=sender, to_members=False, all_nodes=True
            )
            received.append(briefing.node_receipts.get(organisation=self.org))
        services.briefing_pass_on(receipt=received[0], actor=self.office)

    def inspection_instruction(self) -> None:
        """A leader's instruction (批示, followups) on the earliest inspection report, given
        ten days after it: the department invited answered on time and the office closed its
        task; the government office let its own go overdue (the report is months old)."""
        meeting = (
            Meeting.objects.filter(organisation=self.org, kind=MeetingKind.INSPECTION)
            .exclude(report="")
            .order_by("start", "pk")
            .first()
        )
        if meeting is None or not self.departments:
            return
        day = min(
            timezone.localdate(meeting.start) + dt.timedelta(days=10),
            self.today,
        )
        instruction = followups.instruction_record(
            item=meeting,
            actor=self.office,
            leader=LEADERS[1][0],
            level=LeaderLevel.DISTRICT,
            instructed_on=day,
            text="调研报告提出的建议很有针对性，请区政府办牵头，相关部门逐条研究落实。",
            departments=self.departments[:1],
            offices=[Role.GOVERNMENT_OFFICE],
            working_days=20,
        )
        tasks = followups.instruction_tasks([instruction])[instruction.pk]
        for task in tasks:
            if task.department_id and followups_demo.answer(
                task, "已逐条研究调研报告建议，制定整改清单并落实到责任科室。"
            ):
                followups.task_close(task=task, actor=self.office)
        followups_demo.move_back(tasks, (self.today - day).days)
        # The latest inspection report went to the district's Party committee (报送党委):
        # its office finds it on 报送本机关 with no leader's instruction recorded yet.
        latest = (
            Meeting.objects.filter(organisation=self.org, kind=MeetingKind.INSPECTION)
            .exclude(report="")
            .order_by("-start", "-pk")
            .first()
        )
        if latest is not None and latest.pk != meeting.pk:
            services.meeting_report_send(meeting=latest, actor=self.office, to=Role.PARTY_OFFICE)
            sent = _at(timezone.localdate(latest.end) + dt.timedelta(days=3), 10)
            Event.objects.filter(
                content_type=ContentType.objects.get_for_model(Meeting),
                object_id=str(latest.pk),
                verb="meeting.report_send",
            ).update(created_at=min(sent, timezone.now()))

    def committee_reports(self) -> None:
        """Last year's and this year's reports (C4.10): every period already due was filed by
        the committee's staff in the days before its deadline and reported to the next
        chairman's meeting, but one committee still owes its latest, as a real year has."""
        year = self.today.year
        services.committee_reports_schedule(organisation=self.org, year=year - 1, actor=self.office)
        services.committee_reports_schedule(organisation=self.org, year=year, actor=self.office)
        due = list(
            CommitteeReport.objects.filter(organisation=self.org, due_date__lt=self.today)
            .select_related("committee")
            .order_by("due_date", "committee__sort_order", "pk")
        )
        chaired = list(
            Meeting.objects.filter(organisation=self.org, kind=MeetingKind.CHAIRMAN).order_by(
                "start"
            )
        )
        for report in due[:-1]:
            staff = access.role_holders(
                self.org, Role.COMMITTEE_STAFF, committee=report.committee_id
            ).first()
            window = (report.due_date, report.due_date + dt.timedelta(days=60))
            after = [m for m in chaired if window[0] < timezone.localdate(m.start) <= window[1]]
            services.committee_report_file(
                report=report,
                actor=staff or self.office,
                content=f"{report.committee}{report.period}工作总结：开展调研、协商和提案督办等工作。",
                meeting=after[0] if after else None,
            )
            filed = _at(report.due_date - dt.timedelta(days=self.rng.randint(1, 8)), 16)
            CommitteeReport.objects.filter(pk=report.pk).update(filed_at=filed)
            _redate(CommitteeReport, [report.pk], lambda e, filed=filed: filed)


def upper_level(*, organisation, rng: random.Random) -> None:
    """A city's or province's own year in the district demo, for its few members living in
    the demo district: this year's plenary and four meetings, held through the services as
    the district's are (their attendance writes the members' duty records)."""
    context = _context(organisation)
    if context is None:
        return
    office, term, seats = context
    today = timezone.localdate()
    demo = _Demo(organisation, office, None, rng, today, seats)
    place = organisation.name.removesuffix("政协")
    hall = f"{place}政协会议室"
    session = term.sessions.filter(start_date__lte=today).order_by("-number").first()
    if session is not None:
        day = session.start_date
        meeting = services.meeting_create(
            organisation=organisation,
            actor=office,
            kind=MeetingKind.PLENARY,
            title=f"政协{place}{session}",
            session=session,
            start=_at(day, 9),
            end=_at(day + dt.timedelta(days=2), 12),
            location=f"{place}会议中心",
            description="听取和审议常务委员会工作报告、提案工作情况报告；开展大会发言。",
        )
        for kind, title, d, (h0, h1) in [
            (Sitting.Kind.OPENING, "开幕会", day, (9, 11)),
            (Sitting.Kind.GROUP, "分组讨论", day, (14, 17)),
            (Sitting.Kind.SPEECHES, "大会发言", day + dt.timedelta(days=1), (9, 12)),
            (Sitting.Kind.JOINT, "联组讨论", day + dt.timedelta(days=1), (14, 17)),
            (Sitting.Kind.CLOSING, "闭幕会", day + dt.timedelta(days=2), (9, 11)),
        ]:
            services.sitting_add(
                meeting=meeting,
                actor=office,
                kind=kind,
                title=title,
                start=_at(d, h0),
                end=_at(d, h1),
            )
        services.invite(
            meeting=meeting, actor=office, criteria=services.InviteCriteria(all_members=True)
        )
        services.meeting_publish(meeting=meeting, actor=office)
        if meeting.end.date() < today:
            demo._attend(meeting, 1.0, absentees=0)
            services.meeting_close(meeting=meeting, actor=office)
        demo._dated(meeting)
    committee = demo.committees[0] if demo.committees else None
    for kind, label, days_ago, extra in [
        (MeetingKind.COMMITTEE, "专委会调研座谈", 250, {"committee": committee}),
        (MeetingKind.SYMPOSIUM, "协商座谈会", 180, {}),
        (MeetingKind.TRAINING, "委员学习培训班", 120, {}),
        (MeetingKind.SYMPOSIUM, "专题协商座谈会", 45, {}),
    ]:
        if extra.get("committee", True) is None:
            continue
        day = today - dt.timedelta(days=days_ago)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        meeting = demo._meeting(
            kind, f"{label}（{day.month}月）", day, hours=(14, 17), location=hall, **extra
        )
        services.invite(
            meeting=meeting, actor=office, criteria=services.InviteCriteria(all_members=True)
        )
        services.meeting_publish(meeting=meeting, actor=office)
        demo._attend(meeting, 0.85)
        services.meeting_close(meeting=meeting, actor=office)
        demo._dated(meeting)
