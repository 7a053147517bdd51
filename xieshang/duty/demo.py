"""Demo duty file data: the duty records of the term's finished years, this year's score
table, pending manual entries (one of them by the demo member account) and the discipline
cases the scan raises.

The other demos write this year's records through the services (meetings held, proposals
filed…). The finished years of the term have no meetings or proposals in the demo, so
`history` writes their records directly: each member keeps a habit over the years (most
are steady, a few very active, a few weak), which gives the spread of grades an office
sees in practice and therefore only a handful of discipline matters.
"""

import datetime as dt
import random

from django.utils import timezone

from xieshang.core import access
from xieshang.members.models import Member, Membership
from xieshang.members.selectors import exit_dates
from xieshang.orgs.models import Role

from . import selectors, services
from .models import DutyKind, DutyRecord

K = DutyKind
# Habit -> (share of members, {kind: (min, max) per year}). The counts are drawn per year
# within the range, so a steady member's score moves a little from year to year.
HABITS: list[tuple[str, float, dict[str, tuple[int, int]]]] = [
    (
        "active",
        0.12,
        {
            K.PLENARY_HALF_DAY: (5, 5),
            K.MEETING: (4, 7),
            K.TRAINING: (1, 2),
            K.PROPOSAL_FIRST: (1, 2),
            K.PROPOSAL_COSIGNER: (1, 3),
            K.OPINION_SUBMITTED: (1, 2),
            K.OPINION_ADOPTED: (0, 1),
            K.INSPECTION: (1, 2),
            K.SECTOR_CONTACT: (2, 5),
            K.PLENARY_SPEECH: (0, 1),
        },
    ),
    (
        "steady",
        0.45,
        {
            K.PLENARY_HALF_DAY: (4, 5),
            K.MEETING: (4, 5),
            K.TRAINING: (0, 1),
            K.PROPOSAL_FIRST: (1, 1),
            K.PROPOSAL_COSIGNER: (1, 2),
            K.OPINION_SUBMITTED: (0, 1),
            K.INSPECTION: (1, 1),
            K.SECTOR_CONTACT: (1, 2),
        },
    ),
    (
        "ordinary",
        0.37,
        {
            K.PLENARY_HALF_DAY: (4, 5),
            K.MEETING: (4, 6),
            K.TRAINING: (1, 1),
            K.PROPOSAL_COSIGNER: (2, 3),
            K.OPINION_SUBMITTED: (0, 1),
            K.INSPECTION: (1, 1),
            K.SECTOR_CONTACT: (0, 2),
            K.ABSENCE_UNEXCUSED: (0, 1),
        },
    ),
    # Around the pass mark: some years just 称职, some not.
    (
        "weak",
        0.04,
        {
            K.PLENARY_HALF_DAY: (3, 5),
            K.PLENARY_ABSENCE_EXCUSED: (0, 1),
            K.MEETING: (4, 7),
            K.TRAINING: (0, 1),
            K.PROPOSAL_COSIGNER: (1, 2),
            K.INSPECTION: (0, 1),
            K.ABSENCE_UNEXCUSED: (0, 2),
        },
    ),
    # Attends, but files neither proposals nor social-conditions items, year after year.
    (
        "idle",
        0.01,
        {
            K.PLENARY_HALF_DAY: (3, 5),
            K.MEETING: (2, 5),
            K.INSPECTION: (0, 1),
            K.ABSENCE_UNEXCUSED: (0, 2),
        },
    ),
]
# The five half-days of a plenary session, titled as the meetings app titles a sitting's
# record (meeting·sitting, demo/history.py PLENARY_SITTINGS): a member's annual report lists
# each half-day by its name, not five rows of the session's name.
HALF_DAYS = ("开幕会", "分组讨论", "联组讨论", "大会发言", "闭幕会")
TITLES = {
    K.MEETING: ["协商座谈会", "专委会调研座谈", "委员活动小组活动", "委员工作室接待日"],
    K.TRAINING: ["委员学习培训班", "委员履职能力专题培训"],
    K.PROPOSAL_FIRST: ["关于加强社区养老服务的建议", "关于优化营商环境的建议"],
    K.PROPOSAL_COSIGNER: ["关于推进垃圾分类的建议", "关于改善背街小巷环境的建议"],
    K.OPINION_SUBMITTED: ["关于校外培训监管的情况反映", "关于农贸市场改造的情况反映"],
    K.OPINION_ADOPTED: ["社情民意信息被区委办采用"],
    K.INSPECTION: ["河湖长制落实情况视察", "城市更新项目专题调研"],
    K.SECTOR_CONTACT: ["走访界别群众（界别群众3人）"],
    K.PLENARY_SPEECH: ["大会发言"],
    K.ABSENCE_UNEXCUSED: ["无故缺席协商座谈会", "无故缺席专委会活动"],
    K.PLENARY_ABSENCE_EXCUSED: ["请假缺席全体会议"],
}


