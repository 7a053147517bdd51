import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import make_org, user_with_role
from tests.opinions.factories import member_user
from xieshang.orgs.models import Level, LiaisonRoom, Role
from xieshang.platforms import services


@pytest.fixture
def world(db):
    city = make_org("示范市政协", Level.CITY)
    district = make_org("示范区政协", Level.DISTRICT, parent=city)
    street = make_org("城关街道", Level.STREET, parent=district)
    other_street = make_org("东城街道", Level.STREET, parent=district)
    community = make_org("花园社区", Level.COMMUNITY, parent=street)
    other_district = make_org("邻区政协", Level.DISTRICT, parent=city)
    far_street = make_org("邻区街道", Level.STREET, parent=other_district)
    room = LiaisonRoom.objects.create(street=street, name="城关街道政协委员联络室")
    return {
        "city": city,
        "district": district,
        "street": street,
        "other_street": other_street,
        "community": community,
        "other_district": other_district,
        "far_street": far_street,
        "room": room,
        "office": user_with_role(Role.OFFICE, district, full_name="区政协办"),
        "liaison": user_with_role(Role.LIAISON, street, full_name="城关联络员"),
        "other_liaison": user_with_role(Role.LIAISON, other_street, full_name="东城联络员"),
        "other_office": user_with_role(Role.OFFICE, other_district, full_name="邻区政协办"),
        "chair": user_with_role(Role.CHAIR, district, full_name="区政协主席"),
        "member": member_user(district, name="张委员"),
        "other_member": member_user(district, name="李委员"),
    }


def make_platform(world, *, organisation=None, status="running", convener=None, **kwargs):
    kwargs.setdefault("name", "城关街道协商议事室")
    # Set up since the start of last year: sessions entered afterwards (as far back as the
    # services allow) are not dated before the platform existed.
    kwargs.setdefault("on", dt.date(timezone.localdate().year - 1, 1, 1))
    return services.platform_create(
        organisation=organisation or world["street"],
        actor=world["office"],
        status=status,
        convener=convener,
        convener_name="" if convener else "王书记",
        **kwargs,
    )


def make_session(world, platform, *, days_ago: int = 2, **kwargs):
    kwargs.setdefault("title", "关于加装电梯的议事会")
    return services.session_plan(
        platform=platform,
        actor=world["office"],
        starts_at=timezone.now() - dt.timedelta(days=days_ago),
        **kwargs,
    )


def hold(world, session, *, actor=None, attendance=None, **kwargs):
    kwargs.setdefault("minutes", "居民代表王秀英反映加装电梯问题，联系电话13812345678。")
    kwargs.setdefault("outcomes", [("按楼层分摊费用", "社区居委会")])
    kwargs.setdefault("resident_count", 5)
    kwargs.setdefault("resident_names", "王秀英、李建国")
    session.refresh_from_db()
    return services.session_record(
        session=session,
        actor=actor or world["office"],
        expected_version=session.version,
        attendance=attendance or {},
        **kwargs,
    )
