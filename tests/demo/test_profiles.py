"""Determinism (same seed, same people) and the larger profiles."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.demodata import DEMO_SEED, seed_demo_data
from xieshang.members.models import Member
from xieshang.orgs.models import Level, Organisation

pytestmark = pytest.mark.django_db


def seed_and_read(seed: int, *, fresh: bool = True) -> list[tuple[str, str, str]]:
    """Seed inside a savepoint, read the members in creation order, roll back. `fresh=False`
    takes the seed's rows from the tests' copy of an earlier run in this process, if any."""
    with transaction.atomic():
        if fresh:
            call_command("seed_demo", profile="district", seed=seed, stdout=io.StringIO())
        else:
            seed_demo_data("district", seed)
        people = list(Member.objects.order_by("pk").values_list("name", "id_number", "employer"))
        transaction.set_rollback(True)
    return people


def test_it_gives_the_same_members_for_the_same_seed_and_others_for_another():
    # One run may come from the copy that other modules share: it was made by a seed_demo
    # run of its own, so comparing it with a fresh run still compares two runs.
    first = seed_and_read(DEMO_SEED, fresh=False)
    assert Member.objects.count() == 0
    second = seed_and_read(DEMO_SEED)
    assert len(first) > 200
    assert first == second
    names = {name for name, _id, _employer in first}
    other = {name for name, _id, _employer in seed_and_read(DEMO_SEED + 1)}
    assert len(names & other) < len(names) // 2


def test_it_builds_the_city_profile_with_ten_districts_around_the_demo_district():
    with transaction.atomic():
        seed_demo_data("city", DEMO_SEED)  # the permission matrix's city, when it ran here
        city = Organisation.objects.get(name="示范市政协")
        districts = Organisation.objects.filter(parent=city, level=Level.DISTRICT)
        assert districts.count() == 10
        assert districts.filter(name="示范区政协").exists()
        # Every node went through organisation_create, so the tree path is set.
        assert not Organisation.objects.filter(path="").exists()
        assert Organisation.objects.filter(path__startswith=city.path).count() > 60
        assert Member.objects.filter(organisation=city).count() >= 600
        assert Member.objects.filter(organisation__in=districts).count() >= 1800
        transaction.set_rollback(True)
