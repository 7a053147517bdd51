"""The issue's history names the resident, not 系统, for the steps they took themselves
(their rating, their portal submission): 群众, with the name they left masked."""

import pytest
from django.urls import reverse

from tests.residents.conftest import accepted
from xieshang.core.models import Event
from xieshang.residents import services

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]


def _rated(world, **kwargs):
    issue, _code = accepted(world, **kwargs)
    services.issue_close(issue=issue, actor=world["liaison"], reply="已修复。")
    issue.refresh_from_db()
    services.issue_rate(issue=issue, rating="satisfied")
    return issue


def test_the_residents_rating_is_shown_as_theirs_with_the_name_masked(client, world):
    issue = _rated(world, resident_name="王阿姨")
    rate = Event.objects.get(verb="resident_issue.rate")
    assert rate.actor is None and rate.actor_name == "群众（王**）"
    assert Event.objects.get(verb="resident_issue.create").actor_name == "群众（王**）"
    client.force_login(world["liaison"])
    history = client.get(issue.get_absolute_url()).content.decode().split('id="history"')[1]
    assert "群众（王**）" in history and "系统" not in history and "王阿姨" not in history


def test_a_resident_without_a_name_is_群众(world):
    _rated(world)
    assert Event.objects.get(verb="resident_issue.rate").actor_name == "群众"


def test_staff_entries_keep_the_staff_member_as_actor(world):
    services.issue_record(
        actor=world["liaison"],
        organisation=world["community"],
        title="楼道堆物",
        description="三单元楼道堆满杂物。",
        resident_name="李师傅",
    )
    assert Event.objects.get(verb="resident_issue.create").actor == world["liaison"]


def test_the_english_page_names_the_resident_too(client, world):
    issue = _rated(world)
    client.force_login(world["liaison"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("residents:detail", args=[issue.pk])).content.decode()
    assert "System" not in page.split('id="history"')[1]


def test_the_english_history_names_the_resident_in_english(client, world):
    """The English history read "群众（王**） · Resident's rating": the resident's name in
    words was stored in Chinese only. The trail keeps it as written; the page shows it in
    the reader's language."""
    issue = _rated(world, resident_name="王阿姨")
    client.force_login(world["liaison"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("residents:detail", args=[issue.pk])).content.decode()
    history = page.split('id="history"')[1]
    assert "Resident (王**)" in history and "群众" not in history
    assert Event.objects.get(verb="resident_issue.rate").actor_name == "群众（王**）"
