import random

import pytest

from tests.factories import user_with_role
from xieshang.orgs.models import Role
from xieshang.residents import demo, selectors
from xieshang.residents.models import ResidentIssue

pytestmark = pytest.mark.django_db


def test_it_builds_issues_in_every_state_some_overdue_and_rated(world):
    user_with_role(Role.DEPARTMENT, world["district"], department=world["dept"], username="dept")
    demo.build(organisation=world["district"], rng=random.Random(3))
    states = set(ResidentIssue.objects.values_list("status", flat=True))
    assert states == set(ResidentIssue.Status.values)
    assert selectors.overdue(ResidentIssue.objects.all()).exists()
    assert ResidentIssue.objects.exclude(rating="").exists()
    assert ResidentIssue.objects.filter(screen_spam=True).exists()
    count = ResidentIssue.objects.count()
    demo.build(organisation=world["district"], rng=random.Random(3))
    assert ResidentIssue.objects.count() == count  # running it again adds nothing
