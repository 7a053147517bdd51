"""A refused form on a candidate's page (or the nomination form) shows why and keeps what was
typed, even when the candidate's or the round's new state no longer offers that form."""

import datetime as dt

import pytest
from django.utils import timezone

from xieshang.core.audit import history
from xieshang.nominations import services
from xieshang.nominations.models import Candidate, RoundKind

from .factories import nominate, open_round, party, sitting_member, world

# A consultation is dated from the day its round was opened (the tests open it today).
TODAY = str(timezone.localdate())
pytestmark = pytest.mark.django_db


def test_a_consultation_recorded_after_the_nomination_was_completed_keeps_the_note(client):
    w = world()
    r = open_round(w)
    c = nominate(w, r, "民盟", "刘佳宁")
    services.consultation_record(
        candidate=c,
        actor=w.ufwd,
        consulted_with="民盟区委会",
        consulted_on=timezone.localdate(),
        note="同意提名。",
    )
    services.candidate_complete(candidate=c, actor=w.ufwd)
    client.force_login(w.ufwd)
    response = client.post(
        f"/nominations/candidates/{c.pk}/consultation/",
        {"consulted_with": "民盟区委会", "consulted_on": TODAY, "note": "补充：本人同意。"},
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


def test_seats_saved_in_another_tab_are_not_silently_put_back(client):
    """Two tabs of 设定名额: the second save would have replaced every line with what its page
    showed, dropping the first tab's seat without a word. It is refused, the typing kept."""
    w = world()
    r = open_round(w)
    client.force_login(w.office)
    first, second = w.sectors[0], w.sectors[1]
    page = client.get(f"/nominations/{r.pk}/seats/").content.decode()
    assert f'name="version" value="{r.version}"' in page
    shown = r.version
    ok = client.post(f"/nominations/{r.pk}/seats/", {f"sector_{first.pk}": "2", "version": shown})
    assert ok.status_code == 302
    stale = client.post(
        f"/nominations/{r.pk}/seats/", {f"sector_{second.pk}": "3", "version": shown}
    )
    body = stale.content.decode()
    assert stale.status_code == 400
    assert "在您打开此页后已在其他窗口或由他人修改并保存" in body
    assert f'name="sector_{second.pk}" value="3"' in body
    seats = {q.sector_id: q.seats for q in r.quotas.all()}
    assert seats == {first.pk: 2}
    # Having looked, saving again on purpose goes through (the form now carries the version).
    again = client.post(
        f"/nominations/{r.pk}/seats/",
        {f"sector_{first.pk}": "2", f"sector_{second.pk}": "3", "version": r.version + 1},
    )
    assert again.status_code == 302
    assert {q.sector_id: q.seats for q in r.quotas.all()} == {first.pk: 2, second.pk: 3}
    assert [e.verb for e in history(r)].count("nomination.seats_set") == 2


@pytest.mark.clause("C5.3")
def test_the_chairs_party_group_opinion_is_not_overwritten_by_a_page_opened_before(client):
    """The chair records 不同意; the office, on a page opened before, records 同意: it is
    refused and its typing kept, so the Party group's opinion is not silently turned round."""
    w = world()
    member = sitting_member(w, "孙续")
    r = open_round(w)
    c = nominate(w, r, "无党派", member=member)
    client.force_login(w.office)
    page = client.get(f"/nominations/candidates/{c.pk}/").content.decode()
    shown = Candidate.objects.get(pk=c.pk).version
    assert f'name="version" value="{shown}"' in page
    services.party_group_opinion_record(
        candidate=c,
        actor=w.chair,
        agrees=False,
        opinion="履职不积极，不同意继续提名。",
        on_date=dt.date(2026, 1, 5),
        expected_version=shown,
    )
    response = client.post(
        f"/nominations/candidates/{c.pk}/opinion/",
        {
            "agrees": "1",
            "on_date": "2026-01-05",
            "opinion": "党组研究认为履职积极。",
            "version": shown,
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "在您打开此页后已在其他窗口或由他人修改并保存" in body
    assert "党组研究认为履职积极。" in body
    c.refresh_from_db()
    assert c.party_group_agrees is False
    assert c.party_group_opinion == "履职不积极，不同意继续提名。"
    # Having read the chair's opinion on the page, the office may still replace it.
    again = client.post(
        f"/nominations/candidates/{c.pk}/opinion/",
        {"agrees": "1", "on_date": "2026-01-05", "opinion": "党组复议同意。", "version": c.version},
    )
    assert again.status_code == 302
    assert Candidate.objects.get(pk=c.pk).party_group_agrees is True


@pytest.mark.clause("C5.2")
def test_a_consultation_recorded_in_another_tab_is_not_silently_replaced(client):
    w = world()
    r = open_round(w)
    c = nominate(w, r, "民盟", "刘佳宁")
    client.force_login(w.ufwd)
    shown = Candidate.objects.get(pk=c.pk).version
    url = f"/nominations/candidates/{c.pk}/consultation/"
    first = {
        "consulted_with": "民盟区委会",
        "consulted_on": TODAY,
        "note": "同意提名。",
        "version": shown,
    }
    assert client.post(url, first).status_code == 302
    second = {**first, "note": "另一窗口：暂缓提名。"}
    response = client.post(url, second)
    body = response.content.decode()
    assert response.status_code == 400
    assert "另一窗口：暂缓提名。" in body
    assert Candidate.objects.get(pk=c.pk).consultation_note == "同意提名。"


def _limits_post(page: str, **typed) -> dict:
    """The limits form as the page showed it (hidden fields included), with `typed`."""
    import re

    data = {
        name: value
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)
        if name.startswith(("nominations__", "shown__", "version__"))
    }
    data.update(typed)
    return data


def test_a_limit_changed_in_another_tab_is_not_put_back_by_this_pages_old_value(client):
    """Two tabs of 名单结构要求: the first lowers the CPC share, the second raises the women's
    share. The second saved every value as its page showed it and put the CPC share back."""
    from xieshang.orgs import config

    w = world()
    client.force_login(w.office)
    first = client.get("/nominations/limits/").content.decode()
    second = client.get("/nominations/limits/").content.decode()
    cpc, women = "nominations__cpc_max_share", "nominations__female_min_share"
    assert (
        client.post("/nominations/limits/", _limits_post(first, **{cpc: "35"})).status_code == 302
    )
    response = client.post("/nominations/limits/", _limits_post(second, **{women: "25"}))
    assert response.status_code == 302
    assert config.get(w.org, "nominations.cpc_max_share") == 35
    assert config.get(w.org, "nominations.female_min_share") == 25
    # The same limit changed in both: the second is refused, what it typed kept.
    third = client.get("/nominations/limits/").content.decode()
    client.post("/nominations/limits/", _limits_post(third, **{cpc: "38"}))
    response = client.post("/nominations/limits/", _limits_post(third, **{cpc: "30"}))
    body = response.content.decode()
    assert response.status_code == 400
    assert "在您打开此页后已在其他窗口或由他人修改并保存" in body
    assert 'name="nominations__cpc_max_share" value="30"' in body
    assert config.get(w.org, "nominations.cpc_max_share") == 38
    # Saving again on purpose goes through and leaves the women's share as stored.
    again = client.post("/nominations/limits/", _limits_post(body))
    assert again.status_code == 302
    assert config.get(w.org, "nominations.cpc_max_share") == 30
    assert config.get(w.org, "nominations.female_min_share") == 25


def test_a_by_election_dated_before_the_term_began_is_refused_with_the_typing_kept(client):
    """增补 adds seats to the current term: dated 2020 for a term begun in 2022, the
    confirmed seats would have started before their own term."""
    from xieshang.nominations.models import NominationRound

    w = world()
    client.force_login(w.office)
    data = {
        "organisation": w.org.pk,
        "kind": RoundKind.BY_ELECTION,
        "title": "增补委员提名",
        "effective_date": "2020-03-01",
        "note": "拟在常委会会议上增补委员4名。",
    }
    response = client.post("/nominations/new/", data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "增补日期须在本届任期内" in body and "拟在常委会会议上增补委员4名。" in body
    assert not NominationRound.objects.exists()
    assert (
        client.post("/nominations/new/", {**data, "effective_date": "2026-03-01"}).status_code
        == 302
    )
