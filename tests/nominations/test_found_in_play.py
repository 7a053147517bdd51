"""What playing the nomination pages as the two departments and the office turned up: the
party of a re-nominated member, a new person sent twice or already a member, and the
composition of a by-election list once it is confirmed."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.factories import MemberFactory
from xieshang.core.audit import TransitionError, history
from xieshang.core.models import Notification
from xieshang.members.models import Membership
from xieshang.nominations import selectors, services
from xieshang.nominations.models import Candidate, RoundKind

from .factories import nominate, open_round, party, person, sitting_member, world

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C5.1")
def test_a_party_member_cannot_be_re_nominated_by_the_united_front_under_another_party(client):
    w = world()
    r = open_round(w)
    member = sitting_member(w, "王党员", short="中共")
    client.force_login(w.ufwd)
    response = client.post(
        f"/nominations/{r.pk}/nominate/",
        {
            "member": member.pk,
            "party": party("无党派").pk,
            "sector": w.sectors[1].pk,
            "reason": "长期热心公益",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "政治面貌为中国共产党" in page and "长期热心公益" in page
    assert not Candidate.objects.filter(round=r).exists()
    # The organisation department, with the party on file, goes ahead.
    c = nominate(w, r, "中共", member=member)
    assert c.department == "organisation_dept"


@pytest.mark.clause("C5.1")
def test_a_re_nomination_never_rewrites_the_members_party_on_confirmation():
    w = world()
    r = open_round(w)
    member = sitting_member(w, "李民盟", short="民盟")
    with pytest.raises(ValidationError, match="政治面貌为中国民主同盟"):
        services.candidate_nominate(
            round=r, actor=w.ufwd, party=party("无党派"), sector=w.sectors[1], member=member
        )
    assert Membership.objects.get(member=member).party == party("民盟")


def test_a_new_person_sent_twice_is_on_the_list_once(client):
    w = world()
    r = open_round(w)
    client.force_login(w.orgdept)
    data = {
        "name": "周明远",
        "gender": "M",
        "birth_date": "1975-03-02",
        "ethnicity": "汉族",
        "employer": "区第一中学校长",
        "party": party("中共").pk,
        "sector": w.sectors[2].pk,
    }
    first = client.post(f"/nominations/{r.pk}/nominate/", data)
    assert first.status_code == 302
    second = client.post(f"/nominations/{r.pk}/nominate/", data)  # the second click / tab
    assert second.status_code == 400
    assert "该人选已在本次提名名单中" in second.content.decode()
    assert Candidate.objects.filter(round=r, name="周明远").count() == 1
    assert selectors.composition(r)["listed"] == 1


@pytest.mark.clause("C5.3")
def test_a_member_cannot_be_put_on_the_list_as_a_new_person_past_the_party_group():
    w = world()
    r = open_round(w)
    MemberFactory(organisation=w.org, name="孙续", birth_date=dt.date(1980, 5, 1))
    with pytest.raises(ValidationError, match="现任（原任）委员"):
        services.candidate_nominate(
            round=r,
            actor=w.ufwd,
            party=party("无党派"),
            sector=w.sectors[1],
            person=person("孙续"),
        )
    # A namesake born on another day is another person.
    other = services.candidate_nominate(
        round=r,
        actor=w.ufwd,
        party=party("无党派"),
        sector=w.sectors[1],
        person=person("孙续", born=1990),
    )
    assert not other.is_continuing


@pytest.mark.clause("C5.4")
def test_a_confirmed_by_election_counts_its_new_members_once(client):
    w = world()
    for i in range(3):
        sitting_member(w, f"孙坐{i}")
    r = open_round(w, kind=RoundKind.BY_ELECTION, effective_date=dt.date(2026, 6, 1))
    for name in ("王补", "刘补"):
        c = nominate(w, r, "中共", name)
        services.candidate_complete(candidate=c, actor=w.orgdept)
    before = selectors.composition(r)
    assert before["population"] == 5
    services.round_confirm(round=r, actor=w.office)
    after = selectors.composition(r)
    assert after["population"] == 5
    assert [c["detail"] for c in after["checks"]] == [c["detail"] for c in before["checks"]]
    client.force_login(w.office)
    assert "结构比例按5人计算" in client.get(f"/nominations/{r.pk}/").content.decode()


def test_the_office_cancels_a_round_opened_by_mistake_and_opens_the_right_one(client):
    w = world()
    wrong = open_round(w, kind=RoundKind.BY_ELECTION, effective_date=dt.date(2026, 6, 1))
    c = nominate(w, wrong, "民盟", "刘佳宁")
    with pytest.raises(ValidationError, match="正在进行"):
        open_round(w)
    client.force_login(w.office)
    page = client.get(f"/nominations/{wrong.pk}/").content.decode()
    assert 'id="cancel-round"' in page and "data-confirm" in page
    refused = client.post(f"/nominations/{wrong.pk}/cancel/", {"reason": "  "})
    assert refused.status_code == 400 and "取消原因" in refused.content.decode()
    done = client.post(f"/nominations/{wrong.pk}/cancel/", {"reason": "应为换届，类型选错"})
    assert done.status_code == 302
    wrong.refresh_from_db()
    assert wrong.status == "cancelled"
    event = history(wrong).get(verb="nomination.round_cancel")
    assert event.actor == w.office and event.note == "应为换届，类型选错"
    page = client.get(f"/nominations/{wrong.pk}/").content.decode()
    assert "取消提名工作" in page and "nomination.round_cancel" not in page  # history in words
    assert Notification.objects.filter(recipient=w.ufwd, title__contains="已取消").exists()
    # Its candidate takes no more records; the committee opens the round it meant.
    with pytest.raises(TransitionError, match="已取消"):
        services.consultation_record(
            candidate=c,
            actor=w.ufwd,
            consulted_with="民盟区委会",
            consulted_on=dt.date(2026, 1, 5),
            note="同意",
        )
    assert open_round(w).is_draft


def test_only_the_office_cancels_and_only_an_open_round(client):
    w = world()
    r = open_round(w)
    client.force_login(w.orgdept)
    assert client.post(f"/nominations/{r.pk}/cancel/", {"reason": "x"}).status_code == 403
    c = nominate(w, r, "中共", "王补")
    services.candidate_complete(candidate=c, actor=w.orgdept)
    services.round_confirm(round=r, actor=w.office)
    with pytest.raises(TransitionError, match="不能取消"):
        services.round_cancel(round=r, actor=w.office, reason="想重来")


@pytest.mark.clause("C5.3")
def test_a_party_group_opinion_dated_in_the_future_is_refused_and_kept(client):
    w = world()
    member = sitting_member(w, "孙续")
    r = open_round(w)
    c = nominate(w, r, "无党派", member=member)
    client.force_login(w.office)
    response = client.post(
        f"/nominations/candidates/{c.pk}/opinion/",
        {"agrees": "1", "on_date": "2099-01-06", "opinion": "履职积极，同意继续提名。"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "党组研究日期不能晚于今天" in page and "履职积极，同意继续提名。" in page
    c.refresh_from_db()
    assert not c.party_group_recorded
