"""A refused form on a candidate's page (or the nomination form) shows why and keeps what was
typed, even when the candidate's or the round's new state no longer offers that form."""

import datetime as dt

import pytest

from xieshang.core.audit import history
from xieshang.nominations import services
from xieshang.nominations.models import Candidate, RoundKind

from .factories import nominate, open_round, party, sitting_member, world

pytestmark = pytest.mark.django_db


def test_a_consultation_recorded_after_the_nomination_was_completed_keeps_the_note(client):
    w = world()
    r = open_round(w)
    c = nominate(w, r, "民盟", "刘佳宁")
    services.consultation_record(
        candidate=c,
        actor=w.ufwd,
        consulted_with="民盟区委会",
        consulted_on=dt.date(2026, 1, 5),
        note="同意提名。",
    )
    services.candidate_complete(candidate=c, actor=w.ufwd)
    client.force_login(w.ufwd)
    response = client.post(
        f"/nominations/candidates/{c.pk}/consultation/",
        {"consulted_with": "民盟区委会", "consulted_on": "2026-01-06", "note": "补充：本人同意。"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "不能登记协商情况" in body
    assert "补充：本人同意。" in body
    assert Candidate.objects.get(pk=c.pk).consultation_note == "同意提名。"


def test_a_party_group_opinion_on_a_withdrawn_candidate_keeps_the_opinion(client):
    w = world()
    member = sitting_member(w, "孙续")
    r = open_round(w)
    c = nominate(w, r, "无党派", member=member)
    services.candidate_withdraw(candidate=c, actor=w.ufwd, reason="本人请辞")
    client.force_login(w.office)
    response = client.post(
        f"/nominations/candidates/{c.pk}/opinion/",
        {"agrees": "1", "on_date": "2026-01-06", "opinion": "履职积极，同意继续提名。"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "不能登记政协党组意见" in body
    assert "履职积极，同意继续提名。" in body
    assert not Candidate.objects.get(pk=c.pk).party_group_recorded


def test_withdrawing_a_candidate_twice_says_why_and_keeps_the_second_reason(client):
    w = world()
    r = open_round(w)
    c = nominate(w, r, "无党派", "吴撤")
    client.force_login(w.ufwd)
    client.post(f"/nominations/candidates/{c.pk}/withdraw/", {"reason": "本人请辞"})
    response = client.post(f"/nominations/candidates/{c.pk}/withdraw/", {"reason": "另行安排工作"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "不能执行此操作" in body
    assert "另行安排工作" in body
    assert [e.verb for e in history(c)].count("nomination.withdraw") == 1
    assert f'action="/nominations/candidates/{c.pk}/complete/"' not in body


def test_a_nomination_sent_after_the_list_was_confirmed_keeps_what_was_typed(client):
    w = world()
    r = open_round(w, kind=RoundKind.BY_ELECTION, effective_date=dt.date(2026, 6, 1))
    done = nominate(w, r, "中共", "王补")
    services.candidate_complete(candidate=done, actor=w.orgdept)
    services.round_confirm(round=r, actor=w.office)
    client.force_login(w.ufwd)
    response = client.post(
        f"/nominations/{r.pk}/nominate/",
        {
            "name": "刘晚到",
            "gender": "F",
            "birth_date": "1981-02-03",
            "employer": "区第一中学副校长",
            "party": party("民盟").pk,
            "sector": w.sectors[1].pk,
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "名单已确认，不能再提名" in body
    assert "区第一中学副校长" in body
    assert not Candidate.objects.filter(name="刘晚到").exists()
    # A form with a field left empty says both at once: no need to mend it and try again.
    response = client.post(
        f"/nominations/{r.pk}/nominate/",
        {"gender": "F", "employer": "区第二中学教师", "sector": w.sectors[1].pk},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "名单已确认，不能再提名" in body and "区第二中学教师" in body


@pytest.mark.clause("C5.1")
def test_a_birth_date_in_the_future_is_refused_once_not_also_as_missing(client):
    w = world()
    r = open_round(w)
    client.force_login(w.ufwd)
    response = client.post(
        f"/nominations/{r.pk}/nominate/",
        {
            "name": "刘未来",
            "gender": "F",
            "birth_date": "2999-01-01",
            "employer": "区实验中学教师",
            "party": party("民盟").pk,
            "sector": w.sectors[1].pk,
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "出生日期应早于今天。" in body
    assert "提名新人选须填写出生日期。" not in body
    assert "2999-01-01" in body
    # Left empty, it is missing.
    response = client.post(
        f"/nominations/{r.pk}/nominate/",
        {"name": "刘未来", "gender": "F", "party": party("民盟").pk, "sector": w.sectors[1].pk},
    )
    assert "提名新人选须填写出生日期。" in response.content.decode()
