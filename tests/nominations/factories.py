"""A committee with a term, its sectors, an office clerk, the two nominating departments and
a chair, and helpers that nominate through the services."""

import datetime as dt
from dataclasses import dataclass

from tests.factories import (
    MemberFactory,
    SectorFactory,
    TermFactory,
    make_org,
    seat,
    user_with_role,
)
from xieshang.nominations import services
from xieshang.nominations.models import RoundKind
from xieshang.orgs.models import Party, Role


@dataclass
class World:
    org: object
    term: object
    sectors: list
    office: object
    orgdept: object
    ufwd: object
    chair: object


def world(parent=None) -> World:
    org = make_org(parent=parent)
    term = TermFactory(organisation=org, start_date=dt.date(2022, 1, 10))
    sectors = [
        SectorFactory(organisation=org, name=n, sort_order=i)
        for i, n in enumerate(["中共界", "经济界", "教育界"])
    ]
    return World(
        org=org,
        term=term,
        sectors=sectors,
        office=user_with_role(Role.OFFICE, org),
        orgdept=user_with_role(Role.ORGANISATION_DEPT, org),
        ufwd=user_with_role(Role.UNITED_FRONT, org),
        chair=user_with_role(Role.CHAIR, org),
    )


def party(short: str) -> Party:
    return Party.objects.get(short_name=short)


def open_round(w: World, kind=RoundKind.NEW_TERM, **kwargs):
    kwargs.setdefault("effective_date", dt.date(2027, 1, 10))
    kwargs.setdefault("title", "第十六届委员提名" if kind == RoundKind.NEW_TERM else "增补委员提名")
    return services.round_create(organisation=w.org, kind=kind, actor=w.office, **kwargs)


def person(name: str, gender="F", born=1980, **kwargs) -> dict:
    return {"name": name, "gender": gender, "birth_date": dt.date(born, 5, 1), **kwargs}


def nominate(
    w: World,
    round,
    short: str,
    name: str = "",
    *,
    sector=None,
    member=None,
    categories=None,
    **kwargs,
):
    p = party(short)
    actor = w.orgdept if p.kind == Party.Kind.CPC else w.ufwd
    return services.candidate_nominate(
        round=round,
        actor=actor,
        party=p,
        sector=sector or w.sectors[0],
        member=member,
        person=None if member else person(name, **kwargs),
        categories=categories,
    )


def sitting_member(w: World, name: str, short: str = "无党派"):
    member = MemberFactory(organisation=w.org, name=name)
    seat(member, w.term, party=party(short), sector=w.sectors[1])
    return member
