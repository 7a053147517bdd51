import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import make_org, user_with_role
from tests.opinions.factories import member_user
from xieshang.budgets import services
from xieshang.consultation import services as consultation
from xieshang.meetings import services as meetings
from xieshang.meetings.models import MeetingKind
from xieshang.orgs.models import Level, LiaisonRoom, Role

YEAR = timezone.localdate().year


def early(month: int = 1, day: int = 10) -> dt.date:
    """A day of this year no later than today."""
    return min(dt.date(YEAR, month, day), timezone.localdate())


@pytest.fixture
def world(db):
    city = make_org("示范市政协", Level.CITY)
    district = make_org("示范区政协", Level.DISTRICT, parent=city)
    street = make_org("城关街道", Level.STREET, parent=district)
    other = make_org("邻区政协", Level.DISTRICT, parent=city)
    room = LiaisonRoom.objects.create(street=street, name="城关街道政协委员联络室")
    office = user_with_role(Role.OFFICE, district, full_name="区政协办")
    w = {
        "city": city,
        "district": district,
        "street": street,
        "other": other,
        "room": room,
        "office": office,
        "chair": user_with_role(Role.CHAIR, district, full_name="区政协主席"),
        "supervisor": user_with_role(Role.SUPERVISOR, district, full_name="督查考核办"),
        "committee_staff": user_with_role(Role.COMMITTEE_STAFF, district, full_name="专委会"),
        "department": user_with_role(Role.DEPARTMENT, district, full_name="教育局经办"),
        "member": member_user(district, name="张委员").user,
        "other_office": user_with_role(Role.OFFICE, other, full_name="邻区政协办"),
        "city_office": user_with_role(Role.OFFICE, city, full_name="市政协办"),
    }
    w["activity"] = consultation.activity_create(
        organisation=district,
        actor=office,
        title="优化营商环境专题协商会",
        form="special",
        date=early(3, 15),
        place="区政协会议室",
    )
    start = timezone.make_aware(dt.datetime.combine(early(2, 20), dt.time(9)))
    w["training"] = meetings.meeting_create(
        organisation=district,
        actor=office,
        kind=MeetingKind.TRAINING,
        title="委员学习培训班",
        start=start,
        end=start + dt.timedelta(hours=3),
        location="区委党校",
    )
    return w


def make_line(w, *, planned="10000", **kwargs):
    kwargs.setdefault("organisation", w["district"])
    if not {"activity", "training", "liaison_room"} & set(kwargs):
        kwargs.setdefault("category", "other")
        kwargs.setdefault("item", "委员履职手册印制")
    return services.line_create(
        actor=kwargs.pop("actor", w["office"]), year=YEAR, planned=Decimal(planned), **kwargs
    )


def spend(w, line, amount, *, purpose="会务费", **kwargs):
    return services.spending_add(
        line=line,
        actor=w["office"],
        date=kwargs.pop("date", early()),
        amount=Decimal(amount),
        purpose=purpose,
        **kwargs,
    )
