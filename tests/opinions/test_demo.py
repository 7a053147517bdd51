import random

import pytest

from tests.factories import DepartmentFactory, user_with_role
from xieshang.followups.models import Task
from xieshang.opinions import demo
from xieshang.opinions.models import Issue, Opinion
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


def test_it_builds_items_in_every_state_with_issues_adoptions_and_an_instruction(world):
    DepartmentFactory(organisation=world["district"], name="区民政局")
    user_with_role(Role.GOVERNMENT_OFFICE, world["district"])
    demo.build(organisation=world["district"], rng=random.Random(3))
    states = set(Opinion.objects.values_list("status", flat=True))
    assert states == set(Opinion.Status.values)
    assert list(Issue.objects.order_by("number").values_list("number", flat=True)) == [1, 2]
    reported = Opinion.objects.filter(status=Opinion.Status.REPORTED)
    # All went to the district's Party committee; the city keeps those it did not return.
    assert reported.exists() and all(o.reported_to_party for o in reported)
    assert [o.reported_to for o in reported.order_by("pk")] == [world["city"]] * (
        reported.count() - 1
    ) + [None]
    assert Task.objects.filter(kind=Task.Kind.INSTRUCTION).count() >= 2
    # Running it again adds nothing.
    demo.build(organisation=world["district"], rng=random.Random(3))
    assert Opinion.objects.count() == 10
