"""Meetings-area test data: a district with its current term, members who can log in, the
office, the chair, a committee's staff, and meetings built through the services."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from xieshang.meetings import services
from xieshang.meetings.models import Meeting, MeetingKind, Sitting
from xieshang.members.models import Member
from xieshang.orgs.models import ActivityGroup, Organisation, Role, RoleAssignment, Sector, Term

from ..factories import (
    CommitteeFactory,
    MemberFactory,
    SectorFactory,
    TermFactory,
    UserFactory,
    make_org,
    seat,
    user_with_role,
)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@dataclass
class World:
    org: Organisation
    term: Term
    sector: Sector
    sector2: Sector
    committee: object
    group: ActivityGroup
    office: object
    chair: object
    committee_staff: object
    members: list[Member] = field(default_factory=list)

    def member(
        self,
        name: str | None = None,
        *,
        sector=None,
        standing=False,
        committees=None,
        group=None,
        login=True,
    ) -> Member:
        kwargs = {"organisation": self.org}
        if name:
            kwargs["name"] = name
        member = MemberFactory(**kwargs)
        if login:
            user = UserFactory(full_name=member.name)
            RoleAssignment.objects.create(user=user, organisation=self.org, role=Role.MEMBER)
            member.user = user
            member.save(update_fields=["user"])
        seat(
            member,
            self.term,
            sector=sector or self.sector,
            is_standing=standing,
            committees=committees if committees is not None else [self.committee],
            activity_group=group,
        )
        self.members.append(member)
        return member

    def meeting(
        self,
        kind=MeetingKind.SYMPOSIUM,
        *,
        day=None,
        hours=(9, 12),
        invite=True,
        publish=True,
        **extra,
    ) -> Meeting:
        day = day or dt.date(2026, 3, 16)
        meeting = services.meeting_create(
            organisation=self.org,
            actor=self.office,
            kind=kind,
            title=extra.pop("title", f"{MeetingKind(kind).label}测试"),
            start=at(day, hours[0]),
            end=at(day, hours[1]),
            location="区政协会议室",
            **extra,
        )
        if invite:
            services.invite(
                meeting=meeting,
                actor=self.office,
                criteria=services.InviteCriteria(all_members=True),
            )
        if publish and meeting.sittings.exists():
            services.meeting_publish(meeting=meeting, actor=self.office)
        return meeting

    def plenary(self, *, day=dt.date(2026, 3, 16), sittings=3, publish=True, **extra) -> Meeting:
        """A plenary with `sittings` half-day sittings: opening, group discussion(s), closing."""
        meeting = services.meeting_create(
            organisation=self.org,
            actor=self.office,
            kind=MeetingKind.PLENARY,
            title="政协示范区第十五届第五次会议",
            start=at(day, 9),
            end=at(day, 12),
            location="区会议中心",
            **extra,
        )
        kinds = (
            [Sitting.Kind.OPENING] + [Sitting.Kind.GROUP] * (sittings - 2) + [Sitting.Kind.CLOSING]
        )
        titles = ["开幕会"] + [f"分组讨论{i + 1}" for i in range(sittings - 2)] + ["闭幕会"]
        for i, (kind, title) in enumerate(zip(kinds, titles, strict=True)):
            d = day + dt.timedelta(days=i // 2)
            hours = (9, 12) if i % 2 == 0 else (14, 17)
            services.sitting_add(
                meeting=meeting,
                actor=self.office,
                kind=kind,
                title=title,
                start=at(d, hours[0]),
                end=at(d, hours[1]),
            )
        services.invite(
            meeting=meeting, actor=self.office, criteria=services.InviteCriteria(all_members=True)
        )
        if publish:
            services.meeting_publish(meeting=meeting, actor=self.office)
        meeting.refresh_from_db()
        return meeting


def world(name: str = "示范区政协", parent=None) -> World:
    org = make_org(name, parent=parent)
    term = TermFactory(organisation=org, number=15, start_date=dt.date(2022, 1, 10))
    committee = CommitteeFactory(organisation=org, name="经济委员会")
    group = ActivityGroup.objects.create(organisation=org, name="第一活动小组")
    w = World(
        org=org,
        term=term,
        sector=SectorFactory(organisation=org, name="经济界"),
        sector2=SectorFactory(organisation=org, name="教育界"),
        committee=committee,
        group=group,
        office=user_with_role(Role.OFFICE, org, full_name="办公室干部"),
        chair=user_with_role(Role.CHAIR, org, full_name="政协主席"),
        committee_staff=user_with_role(
            Role.COMMITTEE_STAFF, org, committee=committee, full_name="经济委副主任"
        ),
    )
    return w


def edit_form(meeting) -> dict:
    """A meeting's edit page's fields as the browser posts them, its version included."""
    from xieshang.meetings.forms import MeetingForm

    initial = MeetingForm(instance=meeting, organisation=meeting.organisation).initial
    data = {
        k: (v.strftime("%Y-%m-%dT%H:%M") if hasattr(v, "strftime") else v)
        for k, v in initial.items()
        if v is not None and k in MeetingForm.Meta.fields
    }
    return {**data, "version": meeting.version}
