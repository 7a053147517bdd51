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
    # Two issues, numbered from 1 in their year (early in January the first is last year's).
    by_year: dict[int, list[int]] = {}
    for year, number in Issue.objects.order_by("year", "number").values_list("year", "number"):
        by_year.setdefault(year, []).append(number)
    assert sum(map(len, by_year.values())) == 2
    assert all(numbers == list(range(1, len(numbers) + 1)) for numbers in by_year.values())
    reported = Opinion.objects.filter(status=Opinion.Status.REPORTED)
    # All went to the district's Party committee; the city keeps those it did not return.
    assert reported.exists() and all(o.reported_to_party for o in reported)
    assert [o.reported_to for o in reported.order_by("pk")] == [world["city"]] * (
        reported.count() - 1
    ) + [None]
    assert Task.objects.filter(kind=Task.Kind.INSTRUCTION).count() >= 2
    # Running it again adds nothing.
    demo.build(organisation=world["district"], rng=random.Random(3))
    assert Opinion.objects.count() == 11
