"""Demo data of nominations: a draft by-election (增补) in the demo district with a seat in
each candidate's sector and one for the non-public-economy category, and four candidates of
both departments, each in the sector of their party or field:
one completed by the organisation department, one completed by the united front department
after its consultation with the 工商联, one democratic-party candidate waiting for the
consultation record (C5.2), one just nominated. Written through the services."""

import datetime as dt
import random

from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.models import User
from xieshang.members.models import Category, Gender
from xieshang.orgs.models import Party, Sector

from . import services
from .models import NominationRound, RoundKind

PEOPLE = [
    # name, gender, born, employer, party short name, sector, categories, consultation,
    # complete
    ("王立新", Gender.MALE, 1979, "区第一人民医院副院长", "中共", "中共", [], None, True),
    (
        "卢晓芸",
        Gender.FEMALE,
        1984,
        "区新材料科技有限公司董事长",
        "无党派",
        "经济界",
        [Category.NON_PUBLIC_ECONOMY.value],
        ("区工商联", "区工商联同意提名，认为该同志热心公益、企业经营规范。"),
        True,
    ),
    ("刘佳宁", Gender.FEMALE, 1986, "区实验中学教师", "民盟", "民盟", [], None, False),
    ("邹文博", Gender.MALE, 1975, "区律师协会副会长", "无党派", "无党派人士", [], None, False),
]


def build(*, organisation, rng: random.Random) -> None:
    names = ["office", "orgdept", "ufwd"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    wanted = {row[5] for row in PEOPLE}
    sectors = {s.name: s for s in Sector.objects.filter(organisation=organisation, name__in=wanted)}
    if len(users) < 3 or len(sectors) < len(wanted) or not organisation.terms.exists():
        return
    if NominationRound.objects.filter(organisation=organisation).exists():
        return
    today = timezone.localdate()
    office = users["office"]
    round = services.round_create(
        organisation=organisation,
        kind=RoundKind.BY_ELECTION,
        title=_("%(year)s年增补委员提名") % {"year": today.year},
        effective_date=today + dt.timedelta(days=30),
        note=_("拟在常委会会议上增补委员4名。"),
        actor=office,
    )
    services.seats_set(
        round=round,
        actor=office,
        sectors={s.pk: 1 for s in sectors.values()},
        categories={Category.NON_PUBLIC_ECONOMY.value: 1},
    )
    parties = {p.short_name: p for p in Party.objects.all()}
    for name, gender, born, employer, party, sector, cats, consult, complete in PEOPLE:
        actor = users["orgdept"] if party == "中共" else users["ufwd"]
        candidate = services.candidate_nominate(
            round=round,
            actor=actor,
            party=parties[party],
            sector=sectors[sector],
            person={
                "name": name,
                "gender": gender,
                "birth_date": dt.date(born, rng.randint(1, 12), rng.randint(1, 28)),
                "employer": employer,
                "education": _("大学本科"),
            },
            categories=cats,
            reason=_("政治坚定，热心公益，在本界别有较好的代表性。"),
        )
        if consult:
            services.consultation_record(
                candidate=candidate,
                actor=actor,
                consulted_with=consult[0],
                consulted_on=today,  # not before the round was opened (today)
                note=consult[1],
            )
        if complete:
            services.candidate_complete(candidate=candidate, actor=actor)
