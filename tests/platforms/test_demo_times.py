"""The demo's platform sessions meet at hours residents meet (09:00 to 19:30 local), not at
the seeding moment's minute shifted by whole hours (01:01 showed on the portal)."""

import random

import pytest
from django.utils import timezone

from tests.factories import MemberFactory, TermFactory, make_org, seat
from xieshang.orgs.models import Level
from xieshang.platforms import demo
from xieshang.platforms.models import PlatformSession

pytestmark = pytest.mark.django_db


def test_demo_sessions_start_at_daytime_or_evening_hours(world):
    for name in ("东湖街道", "西园街道", "南山街道"):
        street = make_org(name, Level.STREET, parent=world["district"])
        make_org(f"{name[:2]}社区", Level.COMMUNITY, parent=street)
    term = TermFactory(organisation=world["district"])
    for member in [world["member"], *MemberFactory.create_batch(7, organisation=world["district"])]:
        seat(member, term)
    demo.build(organisation=world["district"], rng=random.Random(5))
    sessions = list(PlatformSession.objects.all())
    assert sessions
    for session in sessions:
        local = timezone.localtime(session.starts_at)
        assert (local.hour, local.minute) in {
            (9, 0),
            (14, 0),
            (15, 0),
            (19, 0),
            (9, 30),
            (14, 30),
            (19, 30),
        }, (session.title, local)
    assert any(s.starts_at > timezone.now() for s in sessions)
