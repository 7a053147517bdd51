"""The search index after `seed_demo`: every profile leaves it complete, so the office finds
a demo member by full name (the members are written in bulk, without the save signals that
index them)."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from tests.demodata import demo  # noqa: F401 - a module fixture
from xieshang.core.models import User
from xieshang.demo.seed import Stats
from xieshang.members.models import Member
from xieshang.orgs.models import Organisation
from xieshang.textsim import index
from xieshang.textsim.models import SearchEntry

pytestmark = pytest.mark.django_db


def unindexed() -> dict[str, int]:
    """Registered kinds with rows that have no index entry, and how many."""
    missing = {}
    for spec in index.specs():
        ct = ContentType.objects.get_for_model(spec.model)
        entries = {
            str(pk)
            for pk in SearchEntry.objects.filter(content_type=ct).values_list(
                "object_id", flat=True
            )
        }
        rows = {str(pk) for pk in spec.model._default_manager.values_list("pk", flat=True)}
        if rows - entries:
            missing[spec.label] = len(rows - entries)
    return missing


@pytest.mark.usefixtures("demo")
def test_the_district_demo_finds_a_member_by_full_name(client):
    assert unindexed() == {}
    member = Member.objects.filter(organisation__name="示范区政协").order_by("pk")[5]
    client.force_login(User.objects.get(username="office"))
    page = client.get("/members/", {"q": member.name}).content.decode()
    assert "共 0 名" not in page
    assert f"/members/{member.pk}/" in page


@pytest.mark.parametrize("profile", ["district", "city", "province"])
def test_every_profile_rebuilds_the_index_even_without_history(monkeypatch, profile):
    """The province without history (`--proposals 0`) and the smaller profiles write their
    members in bulk as well: the command rebuilds the index whatever the profile."""
    from xieshang.demo.management.commands import seed_demo as command

    def bulk_seed(*, profile, **kwargs):
        org = Organisation.objects.create(name="演示政协", level="district")
        Member.objects.bulk_create([Member(organisation=org, name="欧阳建国")])
        return Stats()

    monkeypatch.setattr(command, "seed_demo", bulk_seed)
    monkeypatch.setattr(command, "database_is_empty", lambda: True)
    call_command("seed_demo", profile=profile, stdout=io.StringIO())
    assert unindexed() == {}


def test_the_seed_keeps_no_index_on_each_save_and_indexes_everything_at_its_end(monkeypatch):
    """Each demo proposal is saved a dozen times on its way through the services: the
    command pauses the upkeep while it seeds and rebuilds the index once at the end."""
    from xieshang.demo.management.commands import seed_demo as command

    seen = {}

    def seed(*, profile, **kwargs):
        before = SearchEntry.objects.count()
        seen["org"] = Organisation.objects.create(name="演示政协", level="district")
        member = Member.objects.create(organisation=seen["org"], name="欧阳建国")
        member.name = "欧阳建华"
        member.save()  # a save through the signals, as the services' saves are
        seen["member"] = member
        seen["written"] = SearchEntry.objects.count() - before
        return Stats()

    monkeypatch.setattr(command, "seed_demo", seed)
    monkeypatch.setattr(command, "database_is_empty", lambda: True)
    call_command("seed_demo", profile="district", stdout=io.StringIO())
    assert seen["written"] == 0
    assert unindexed() == {}

    def entry_is_current(member) -> bool:
        spec = index.spec_for(Member)
        ct = ContentType.objects.get_for_model(Member)
        found = SearchEntry.objects.filter(content_type=ct, object_id=member.pk).first()
        return found is not None and found.digest == index.text_digest(
            *index.raw_text(spec, member)
        )

    assert entry_is_current(seen["member"])
    # After the seed, saves keep the index current again.
    assert entry_is_current(Member.objects.create(organisation=seen["org"], name="司马光明"))
