"""The follow-up queue's status filter read from the address: `status=` (the name other list
pages use) filters like `state=`, and a value the tabs do not offer is a 400 naming the
choices, not silently the 办理中 list."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.followups import test_leaders_offices_close as close
from xieshang.followups import services

pytestmark = pytest.mark.django_db
world = close.world


def _task(w, title, days):
    return services.task_open(
        organisation=w["org"],
        actor=w["office"],
        title=title,
        department=w["housing"],
        start_date=dt.date.today() - dt.timedelta(days=30),
        due_date=dt.date.today() + dt.timedelta(days=days),
    )


def test_status_overdue_lists_only_overdue_tasks(client, world):
    w = world
    late = _task(w, "已过期限的事项", -3)
    on_time = _task(w, "尚在期限内的事项", 20)
    client.force_login(w["office"])
    for query in ("?state=overdue", "?status=overdue"):
        response = client.get(reverse("followups:queue") + query)
        assert response.status_code == 200
        page = response.content.decode()
        assert reverse("followups:detail", args=[late.pk]) in page
        assert reverse("followups:detail", args=[on_time.pk]) not in page


def test_an_unknown_status_is_refused_with_the_choices(client, world):
    w = world
    client.force_login(w["office"])
    for query in ("?state=late", "?status=late"):
        response = client.get(reverse("followups:queue") + query)
        assert response.status_code == 400
        assert "已逾期（overdue）" in response.content.decode()


def test_the_choices_are_joined_in_the_readers_language(client, world):
    """In English the choices read "In progress (open), Overdue (overdue)…", not joined
    with the Chinese enumeration comma."""
    client.force_login(world["office"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("followups:queue") + "?state=late").content.decode()
    assert "choose one of: In progress (open), " in page
    assert "、" not in page.split("choose one of:")[1].split("</")[0]
