"""The home page's badges: `dashboard.counts` asks several counts in one statement and must
give what `.count()` gives for each, whatever the queryset's shape."""

import pytest
from django.db.models import Count, Q

from tests.factories import make_org, user_with_role
from xieshang.core.dashboard import counts
from xieshang.core.models import User
from xieshang.orgs.models import Level, Organisation, Role

pytestmark = pytest.mark.django_db


def test_each_count_is_the_querysets_own_count():
    city = make_org("市政协", Level.CITY)
    a = make_org("甲区政协", parent=city)
    b = make_org("乙区政协", parent=city)
    for role in (Role.OFFICE, Role.MEMBER, Role.MEMBER):
        user_with_role(role, a)
    user_with_role(Role.PROPOSAL_COMMITTEE, b)
    two_roles = user_with_role(Role.OFFICE, b)
    two_roles.role_assignments.create(organisation=a, role=Role.PROPOSAL_COMMITTEE)

    querysets = [
        User.objects.all(),
        User.objects.filter(role_assignments__organisation=a),
        # A join that repeats rows, made distinct: the user with two roles counts once.
        User.objects.filter(role_assignments__organisation__parent=city).distinct(),
        User.objects.filter(role_assignments__organisation__parent=city),
        User.objects.order_by("pk")[1:3],
        User.objects.annotate(n=Count("role_assignments")).filter(n__gte=2),
        Organisation.objects.filter(Q(parent=city) | Q(pk=city.pk)),
        User.objects.none(),
        User.objects.filter(pk__in=[]),
    ]
    expected = [qs.count() for qs in querysets]
    assert expected == [5, 4, 5, 6, 2, 1, 3, 0, 0]  # the data is what the cases need
    assert counts(*querysets) == expected
