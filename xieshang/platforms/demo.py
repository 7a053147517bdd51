"""Demo consultation platforms for the demo district: running platforms in most streets and
some communities (a few gaps for the coverage page), members assigned, sessions held with
published outcomes, one awaiting the convener's approval, some planned and one cancelled.
Everything goes through the services, so events and duty records are real.

The random draws come from a copy of the seed's generator, so adding this module changes
nothing that the demo modules after it draw."""

import datetime as dt
import random

from django.utils import timezone

from xieshang.core import access
from xieshang.core.models import User
from xieshang.members.models import Member, Membership
from xieshang.orgs.models import LiaisonRoom, Organisation, Role, RoleAssignment

from . import services
from .models import Platform

# (title, outcomes as (text, responsible body))
TOPICS = [
    (
        "老旧小区加装电梯费用分摊",
        [
            ("按楼层系数分摊加装费用，一楼住户不分摊", "社区居委会"),
            ("街道协调申请既有住宅加装电梯补助", "街道城建办"),
        ],
    ),
    (
        "小区电动自行车集中充电棚建设",
        [
            ("在3号楼北侧空地建设充电棚，设40个充电口", "物业服务企业"),
            ("禁止楼道飞线充电，由网格员每周巡查", "社区网格站"),
        ],
    ),
    (
        "农贸市场周边占道经营整治",
        [
            ("划定临时摊位区，早7点至9点开放", "街道综合执法队"),
            ("市场管理方增设保洁人员2名", "农贸市场管理方"),
        ],
    ),
    (
        "学校周边上下学时段交通疏导",
        [
            ("上下学时段设立家长志愿岗", "学校家委会"),
            ("在校门东侧施划临时停车泊位", "区交警大队"),
        ],
    ),
    (
        "背街小巷路灯维修和增设",
        [("排查并维修损坏路灯12盏", "街道城建办"), ("在巷口增设路灯3盏", "区城管局")],
    ),
    (
        "社区老年食堂开办和运营",
        [
            ("利用党群服务中心一楼开办老年食堂", "社区居委会"),
            ("80岁以上老人用餐给予补贴", "街道民政办"),
        ],
    ),
    (
        "小区垃圾分类投放点调整",
        [("将投放点移至小区东门，远离住宅楼", "物业服务企业")],
    ),
    (
        "口袋公园建设选址",
        [("在原废品收购站地块建设口袋公园", "街道城建办")],
    ),
]
UPCOMING = ["小区停车位划分和收费", "社区活动室开放时间调整", "沿街商铺油烟扰民治理"]
RESIDENTS = ["王秀英", "李建国", "张桂兰", "刘志强", "陈玉梅", "杨德明", "赵淑珍", "黄海涛"]


def _active_members(organisation) -> list[Member]:
    return list(
        Member.objects.filter(
            organisation=organisation, memberships__status=Membership.Status.ACTIVE
        )
        .distinct()
        .order_by("id")[:60]
    )


