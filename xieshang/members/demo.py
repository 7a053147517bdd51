"""Demo data around the members (issue 11): talks and visits this year and last (a few with
the demo member, one handed to the demo department), Party groups with a few Party-member
members left out for the coverage report to find, the convener of the higher-level members
and a few convener activities. Written through the services, so the audit trail is filled
as a clerk's work would fill it."""

import datetime as dt
import random

from django.utils import timezone

from xieshang.core.models import User
from xieshang.orgs.models import Department, Level, Organisation, Party

from . import contacts, conveners, partygroups, selectors
from .models import ContactKind, Member, Membership

TOPICS = [
    (ContactKind.TALK, "了解履职情况和意见建议", "希望多组织界别委员参加专题调研。"),
    (ContactKind.TALK, "新任委员履职谈心", "对提案撰写要求不熟悉，希望安排培训。"),
    (ContactKind.VISIT, "节前走访看望", "家中老人身体欠佳，工作单位支持履职。"),
    (ContactKind.VISIT, "走访委员所在企业", "企业反映园区道路施工影响货车通行。"),
    (ContactKind.TALK, "听取对政协工作的意见", "建议委员联络室延长开放时间。"),
    (ContactKind.OTHER, "电话沟通履职困难", "近期出差较多，申请调整所在活动小组。"),
    (ContactKind.VISIT, "看望生病住院委员", ""),
    (ContactKind.TALK, "年度履职情况反馈谈话", "对年度履职积分规则有疑问。"),
]
PLACES = ["区政协机关", "委员工作单位", "委员家中", "委员联络室", "街道办事处"]
ACTIVITIES = [
    (None, "住区省、市政协委员座谈会", "区政协机关", "通报全区经济社会发展情况，听取意见建议。"),
    (None, "住区上级政协委员视察城市更新项目", "老城片区", "实地察看三个更新项目进展。"),
    (0, "街道政协委员联络室履职活动", "委员联络室", "委员接待群众，收集意见六条。"),
    (1, "街道协商议事会前协调会", "街道办事处", "商定议事会议题和参加人员。"),
]


def build(*, organisation, rng: random.Random) -> None:
    office = User.objects.filter(username="office").first()
    term = selectors.current_term(organisation)
    if office is None or term is None:
        return
    today = timezone.localdate()
    seats = list(
        Membership.objects.filter(term=term, status=Membership.Status.ACTIVE)
        .select_related("member", "party")
        .order_by("member_id")
    )
    if not seats:
        return
    _contacts(organisation, term, seats, office, today, rng)
    _party_groups(organisation, term, seats, office)
    _conveners(organisation, term, office, today)


def _contacts(organisation, term, seats, office, today, rng) -> None:
    chair = conveners.chair_of(term)
    leaders = [f"{organisation.short_name or organisation.name}主席{chair.name}"] if chair else []
    leaders += [f"办公室{office.full_name}", "委员工作室主任"]
    demo_member = Member.objects.filter(organisation=organisation, user__username="member").first()
    people = [s.member for s in rng.sample(seats, min(40, len(seats)))]
    if demo_member is not None:
        people = [demo_member, demo_member, *[m for m in people if m != demo_member]]
    department = Department.objects.filter(organisation=organisation, name="区教育局").first()
    # About two thirds of this year's contacts so far, the rest last year: the yearly report
    # shows counts in both and members still to be contacted this year.
    for i, member in enumerate(people):
        kind, topic, raised = TOPICS[i % len(TOPICS)]
        year_start = dt.date(today.year, 1, 1)
        if i % 3 == 2:
            date = dt.date(today.year - 1, rng.randint(1, 12), rng.randint(1, 28))
        else:
            date = year_start + dt.timedelta(days=rng.randint(0, max((today - year_start).days, 0)))
        hand_over = i == 1 and department is not None
        contacts.contact_record(
            member=member,
            kind=kind,
            date=date,
            by_name=rng.choice(leaders),
            by_user=office if i % 4 == 0 else None,
            place=rng.choice(PLACES),
            topic=topic,
            raised="学校周边上下学时段交通拥堵，希望教育部门会同交警研究错峰放学。"
            if hand_over
            else raised,
            follow_up="已交区教育局研究办理。" if hand_over else "",
            followup_department=department if hand_over else None,
            followup_days=15,
            actor=office,
        )


def _party_groups(organisation, term, seats, office) -> None:
    cpc = [s for s in seats if s.party_id and s.party.kind == Party.Kind.CPC]
    if len(cpc) < 6:
        return
    names = ["第一党小组", "第二党小组", "第三党小组"]
    groups = [
        partygroups.party_group_create(
            organisation=organisation, term=term, name=name, leader=cpc[i].member, actor=office
        )
        for i, name in enumerate(names)
    ]
    # The last three are left out: the coverage report has gaps to show.
    for i, seat in enumerate(cpc[:-3]):
        partygroups.party_group_assign(group=groups[i % len(groups)], seat=seat, actor=office)


def _conveners(organisation, term, office, today) -> None:
    chair = conveners.chair_of(term)
    if chair is not None:
        conveners.convener_set(
            organisation=organisation,
            term=term,
            convener=chair,
            note="区政协主席兼任住区省、市政协委员活动召集人",
            actor=office,
        )
    streets = list(
        Organisation.objects.filter(
            level=Level.STREET, path__startswith=organisation.path
        ).order_by("path")[:2]
    )
    for n, (street_index, title, place, summary) in enumerate(ACTIVITIES):
        street = None
        if street_index is not None:
            if street_index >= len(streets):
                continue
            street = streets[street_index]
        conveners.activity_record(
            organisation=organisation,
            street=street,
            date=today - dt.timedelta(days=20 + 30 * n),
            title=title,
            place=place,
            participants=6 + 3 * n,
            summary=summary,
            actor=office,
        )