def _habits(member_ids: list[int], rng: random.Random) -> dict[int, str]:
    """Give each member a habit in the shares of HABITS (rounded, at least one weak and one
    idle member in a committee of 5 or more), in a seeded random order. A city's handful
    of members living in the demo district are not made a quarter idle."""
    order = list(member_ids)
    rng.shuffle(order)
    least = 1 if len(order) >= 5 else 0
    counts = [max(least, round(share * len(order))) for _name, share, _kinds in HABITS]
    counts[1] += len(order) - sum(counts)  # the rest are steady
    out, i = {}, 0
    for (name, _share, _kinds), n in zip(HABITS, counts, strict=True):
        for mid in order[i : i + n]:
            out[mid] = name
        i += n
    return out


def _day(rng: random.Random, year: int) -> dt.date:
    day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(20, 350))
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def history(*, organisation, rng: random.Random) -> int:
    """Duty records of the finished years of the current term for its seated members, one
    row per fact (as the modules write them), bulk-written: a district term has ~20,000.
    Returns the number of rows."""
    term = selectors.current_term(organisation)
    today = timezone.localdate()
    if term is None:
        return 0
    seats = list(
        Membership.objects.filter(term=term, status=Membership.Status.ACTIVE)
        .select_related("member")
        .order_by("member_id")
    )
    habits = _habits([s.member_id for s in seats], rng)
    kinds_of = {name: kinds for name, _share, kinds in HABITS}
    sessions = {s.start_date.year: s for s in term.sessions.all()}
    # Facts the other demos already wrote for those years (last year's proposals…) count
    # towards the habit, so a member's year is not padded twice.
    already: dict[tuple[int, int, str], int] = {}
    for mid, day, kind in DutyRecord.objects.filter(
        organisation=organisation, date__year__gte=term.start_date.year, date__year__lt=today.year
    ).values_list("member_id", "date", "kind"):
        key = (mid, day.year, kind)
        already[key] = already.get(key, 0) + 1
    rows = []
    for year in range(term.start_date.year, today.year):
        selectors.ensure_rules(organisation, year)
        session = sessions.get(year)
        plenary = f"政协{organisation.name.removesuffix('政协')}{session}" if session else ""
        for seat in seats:
            member = seat.member
            for kind, (low, high) in kinds_of[habits[member.pk]].items():
                n = rng.randint(low, high) - already.get((member.pk, year, kind), 0)
                if kind == K.PLENARY_HALF_DAY:
                    if session is None:
                        continue
                    for k in range(n):
                        day = session.start_date + dt.timedelta(days=min(k // 2, 2))
                        title = f"{plenary}·{HALF_DAYS[k % len(HALF_DAYS)]}"
                        rows.append(_row(member, organisation, kind, day, title))
                    continue
                for _i in range(n):
                    title = rng.choice(TITLES[kind])
                    rows.append(_row(member, organisation, kind, _day(rng, year), title))
    DutyRecord.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _row(member, organisation, kind, day, title) -> DutyRecord:
    return DutyRecord(
        member=member,
        organisation=organisation,
        kind=kind,
        date=day,
        title=title[:200],
        source=DutyRecord.Source.IMPORTED,
    )


ENTRIES = [
    (
        DutyKind.SECTOR_CONTACT,
        "走访界别群众，听取小微企业融资意见（个体工商户6人）",
        "走访记录及照片3张",
    ),
    (DutyKind.INSPECTION, "参加社区养老服务中心调研", "调研通知及签到表"),
    (DutyKind.STUDIO, "委员工作室接待群众", "接待登记表"),
    (DutyKind.TRAINING, "参加市政协委员履职培训班", "培训结业证书"),
]


def build(*, organisation, rng: random.Random) -> None:
    today = timezone.localdate()
    history(organisation=organisation, rng=rng)
    selectors.ensure_rules(organisation, today.year)
    selectors.ensure_rules(organisation, today.year - 1)
    members = list(Member.objects.filter(organisation=organisation).order_by("pk")[:200])
    if not members:
        return
    demo_member = Member.objects.filter(organisation=organisation, user__username="member").first()
    # Members still in office report their own work: one who left cannot (refuse_after_exit).
    gone = exit_dates([m.pk for m in members])
    serving = [m for m in members if m.pk not in gone]
    authors = ([demo_member] if demo_member else []) + rng.sample(serving, min(3, len(serving)))
    for member, (kind, title, evidence) in zip(authors, ENTRIES, strict=False):
        services.manual_entry_submit(
            member=member,
            actor=member.user,
            kind=kind,
            # This year's: last year's commendation (below) has settled last year.
            date=max(today - dt.timedelta(days=rng.randint(3, 40)), dt.date(today.year, 1, 1)),
            title=title,
            evidence=evidence,
        )
    # What the daily scan does: the yearly rules judge last year (finished), the absence
    # rules this year so far.
    services.scan_discipline(organisation, today.year - 1)
    services.scan_discipline(organisation, today.year, yearly=False)
    # One revocation waiting for the chairman's meeting (C5.10).
    pending_exit(organisation)
    # Last year's other cases were talked through long ago: an office has one to three
    # cases open at a time (this year's absences), not a backlog.
    settle_last_year(organisation, today.year - 1)
    # Last year's commendation round, published (C5.8).
    from . import award_demo

    award_demo.build(organisation=organisation, rng=rng)


def pending_exit(organisation) -> None:
    """One revocation proposal waiting for the chairman's meeting (C5.10), so the demo shows
    the step: the office decides the most serious open case of a seated member without a
    login (never a demo account) as 建议撤销委员资格. Draws nothing from the demo's random
    generator: the demos after this one see the same sequence."""
    from .models import DisciplineCase

    Rule = DisciplineCase.Rule
    office = access.role_holders(organisation, Role.OFFICE).first()
    term = selectors.current_term(organisation)
    if office is None or term is None:
        return
    seated = Membership.objects.filter(term=term, status=Membership.Status.ACTIVE)
    cases = DisciplineCase.objects.filter(
        organisation=organisation,
        status=DisciplineCase.Status.OPEN,
        member__user__isnull=True,
        member_id__in=seated.values("member_id"),
    )
    for rule in (Rule.ABSENCE_WARNING, Rule.LOW_SCORE, Rule.NO_CONTRIBUTION):
        case = cases.filter(rule=rule).order_by("pk").first()
        if case is not None:
            services.case_decide(
                case_id=case.pk,
                actor=office,
                decision=DisciplineCase.Status.REVOCATION_PROPOSED,
                note="经约谈后仍未改进，建议提请主席会议撤销其委员资格。",
            )
            return


def settle_last_year(organisation, year: int) -> None:
    """The office decided `year`'s open cases (提醒谈话), through the service."""
    from .models import DisciplineCase

    office = access.role_holders(organisation, Role.OFFICE).first()
    if office is None:
        return
    for case in DisciplineCase.objects.filter(
        organisation=organisation, year=year, status=DisciplineCase.Status.OPEN
    ).order_by("pk"):
        services.case_decide(
            case_id=case.pk,
            actor=office,
            decision=DisciplineCase.Status.REMINDED,
            note="已由分管副主席约谈提醒，本人表示今后积极履职。",
        )


def upper_level(*, organisation, rng: random.Random) -> None:
    """A city's or province's own members in the district demo (the few living there): the
    finished years of the term as `history` writes the district's, this year's from the
    meetings the city held (`meetings.demo.upper_level`) and one contact the office entered,
    then last year's scan and settling, as `build` does for the district."""
    today = timezone.localdate()
    history(organisation=organisation, rng=rng)
    selectors.ensure_rules(organisation, today.year)
    office = access.role_holders(organisation, Role.OFFICE).first()
    member = Member.objects.filter(organisation=organisation).order_by("pk").first()
    if office is not None and member is not None:
        services.manual_entry_record(
            member=member,
            actor=office,
            kind=DutyKind.SECTOR_CONTACT,
            date=today - dt.timedelta(days=rng.randint(10, 60)),
            title="走访界别群众，听取基层医疗服务意见（界别群众5人）",
            evidence="走访记录",
        )
    services.scan_discipline(organisation, today.year - 1)
    settle_last_year(organisation, today.year - 1)
