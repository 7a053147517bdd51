"""修改人选信息: a typo in a candidate's particulars (a misspelt name, the wrong birth date or
sector) is mended on the list before it is confirmed, audited field by field, instead of
withdrawing the candidate and losing the steps already recorded."""

import datetime as dt

import pytest
from django.utils import translation

from xieshang.core.audit import history
from xieshang.members.models import Member, Membership
from xieshang.nominations import services
from xieshang.nominations.models import Candidate

from .factories import nominate, open_round, sitting_member, world

pytestmark = pytest.mark.django_db


def _form(c, **changes):
    data = {
        "version": c.version,
        "name": c.name,
        "gender": c.gender,
        "ethnicity": c.ethnicity,
        "birth_date": c.birth_date.isoformat() if c.birth_date else "",
        "employer": c.employer,
        "education": c.education,
        "sector": c.sector_id,
        "categories": c.categories,
        "reason": c.reason,
    }
    data.update(changes)
    return data


@pytest.mark.clause("C5.1")
def test_the_office_corrects_a_misspelt_name_before_the_list_is_confirmed(client):
    w = world()
    r = open_round(w)
    c = nominate(w, r, "中共", "张山")
    services.candidate_complete(candidate=c, actor=w.orgdept)
    c.refresh_from_db()
    client.force_login(w.office)
    page = client.get(f"/nominations/candidates/{c.pk}/").content.decode()
    assert f"/nominations/candidates/{c.pk}/edit/" in page
    form = client.get(f"/nominations/candidates/{c.pk}/edit/").content.decode()
    assert 'value="张山"' in form

    response = client.post(
        f"/nominations/candidates/{c.pk}/edit/",
        _form(c, name="张三", birth_date="1980-05-02", sector=w.sectors[2].pk),
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert (c.name, c.birth_date, c.sector) == ("张三", dt.date(1980, 5, 2), w.sectors[2])
    assert c.status == Candidate.Status.COMPLETED  # the steps recorded stay
    event = history(c).get(verb="nomination.correct")
    assert event.actor == w.office
    assert "姓名：张山 → 张三" in event.note and "界别：中共界 → 教育界" in event.note
    with translation.override("en"):
        assert "Name: 张山 → 张三" in event.shown_note

    # A second tab still holding the old version is refused, keeping what was typed.
    stale = client.post(
        f"/nominations/candidates/{c.pk}/edit/", _form(c, version=1, employer="某某公司")
    )
    assert stale.status_code == 400 and "某某公司" in stale.content.decode()

    services.round_confirm(round=r, actor=w.office)
    assert Member.objects.filter(name="张三", birth_date=dt.date(1980, 5, 2)).exists()
    # Once confirmed, the candidate is corrected in the member's file, not here.
    assert client.get(f"/nominations/candidates/{c.pk}/edit/").status_code == 403
    refused = client.post(f"/nominations/candidates/{c.pk}/edit/", _form(c, name="张叁"))
    assert refused.status_code == 400 and "名单已确认" in refused.content.decode()
    c.refresh_from_db()
    assert c.name == "张三"


@pytest.mark.clause("C5.2")
def test_a_correction_that_calls_for_a_consultation_reopens_the_nomination():
    w = world()
    r = open_round(w)
    c = nominate(w, r, "无党派", "李四")
    services.candidate_complete(candidate=c, actor=w.ufwd)
    c.refresh_from_db()
    services.candidate_correct(
        candidate=c,
        actor=w.ufwd,
        expected_version=c.version,
        sector=c.sector,
        categories=["non_public_economy"],
        reason="",
    )
    c.refresh_from_db()
    assert c.status == Candidate.Status.NOMINATED
    assert services.missing_steps(c)


def test_only_the_department_and_the_office_correct_and_a_members_particulars_stay(client):
    w = world()
    r = open_round(w)
    member = sitting_member(w, "王委员")
    c = nominate(w, r, "无党派", member=member)
    client.force_login(w.chair)
    assert client.get(f"/nominations/candidates/{c.pk}/edit/").status_code == 403
    client.force_login(w.orgdept)  # the other department
    assert client.get(f"/nominations/candidates/{c.pk}/edit/").status_code == 403
    client.force_login(w.ufwd)
    form = client.get(f"/nominations/candidates/{c.pk}/edit/").content.decode()
    assert 'name="name"' not in form  # a member's particulars are corrected in their file
    response = client.post(
        f"/nominations/candidates/{c.pk}/edit/",
        {"version": c.version, "sector": w.sectors[2].pk, "reason": "热心界别工作"},
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert (c.name, c.sector, c.reason) == ("王委员", w.sectors[2], "热心界别工作")


@pytest.mark.clause("C5.10")
def test_the_old_seats_end_with_a_chinese_reason_when_confirmed_from_an_english_page():
    w = world()
    member = sitting_member(w, "赵届满")
    r = open_round(w)
    c = nominate(w, r, "中共", "钱新")
    services.candidate_complete(candidate=c, actor=w.orgdept)
    with translation.override("en"):
        services.round_confirm(round=r, actor=w.office)
    seat = Membership.objects.get(member=member, term=w.term)
    assert seat.status == Membership.Status.TERM_ENDED
    assert seat.status_reason == f"换届：{r.title}"
