"""The nominations pages search members and committees on the server (issue 14): the page
lists none, the picker finds them within the user's scope, and a choice from outside is
refused with what was typed kept."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MemberFactory, TermFactory, make_org, seat
from xieshang.members.models import Membership
from xieshang.nominations.models import NominationRound

from .factories import open_round, party, world

pytestmark = pytest.mark.django_db


def ask(client, source, status=200, **params):
    response = client.get(f"/pickers/{source}/", params)
    assert response.status_code == status, response.status_code
    return [row["text"] for row in response.json()["results"]] if status == 200 else None


def test_the_candidate_form_searches_the_rounds_members(client):
    w = world()
    r = open_round(w)
    MemberFactory(organisation=w.org, name="孙续")
    outsider = MemberFactory(organisation=make_org("另一区政协"), name="孙外")
    client.force_login(w.ufwd)
    page = client.get(f"/nominations/{r.pk}/nominate/").content.decode()
    assert "孙续" not in page
    assert f'data-picker-source="/pickers/nomination-members/?round={r.pk}"' in page
    assert ask(client, "nomination-members", round=r.pk, q="sx") == [f"孙续（{w.org.name}）"]
    assert ask(client, "nomination-members", round=r.pk, q="孙") == [f"孙续（{w.org.name}）"]
    client.force_login(w.chair)  # sees the round, nominates for no department
    ask(client, "nomination-members", status=403, round=r.pk)
    # A member of another committee is refused, the rest of the nomination kept.
    client.force_login(w.ufwd)
    response = client.post(
        f"/nominations/{r.pk}/nominate/",
        {
            "member": outsider.pk,
            "employer": "区实验中学教师",
            "party": party("民盟").pk,
            "sector": w.sectors[0].pk,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "选择一个有效的选项" in page and "区实验中学教师" in page and "孙外" not in page


def test_the_round_form_searches_the_committees_the_office_manages(client):
    w = world()
    make_org("另一区政协")
    client.force_login(w.office)
    page = client.get("/nominations/new/").content.decode()
    assert 'data-picker-source="/pickers/nomination-organisations/"' in page
    assert ask(client, "nomination-organisations") == [w.org.name]
    other = make_org("第三区政协")
    data = {"kind": "new_term", "title": "第十六届委员提名", "effective_date": "2027-01-10"}
    response = client.post("/nominations/new/", {**data, "organisation": other.pk})
    assert response.status_code in {200, 400}
    page = response.content.decode()
    assert "选择一个有效的选项" in page and "第十六届委员提名" in page
    assert not NominationRound.objects.exists()
    # Without JavaScript: the typed name is looked up.
    response = client.post("/nominations/new/", {**data, "organisation__q": w.org.name})
    assert response.status_code == 302
    assert NominationRound.objects.get().organisation == w.org


def test_namesakes_and_former_members_are_told_apart_in_a_fixed_number_of_queries(client):
    w = world()
    r = open_round(w)
    org = w.org.name
    older = TermFactory(organisation=w.org, number=14, start_date=dt.date(2017, 1, 10))
    economist = MemberFactory(organisation=w.org, name="王芳")
    seat(economist, older, sector=w.sectors[2])  # the latest seat's sector is shown
    seat(economist, w.term, sector=w.sectors[1])
    teacher = MemberFactory(organisation=w.org, name="王芳")
    seat(teacher, w.term, sector=w.sectors[2])
    revoked = MemberFactory(organisation=w.org, name="王芳")
    seat(revoked, w.term, sector=w.sectors[2], status=Membership.Status.REVOKED)
    former = MemberFactory(organisation=w.org, name="王芳")
    seat(former, older, sector=w.sectors[0], status=Membership.Status.TERM_ENDED)
    client.force_login(w.ufwd)
    assert sorted(ask(client, "nomination-members", round=r.pk, q="王芳")) == sorted(
        [
            f"王芳（经济界·{org}）",
            f"王芳（教育界·{org}）",
            f"王芳（教育界·{org}）（已撤销委员资格）",
            f"王芳（中共界·{org}）（已离任）",
        ]
    )
    # The chosen one, shown again on a refused post, carries the same label.
    response = client.post(f"/nominations/{r.pk}/nominate/", {"member": revoked.pk})
    assert response.status_code == 400
    assert f"王芳（教育界·{org}）（已撤销委员资格）</option>" in response.content.decode()

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            ask(client, "nomination-members", round=r.pk, q="王芳")
        return len(ctx)

    few = queries()
    for _ in range(5):
        seat(MemberFactory(organisation=w.org, name="王芳"), w.term, sector=w.sectors[1])
    assert queries() == few
