"""Build the demo data set: organisations, terms, sectors, committees, departments, streets,
members and the demo logins.

Deterministic: every random choice comes from one `random.Random(seed)` and is drawn in a
fixed order that does not depend on database ids, so the same seed gives the same people on
SQLite and PostgreSQL. Rows are written with `bulk_create` (organisations go through
`orgs.services.organisation_create`, which sets the tree path and writes the audit row).
"""

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from xieshang.core.audit import record_event
from xieshang.core.models import User
from xieshang.members.models import (
    Category,
    Gender,
    HigherLevelMember,
    Member,
    Membership,
    MembershipCategory,
    StreetConvener,
)
from xieshang.orgs.models import (
    ActivityGroup,
    Committee,
    Department,
    Level,
    LiaisonRoom,
    Organisation,
    Party,
    Role,
    RoleAssignment,
    Sector,
    Session,
    Term,
)
from xieshang.orgs.services import organisation_create

from . import data
from .proposals import working_day
from .remits import remit_of

PROFILES = ("district", "city", "province")
PROFILE_NOTES = {"district": "区县规模", "city": "市级规模", "province": "省级规模"}


@dataclass(frozen=True)
class Size:
    """How much of everything one CPPCC node gets."""

    members: int
    streets: int = 0
    community_streets: int = 0  # how many of its streets get communities
    departments: int = 0
    higher_level: int = 0  # city/province members living in this district
    demo: bool = False  # the demo district, where the demo logins work


MAIN_DISTRICT = Size(
    members=200, streets=12, community_streets=4, departments=100, higher_level=6, demo=True
)
# Other districts of the larger profiles: full membership, fewer streets, no communities.
OTHER_DISTRICT = Size(members=200, streets=6, departments=30, higher_level=2)
TREE_ONLY = Size(members=0)


@dataclass
class Node:
    org: Organisation
    size: Size
    place: str  # 示范区, 示范市…
    term: Term
    sectors: dict[str, Sector]
    committees: list[Committee]
    groups: list[ActivityGroup]
    streets: list[Organisation]
    chair: Member | None = None
    memberships: list[Membership] = field(default_factory=list)
    no_committee: set[int] = field(default_factory=set)  # member ids in no committee


@dataclass
class Stats:
    organisations: int = 0
    members: int = 0
    users: int = 0
    departments: int = 0
    proposals: int = 0
    history: dict[str, int] = field(default_factory=dict)  # rows of imported history by model


class Progress:
    """A plain text progress bar on stderr: `[#######-------------]  35% 委员`."""

    def __init__(self, total: int, write: Callable[[str], None] | None, width: int = 30):
        self.total = max(total, 1)
        self.done = 0
        self.write = write
        self.width = width

    def step(self, label: str) -> None:
        self.done = min(self.done + 1, self.total)
        if self.write is None:
            return
        filled = self.width * self.done // self.total
        bar = "#" * filled + "-" * (self.width - filled)
        end = "\n" if self.done == self.total else ""
        self.write(f"\r[{bar}] {100 * self.done // self.total:3d}% {label:<20}{end}")


# Domain apps' demo modules, run in this order after the people and the proposals exist.
DOMAIN_DEMOS = [
    "xieshang.consultation.demo",
    "xieshang.meetings.demo",
    "xieshang.opinions.demo",
    "xieshang.platforms.demo",
    "xieshang.residents.demo",  # after platforms: it uses their sessions
    "xieshang.duty.demo",  # it reads the duty records the others wrote
    "xieshang.members.demo",  # talks and visits, Party groups, conveners (writes no duty)
    "xieshang.nominations.demo",  # a draft by-election: candidates of both departments
    "xieshang.budgets.demo",  # after consultation, meetings and platforms: it budgets them
]