def build(*, organisation, rng: random.Random) -> None:
    office = access.role_holders(organisation, Role.OFFICE).first()
    if (
        office is None
        or Platform.objects.filter(organisation__path__startswith=organisation.path).exists()
    ):
        return
    local = random.Random()
    local.setstate(rng.getstate())
    rng = local
    members = _active_members(organisation)
    demo_member = Member.objects.filter(user__username="member").first()
    if not members:
        return
    streets = list(
        Organisation.objects.filter(parent=organisation, level="street").order_by("path")
    )
    rooms = {r.street_id: r for r in LiaisonRoom.objects.filter(street__in=streets)}
    liaisons: dict[int, User] = {}
    for ra in (
        RoleAssignment.objects.filter(
            role=Role.LIAISON, organisation__in=streets, user__is_active=True
        )
        .select_related("user")
        .order_by("id")
    ):
        liaisons.setdefault(ra.organisation_id, ra.user)
    today = timezone.localdate()

    def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
        # Sessions at the hours residents meet (a morning, an afternoon, an evening), on the
        # local clock: the portal lists them with their time.
        day = today + dt.timedelta(days=days)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    platforms: list[Platform] = []
    # Streets: running in all but the last three (one built, one planned, one without).
    for i, street in enumerate(streets):
        if i == len(streets) - 1:
            continue
        status = (
            Platform.Status.RUNNING
            if i < len(streets) - 3
            else (Platform.Status.BUILT if i == len(streets) - 3 else Platform.Status.PLANNED)
        )
        platforms.append(
            services.platform_create(
                organisation=street,
                actor=office,
                name=f"{street.name}“有事好商量”协商议事室",
                place=f"{street.name}党群服务中心二楼",
                convener=liaisons.get(street.pk),
                convener_name="" if liaisons.get(street.pk) else "街道党工委副书记",
                liaison_room=rooms.get(street.pk),
                status=status,
                on=dt.date(today.year - 3, rng.randint(1, 12), rng.randint(1, 28)),
            )
        )
    # Communities: two of three per street get one; one of them suspended later.
    communities = list(
        Organisation.objects.filter(parent__in=streets, level="community").order_by("path")
    )
    for j, community in enumerate(communities):
        if j % 3 == 2:
            continue
        platform = services.platform_create(
            organisation=community,
            actor=office,
            name=f"{community.name}居民议事会",
            place=f"{community.name}党群服务站",
            convener_name=f"{community.name}书记",
            liaison_room=rooms.get(community.parent_id),
            status=Platform.Status.RUNNING,
            on=dt.date(today.year - 2, rng.randint(1, 12), rng.randint(1, 28)),
        )
        platforms.append(platform)
    # The one suspended: a community platform whose room is being renovated.
    community_platforms = [p for p in platforms if p.level == "community"]
    if community_platforms:
        services.platform_set_status(
            platform=community_platforms[-1],
            actor=office,
            to=Platform.Status.SUSPENDED,
            on=today - dt.timedelta(days=20),
            note="议事室装修，暂停运行",
        )
    # Members assigned: two or three per platform, the demo member at the first one.
    for k, platform in enumerate(platforms):
        chosen = rng.sample(members, 3 if platform.level == "street" else 2)
        if k == 0 and demo_member is not None and demo_member not in chosen:
            chosen[0] = demo_member
        for member in chosen:
            services.platform_assign(
                platform=platform,
                actor=office,
                member=member,
                since=dt.date(today.year - 2, rng.randint(1, 6), rng.randint(1, 28)),
            )
    # Sessions on the running platforms.
    running = list(
        Platform.objects.filter(
            pk__in=[p.pk for p in platforms], status=Platform.Status.RUNNING
        ).order_by("id")
    )
    for k, platform in enumerate(running):
        assigned = [a.member for a in platform.assignments.filter(until__isnull=True)]
        # The street's liaison arranges its street's sessions (its communities' too); the
        # district office only where a street has no liaison login.
        street_id = platform.organisation_id if platform.level == "street" else None
        if street_id is None:
            street_id = platform.organisation.parent_id
        arranger = liaisons.get(street_id) or office
        held = 2 if k % 3 else 1
        for n in range(held):
            title, outcomes = TOPICS[(k + n * 3) % len(TOPICS)]
            starts = at(-(15 + 40 * n + rng.randint(0, 20)), rng.choice((9, 14, 15, 19)))
            session = services.session_plan(
                platform=platform, actor=arranger, title=f"关于{title}的议事会", starts_at=starts
            )
            residents = rng.sample(RESIDENTS, 3)
            services.session_record(
                session=session,
                actor=arranger,
                expected_version=session.version,
                minutes=(
                    f"居民代表{residents[0]}反映{title}问题，参会各方充分讨论，形成议定事项。"
                    f"联系人：{residents[1]}，电话13812345678。"
                ),
                outcomes=outcomes,
                attendance={
                    m: ("present" if i or n == 0 else "excused") for i, m in enumerate(assigned)
                },
                resident_count=len(residents) + rng.randint(2, 6),
                resident_names="、".join(residents),
                department_count=rng.randint(1, 3),
                department_names="街道城建办工作人员",
                cadre_count=rng.randint(1, 3),
                cadre_names="社区书记、网格员",
            )
            # The latest session of every fourth platform still waits for approval.
            if not (n == 0 and k % 4 == 1):
                approver = platform.convener or office
                services.session_approve(session=session, actor=approver)
        if k % 2 == 0:
            services.session_plan(
                platform=platform,
                actor=arranger,
                title=f"关于{UPCOMING[k % len(UPCOMING)]}的议事会",
                starts_at=at(3 + k, rng.choice((9, 14, 19)), 30),
                description="欢迎居民代表报名参加。",
            )
    if running:
        last = running[-1]
        arranger = liaisons.get(last.organisation_id) or liaisons.get(
            last.organisation.parent_id, office
        )
        session = services.session_plan(
            platform=last,
            actor=arranger,
            title="关于小区绿化补种的议事会",
            starts_at=at(12, 19, 30),
        )
        services.session_cancel(session=session, actor=arranger, reason="议题已由物业直接解决")
