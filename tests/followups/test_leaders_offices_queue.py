"""The Party committee's and government's offices find on the follow-up queue's decision
tabs (已反馈待确认, 待审批延期) and on their home page the tasks they decide (those set by
the leaders' instructions their office recorded), not every task of their organisation;
the CPPCC office's queue is as before."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.followups import test_leaders_offices_close as close
from xieshang.followups import services
from xieshang.followups.models import Task
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db
world = close.world
_answered, _instructed = close._answered, close._instructed


def _other_submitted(w) -> Task:
    """A task of the organisation the Party office did not set: the CPPCC office's own."""
    task = services.task_open(
        organisation=w["org"],
        actor=w["office"],
        title="政协交办的事项",
        department=w["housing"],
        due_date=dt.date.today() + dt.timedelta(days=20),
    )
    return _answered(w, task)


def _rows(client, user, query="?state=submitted") -> str:
    client.force_login(user)
    response = client.get(reverse("followups:queue") + query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.clause("C4.7")
def test_the_party_office_feedback_tab_lists_what_it_decides_first(client, world):
    w = world
    [ours] = _instructed(w)
    _answered(w, ours)
    other = _other_submitted(w)
    page = _rows(client, w["party_colleague"])
    assert "本机关交办" in page
    assert reverse("followups:detail", args=[ours.pk]) in page
    assert reverse("followups:detail", args=[other.pk]) not in page
    # The whole organisation's list is one click away.
    page = _rows(client, w["party_colleague"], "?state=submitted&scope=all")
    assert reverse("followups:detail", args=[other.pk]) in page
    assert reverse("followups:detail", args=[ours.pk]) in page
    # The government office did not record it: nothing of the Party office's is its to decide.
    page = _rows(client, w["gov_office"])
    assert reverse("followups:detail", args=[ours.pk]) not in page
    # The CPPCC office's tab is unchanged: every submitted task, no scope switch.
    page = _rows(client, w["office"])
    assert "本机关交办" not in page
    assert reverse("followups:detail", args=[ours.pk]) in page
    assert reverse("followups:detail", args=[other.pk]) in page


@pytest.mark.clause("C4.7")
def test_the_party_office_home_page_counts_the_feedback_and_extensions_it_decides(client, world):
    w = world
    first, second = _instructed(w, departments=[w["housing"]], offices=[Role.GOVERNMENT_OFFICE])
    _answered(w, first)
    services.extension_request(
        task=second,
        actor=w["gov_office"],
        requested_due=second.due_date + dt.timedelta(days=10),
        reason="需会同多部门研究",
    )
    _other_submitted(w)
    client.force_login(w["party_colleague"])
    home = client.get("/").content.decode()
    assert "本机关交办事项待处理" in home
    assert "1项已反馈待确认办结" in home and "1项申请延期待审批" in home
    # The government office answers the second task and decides none of them.
    client.force_login(w["gov_office"])
    assert "本机关交办事项待处理" not in client.get("/").content.decode()
    client.force_login(w["office"])
    assert "本机关交办事项待处理" not in client.get("/").content.decode()