class DemoBuilder:
    """One run of `seed_demo`. Call `build(profile)` inside a transaction."""

    STEPS_PER_NODE = 4

    def __init__(
        self,
        *,
        seed: int,
        progress_write: Callable[[str], None] | None = None,
        history_proposals: int = 0,
        history_years: int = 10,
    ):
        self.history_proposals = history_proposals
        self.history_years = history_years
        self.rng = random.Random(seed)
        self.seed = seed
        self.progress_write = progress_write
        self.password_hash = make_password(settings.DEMO_PASSWORD)
        self.now = timezone.now()
        self.parties = {p.short_name: p for p in Party.objects.all()}
        self.stats = Stats()
        self.progress = Progress(1, None)
        self.demo_node: Node | None = None
        self.city_node: Node | None = None

    # --- the tree -------------------------------------------------------------------
    def build(self, profile: str) -> Stats:
        nodes = self.build_people(profile)
        self._demo_accounts()
        self.progress.step("账号")
        from .proposals import ProposalDemo

        self.stats.proposals = ProposalDemo(organisation=self.demo_node.org, rng=self.rng).build()
        for module_name in DOMAIN_DEMOS:
            # Each domain app adds its own demo data: `build(organisation=..., rng=...)`.
            if find_spec(module_name.rpartition(".")[0]) is None or find_spec(module_name) is None:
                continue  # that app is not built yet
            import_module(module_name).build(organisation=self.demo_node.org, rng=self.rng)
        self._upper_levels([self.city_node, nodes["p"]])
        self._age_inbox()
        if self.history_proposals:
            self._history(list(nodes.values()))
        # Long-overdue tasks were answered and closed back then (a real office's year).
        from xieshang.followups import demo as followups_demo

        followups_demo.settle_overdue()
        record_event(
            actor=None,
            verb="demo.seed",
            organisation=self.demo_node.org,
            # A sentence for the audit log's readers; the codes stay in `data`.
            note=f"{PROFILE_NOTES[profile]}，随机种子 {self.seed}",
            data={"profile": profile, "seed": self.seed},
        )
        return self.stats

    def build_people(self, profile: str) -> dict[str, Node]:
        """The first stage of `build`: the organisation tree with its departments, streets
        and members, and the higher-level members living in each district. Every later
        stage draws from the same generator after it, so the people of a seed do not depend
        on what the other stages make of them."""
        if profile not in PROFILES:
            raise ValueError(profile)
        plan = self._plan(profile)
        self.progress = Progress(len(plan) * self.STEPS_PER_NODE + 1, self.progress_write)
        nodes: dict[str, Node] = {}
        for key, parent_key, name, level, code, size in plan:
            parent = nodes[parent_key].org if parent_key else None
            node = self._build_node(name, level, code, size, parent)
            nodes[key] = node
            if size.demo:
                self.demo_node = node
            if key == "c01":
                self.city_node = node
        # Higher-level members need the city and province nodes to exist.
        for key, _parent_key, _name, _level, _code, size in plan:
            if size.higher_level:
                self._higher_level_members(nodes[key], nodes, key)
        return nodes

    def _history(self, nodes: list[Node]) -> None:
        """Past years in bulk (demo.history), with a generator of its own so that the rest of
        the data set is the same with or without them."""
        from .history import HistoryBuilder

        write = self.progress_write
        started = time.monotonic()
        counts = HistoryBuilder(
            nodes=nodes,
            rng=random.Random(self.seed + 1),
            proposals=self.history_proposals,
            years=self.history_years,
            progress=(
                (
                    lambda place: write(
                        f"\r历史数据 {place:<24} {time.monotonic() - started:6.0f} 秒"
                    )
                )
                if write
                else None
            ),
        ).build()
        if write:
            write("\n")
        self.stats.history = counts
        self.stats.proposals += counts.get("proposals.Proposal", 0)

    def _plan(self, profile: str) -> list[tuple[str, str | None, str, str, str, Size]]:
        """(key, parent key, name, level, code, size) for every CPPCC node, parents first."""
        # Sizes from SPEC "Scale": a city ~650 members, a province ~35,000 in all.
        city_size = TREE_ONLY if profile == "district" else Size(members=650, departments=45)
        province_size = Size(members=800, departments=45) if profile == "province" else TREE_ONLY
        plan = [("p", None, data.PROVINCE_NAME, Level.PROVINCE, "990000", province_size)]
        cities = 15 if profile == "province" else 1
        districts_per_city = {"district": 1, "city": 10, "province": 8}[profile]
        for c in range(1, cities + 1):
            city_key = f"c{c:02d}"
            city_name = data.CITY_NAME if c == 1 else data.CITY_STEMS[c - 1] + "政协"
            plan.append((city_key, "p", city_name, Level.CITY, f"99{c:02d}00", city_size))
            for d in range(1, districts_per_city + 1):
                if c == 1 and d == 1:
                    name, size = data.DISTRICT_NAME, MAIN_DISTRICT
                else:
                    stems = data.DISTRICT_STEMS
                    name, size = stems[(c + d - 2) % len(stems)] + "政协", OTHER_DISTRICT
                    if c > 1:
                        # Across fifteen cities the made-up district names repeat; the
                        # city in front keeps them apart (江城市东湖区政协).
                        name = data.CITY_STEMS[c - 1] + name
                plan.append((f"{city_key}d{d:02d}", city_key, name, Level.DISTRICT,
                             f"99{c:02d}{d + 1:02d}", size))  # fmt: skip
        return plan

    def _build_node(self, name, level, code, size: Size, parent) -> Node:
        org = organisation_create(name=name, level=level, parent=parent, code=code)
        self.stats.organisations += 1
        place = name.removesuffix("政协")
        term = self._term(org, level)
        sectors = self._sectors(org)
        committees, groups = self._committees(org, size)
        node = Node(org, size, place, term, sectors, committees, groups, streets=[])
        self.progress.step(f"{place} 机构")
        if size.departments:
            self._departments(node)
        if size.streets:
            self._streets(node)
        self.progress.step(f"{place} 街道")
        if size.members:
            self._members(node)
        self.progress.step(f"{place} 委员")
        self.progress.step(f"{place} 完成")
        return node

    def _term(self, org: Organisation, level: str) -> Term:
        # Districts hold their plenary first each January, then the city, then the province.
        # The term is in its last year (its fifth session, the province's fourth) whenever
        # the demo is seeded: with fixed years it went stale, and from 2028 the demo's
        # current plenary was two years old.
        this_year = timezone.localdate().year
        if level == Level.PROVINCE:
            number, years, day = 13, range(this_year - 3, this_year + 1), 20
        elif level == Level.CITY:
            number, years, day = 15, range(this_year - 4, this_year + 1), 14
        else:
            number, years, day = 15, range(this_year - 4, this_year + 1), 6
        term = Term.objects.create(
            organisation=org, number=number, start_date=dt.date(years[0], 1, day)
        )
        sessions = []
        for n, year in enumerate(years, start=1):
            start = dt.date(year, 1, day + (n % 3))
            sessions.append(
                Session(
                    term=term,
                    number=n,
                    start_date=start,
                    end_date=start + dt.timedelta(days=3),
                    # Plenary proposals are accepted until the second day of the session.
                    proposal_deadline=working_day(start + dt.timedelta(days=1)),
                )
            )
        Session.objects.bulk_create(sessions)
        return term

    def _sectors(self, org: Organisation) -> dict[str, Sector]:
        rows = Sector.objects.bulk_create(
            [Sector(organisation=org, name=n, sort_order=i) for i, n in enumerate(data.SECTORS, 1)]
        )
        return {s.name: s for s in rows}

    def _committees(self, org, size: Size) -> tuple[list[Committee], list[ActivityGroup]]:
        committees = Committee.objects.bulk_create(
            [
                Committee(
                    organisation=org,
                    name=name,
                    kind=Committee.Kind.PROPOSAL if is_proposal else Committee.Kind.SPECIAL,
                    sort_order=i,
                )
                for i, (name, is_proposal) in enumerate(data.COMMITTEES, 1)
            ]
        )
        groups = []
        if size.members:
            groups = ActivityGroup.objects.bulk_create(
                [ActivityGroup(organisation=org, name=name) for name in data.ACTIVITY_GROUPS]
            )
        return committees, groups

    def _departments(self, node: Node) -> None:
        prefix = {"district": "区", "city": "市", "province": "省"}[node.org.level]
        names = []
        for name in data.DEPARTMENTS[: node.size.departments]:
            name = name.replace("示范区", node.place)
            if prefix != "区":
                name = name.replace("区", prefix, 1)
            names.append(name)
        # The official order is the order of the data list (government bodies first, then the
        # people's organisations); street offices follow them (see `_streets`).
        rows = [
            Department(
                organisation=node.org,
                name=name,
                remit=remit_of(name),
                leader_name=data.person_name(self.rng, self.rng.choice("MMMF")),
                phone=f"8{self.rng.randrange(10**7):07d}",
                sort_order=i,
            )
            for i, name in enumerate(names, start=1)
        ]
        Department.objects.bulk_create(rows)
        self.stats.departments += len(rows)

    def _streets(self, node: Node) -> None:
        rng = self.rng
        count = node.size.streets
        names = data.STREETS[:count]
        users, rooms, conveners, street_departments = [], [], [], []
        for i, name in enumerate(names, start=1):
            street = organisation_create(
                name=name, level=Level.STREET, parent=node.org, code=f"{node.org.code}{i:03d}",
                sort_order=i,
            )  # fmt: skip
            self.stats.organisations += 1
            node.streets.append(street)
            if i <= node.size.community_streets:
                for j, stem in enumerate(rng.sample(data.COMMUNITY_STEMS, 3), start=1):
                    organisation_create(
                        name=f"{stem}社区", level=Level.COMMUNITY, parent=street,
                        code=f"{street.code}{j:03d}", sort_order=j,
                    )  # fmt: skip
                    self.stats.organisations += 1
            # C5.6 check material: the last street has neither a liaison officer nor a room,
            # the one before it has an officer but no room yet.
            if i < count - 1:
                rooms.append(
                    LiaisonRoom(
                        street=street,
                        name=f"{name}政协委员联络室",
                        address=f"{node.place}{name}{rng.choice(data.ROADS)}{rng.randint(1, 99)}号",
                        opened_on=dt.date(2021, rng.randint(3, 12), rng.randint(1, 28)),
                    )
                )
            if i < count:
                username = "liaison" if (node.size.demo and i == 1) else f"liaison_{street.code}"
                gender = rng.choice("MF")
                users.append(
                    (
                        self._user(username, data.person_name(rng, gender), rng),
                        Role.LIAISON,
                        street,
                    )
                )
            conveners.append(
                StreetConvener(
                    street=street,
                    name=data.person_name(rng, rng.choice("MMF")),
                    title=f"{name}党工委副书记",
                )
            )
            if node.size.demo and i <= data.STREET_DEPARTMENTS:
                street_departments.append(
                    Department(
                        organisation=node.org,
                        name=f"{name}办事处",
                        remit=remit_of(f"{name}办事处"),
                        leader_name=data.person_name(rng, rng.choice("MMF")),
                        phone=f"8{rng.randrange(10**7):07d}",
                        sort_order=len(data.DEPARTMENTS) + i,
                    )
                )
        LiaisonRoom.objects.bulk_create(rooms)
        StreetConvener.objects.bulk_create(conveners)
        Department.objects.bulk_create(street_departments)
        self.stats.departments += len(street_departments)
        self._save_users(users)

    # --- people ---------------------------------------------------------------------
    def _user(self, username: str, full_name: str, rng: random.Random) -> User:
        return User(
            username=username,
            full_name=full_name,
            phone=data.mobile(rng),
            password=self.password_hash,
            password_changed_at=self.now,
            must_change_password=False,
        )

    def _save_users(self, rows: list[tuple[User, str, Organisation]]) -> None:
        users = User.objects.bulk_create([user for user, _role, _org in rows])
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=user, role=role, organisation=org)
                for user, (_u, role, org) in zip(users, rows, strict=True)
            ]
        )
        self.stats.users += len(users)

    def _affiliation(self) -> tuple[str, str]:
        """(party short name, sector name), weighted like a district committee: about 35 %
        CPC, 35 % democratic parties, 20 % non-party, the rest people's organisations."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.33:
            sector = "中共" if rng.random() < 0.4 else rng.choice(
                [*data.FIELD_SECTORS, "共青团", "工会", "妇联", "少数民族和宗教界", "特邀人士"]
            )  # fmt: skip
            return "中共", sector
        if roll < 0.68:
            party = data.weighted(rng, data.DEMOCRATIC_PARTIES)
            sector = party if rng.random() < 0.8 else rng.choice(data.FIELD_SECTORS)
            return party, sector
        if roll < 0.90:
            sector = "无党派人士" if rng.random() < 0.5 else rng.choice(
                [*data.FIELD_SECTORS, "少数民族和宗教界", "特邀人士"]
            )  # fmt: skip
            return "无党派", sector
        return rng.choice(data.PEOPLES_ORGS)

    def _person(self, node: Node, taken_names: set[str], taken_ids: set[str], party, sector):
        rng = self.rng
        gender = Gender.FEMALE if rng.random() < 0.33 else Gender.MALE
        minority_share = 0.7 if sector == "少数民族和宗教界" else 0.05
        ethnicity = rng.choice(data.MINORITIES) if rng.random() < minority_share else "汉族"
        for _attempt in range(50):
            name = data.person_name(rng, gender, ethnicity)
            if name not in taken_names:
                break
            if _attempt > 5:
                ethnicity = "汉族"  # the short lists of minority names are used up
        taken_names.add(name)
        birth = data.birth_date(rng)
        while True:
            number = data.id_number(rng, birth, gender)
            if number not in taken_ids:
                break
        taken_ids.add(number)
        street = rng.choice(node.streets) if node.streets else None
        street_name = street.name if street else rng.choice(data.STREETS)
        member = Member(
            organisation=node.org,
            name=name,
            gender=gender,
            ethnicity=ethnicity,
            birth_date=birth,
            id_number=number,
            phone=data.mobile(rng),
            address=data.home_address(rng, node.place, street_name),
            employer=data.employer(rng, sector, node.place, street_name),
            education=data.weighted(rng, data.EDUCATION),
            street=street,
        )
        member.refresh_sort_keys()
        return member

    def _categories(self, member: Member, party: str, sector: str) -> list[str]:
        rng = self.rng
        found = []
        non_cpc = party != "中共"
        if member.ethnicity != "汉族":
            found.append(Category.ETHNIC_MINORITY)
        if sector == "少数民族和宗教界" and rng.random() < 0.6:
            found.append(Category.RELIGIOUS)
        if non_cpc and sector in {"经济界", "工商联"}:
            found.append(Category.NON_PUBLIC_ECONOMY)
        elif non_cpc and member.education in {"研究生", "大学"}:
            found.append(Category.NON_PARTY_INTELLECTUAL)
        if (
            party == "无党派"
            and sector in {"经济界", "文化艺术界", "特邀人士"}
            and rng.random() < 0.5
        ):
            found.append(Category.NEW_SOCIAL_STRATA)
        if party == "致公党" or rng.random() < 0.03:
            found.append(Category.OVERSEAS_CHINESE)
        if rng.random() < 0.02:
            found.append(Category.HONG_KONG_MACAO)
        if rng.random() < 0.02:
            found.append(Category.TAIWAN)
        return found

    def _committee_for(self, node: Node, sector: str, party: str) -> Committee:
        by_name = {c.name: c for c in node.committees}
        preferred = {
            "经济界": "经济委员会",
            "工商联": "经济委员会",
            "教育界": "教科卫体委员会",
            "科技界": "教科卫体委员会",
            "医药卫生界": "教科卫体委员会",
            "文化艺术界": "文史和学习委员会",
            "农业界": "农业和农村委员会",
            "社会福利和社会保障界": "社会和法制委员会",
            "少数民族和宗教界": "民族和宗教委员会",
            "致公党": "港澳台侨和外事委员会",
        }.get(sector)
        if preferred and self.rng.random() < 0.7:
            return by_name[preferred]
        return self.rng.choice(node.committees)

    def _members(self, node: Node) -> None:
        rng = self.rng
        count = node.size.members
        taken_names: set[str] = set()
        taken_ids: set[str] = set()
        # The leadership first: chair, four vice-chairs, the secretary-general.
        leadership = [
            ("中共", "中共", "主席"),
            ("中共", "中共", "副主席"),
            ("中共", "中共", "副主席"),
            ("民盟", "民盟", "副主席"),
            ("民建", "民建", "副主席"),
            ("中共", "中共", "秘书长"),
        ]
        plan = [
            *leadership[: min(len(leadership), count)],
            *[(*self._affiliation(), "") for _ in range(count - len(leadership))],
        ]
        members, seats = [], []
        for party, sector, position in plan:
            member = self._person(node, taken_names, taken_ids, party, sector)
            if position in {"主席", "副主席", "秘书长"}:
                member.employer = f"{node.org.name}{position}"
            members.append(member)
            seats.append((party, sector, position))
        Member.objects.bulk_create(members)
        self.stats.members += len(members)
        node.chair = members[0]

        # Who is where: a few exits, a few members in no committee (C4.11), standing members.
        ordinary = list(range(len(leadership), count))
        exits = rng.sample(ordinary, 3 if count >= 100 else 1)
        rest = [i for i in ordinary if i not in exits]
        no_committee = rng.sample(rest, 3 if count >= 100 else 1)
        standing = set(rng.sample(rest, count // 7)) | set(range(len(leadership)))
        memberships, statuses = [], {}
        for position_in_exits, i in enumerate(exits):
            statuses[i] = (
                Membership.Status.REVOKED if position_in_exits == 2 else Membership.Status.RESIGNED
            )
        for i, (member, (party, sector, position)) in enumerate(zip(members, seats, strict=True)):
            status = statuses.get(i, Membership.Status.ACTIVE)
            membership = Membership(
                member=member,
                term=node.term,
                sector=node.sectors[sector],
                party=self.parties[party],
                is_standing=i in standing and status == Membership.Status.ACTIVE,
                position=position or ("常委" if i in standing else "委员"),
                status=status,
                activity_group=rng.choice(node.groups) if i != 0 else None,
            )
            if status == Membership.Status.RESIGNED:
                membership.status_changed_on = dt.date(
                    timezone.localdate().year - 2, rng.randint(2, 11), rng.randint(1, 28)
                )
                membership.status_reason = rng.choice(
                    ["工作调动，本人申请辞去委员职务", "因健康原因辞去委员职务"]
                )
            elif status == Membership.Status.REVOKED:
                membership.status_changed_on = dt.date(
                    timezone.localdate().year - 1, 6, rng.randint(1, 28)
                )
                membership.status_reason = "连续两次无故缺席全体会议，经常委会议决定撤销委员资格"
            memberships.append(membership)
        Membership.objects.bulk_create(memberships)

        through = Membership.committees.through
        links, categories = [], []
        for i, membership in enumerate(memberships):
            party, sector, _position = seats[i]
            if i not in no_committee:
                first = self._committee_for(node, sector, party)
                chosen = [first]
                if rng.random() < 0.15:
                    second = rng.choice(node.committees)
                    if second != first:
                        chosen.append(second)
                links += [through(membership_id=membership.pk, committee_id=c.pk) for c in chosen]
            for category in self._categories(membership.member, party, sector):
                categories.append(MembershipCategory(membership=membership, category=category))
        through.objects.bulk_create(links)
        MembershipCategory.objects.bulk_create(categories)

        # Group leaders: an active standing member of each group (the chair leads none).
        for group in node.groups:
            candidates = [
                m
                for i, m in enumerate(memberships)
                if m.activity_group_id == group.pk and m.is_standing and i >= len(leadership)
            ] or [
                m for m in memberships if m.activity_group_id == group.pk and m.status == "active"
            ]
            if candidates:
                group.leader = candidates[0].member
        ActivityGroup.objects.bulk_update(node.groups, ["leader"])
        node.memberships = memberships
        node.no_committee = {memberships[i].member_id for i in no_committee}

    def _higher_level_members(self, node: Node, nodes: dict[str, Node], key: str) -> None:
        """City and province members who live in this district, convened by its chair (C5.5)."""
        city, province = nodes[key[:3]], nodes["p"]
        hosts = [city] * (node.size.higher_level - node.size.higher_level // 3) + [province] * (
            node.size.higher_level // 3
        )
        taken_names = set(
            Member.objects.filter(organisation=node.org).values_list("name", flat=True)
        )
        created = []
        for host in hosts:
            party, sector = self._affiliation()
            member = self._person(node, taken_names, set(), party, sector)
            member.organisation = host.org
            created.append((member, host, party, sector))
        Member.objects.bulk_create([m for m, _h, _p, _s in created])
        self.stats.members += len(created)
        Membership.objects.bulk_create(
            [
                Membership(
                    member=m,
                    term=h.term,
                    sector=h.sectors[s],
                    party=self.parties[p],
                    position="委员",
                )
                for m, h, p, s in created
            ]
        )
        HigherLevelMember.objects.bulk_create(
            [
                HigherLevelMember(organisation=node.org, member=m, convener=node.chair)
                for m, _h, _p, _s in created
            ]
        )

    def _upper_levels(self, upper: list[Node]) -> None:
        """The city and province above the demo district, where they have no membership of
        their own (the district profile: their members are the few living in the district):
        a staff member for their first special committee, their members' duty records and
        their office's own follow-up tasks, by the district's demo builders. A generator of
        its own (as `_history`), so the district's data is the same with or without them."""
        from xieshang.duty import demo as duty_demo
        from xieshang.followups import demo as followups_demo
        from xieshang.meetings import demo as meetings_demo

        rng = random.Random(self.seed + 2)
        for node in upper:
            if node.size.members or not node.committees:
                continue
            committee = next(
                (c for c in node.committees if c.kind == Committee.Kind.SPECIAL),
                node.committees[0],
            )
            user = self._user(
                f"committee_{node.org.code}", data.person_name(rng, rng.choice("MF")), rng
            )
            user.save()
            RoleAssignment.objects.create(
                user=user, organisation=node.org, role=Role.COMMITTEE_STAFF, committee=committee
            )
            self.stats.users += 1
            meetings_demo.upper_level(organisation=node.org, rng=rng)
            duty_demo.upper_level(organisation=node.org, rng=rng)
            followups_demo.upper_level(organisation=node.org)

    def _age_inbox(self, keep: int = 5) -> None:
        """A year of work left hundreds of notices in some inboxes; a real user would have
        read all but the latest few."""
        from xieshang.core.models import Notification

        now = timezone.now()
        # A leave request decided in the demo was read by whoever decided it: its
        # 请假待审批 notice no longer waits, unread, in an approver's inbox.
        if find_spec("xieshang.meetings") is not None:
            from xieshang.meetings.models import LeaveRequest

            decided = LeaveRequest.objects.exclude(status=LeaveRequest.Status.PENDING)
            keys = [f"leave:{pk}:submitted" for pk in decided.values_list("pk", flat=True)]
            for start in range(0, len(keys), 500):
                Notification.objects.filter(
                    dedupe_key__in=keys[start : start + 500], read_at__isnull=True
                ).update(read_at=now)
        for user_id in Notification.objects.values_list("recipient_id", flat=True).distinct():
            newest = Notification.objects.filter(recipient_id=user_id).order_by(
                "-created_at", "-id"
            )[:keep]
            Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).exclude(
                pk__in=list(newest.values_list("pk", flat=True))
            ).update(read_at=now)

    def _demo_accounts(self) -> None:
        """The demo logins of `xieshang.demo.accounts()`: the demo district's roles, one street
        liaison, and the offices of the city and the province above the district."""
        node = self.demo_node
        rng = self.rng
        memberships = node.memberships
        departments = {d.name: d for d in Department.objects.filter(organisation=node.org)}
        committees = {c.name: c for c in node.committees}
        department = departments[data.DEMO_DEPARTMENT]
        group_leader = node.groups[0].leader
        ordinary = next(
            m.member
            for m in memberships[20:]
            if m.status == Membership.Status.ACTIVE
            and not m.is_standing
            and m.member_id != group_leader.pk
            and m.member_id not in node.no_committee
        )
        linked = {"chair": node.chair, "member": ordinary, "group_leader": group_leader}
        where = {
            "district": node.org,
            "city": self.city_node.org,
            "province": self.city_node.org.parent,
            "street": node.streets[0],
        }

        rows = []
        for username, role, place, _label in data.DEMO_ACCOUNTS:
            if username == "liaison":
                continue  # created with its street
            member = linked.get(username)
            if member is not None:
                full_name = member.name
            elif username == "dept_leader":
                full_name = department.leader_name
            else:
                full_name = data.person_name(rng, rng.choice("MF"))
            user = self._user(username, full_name, rng)
            if member is not None:
                user.phone = member.phone
            rows.append((user, role, where[place], member))
        users = User.objects.bulk_create([u for u, _r, _o, _m in rows])
        self.stats.users += len(users)

        assignments = []
        for user, (_u, role, org, member) in zip(users, rows, strict=True):
            extra = {}
            if role in {Role.DEPARTMENT, Role.DEPARTMENT_LEADER}:
                extra["department"] = department
            elif role == Role.PROPOSAL_COMMITTEE:
                extra["committee"] = committees["提案委员会"]
            elif role == Role.COMMITTEE_STAFF:
                extra["committee"] = committees[data.DEMO_COMMITTEE]
            assignments.append(RoleAssignment(user=user, organisation=org, role=role, **extra))
            if role == Role.GROUP_LEADER:
                # Group leaders are members too and act as one.
                assignments.append(RoleAssignment(user=user, organisation=org, role=Role.MEMBER))
            if member is not None:
                member.user = user
                member.save(update_fields=["user"])
            if role == Role.DEPARTMENT_LEADER:
                department.leader_user = user
                department.save(update_fields=["leader_user"])
        RoleAssignment.objects.bulk_create(assignments)


# Proposals of imported history (demo.history) each profile gets unless told otherwise: the
# province keeps ten years of ~30,000 a year (SPEC "Scale").
HISTORY_PROPOSALS = {"district": 0, "city": 0, "province": 300_000}


def seed_demo(
    *,
    profile: str,
    seed: int,
    progress_write: Callable[[str], None] | None = None,
    history_proposals: int | None = None,
    history_years: int = 10,
) -> Stats:
    """Build the demo data set for `profile` into an empty database, then give the planner
    statistics of what was written (PostgreSQL)."""
    from xieshang.core.db import analyze

    if history_proposals is None:
        history_proposals = HISTORY_PROPOSALS[profile]
    builder = DemoBuilder(
        seed=seed,
        progress_write=progress_write,
        history_proposals=history_proposals,
        history_years=history_years,
    )
    with transaction.atomic():
        stats = builder.build(profile)
    analyze()
    return stats


def database_is_empty() -> bool:
    return not Organisation.objects.exists()
