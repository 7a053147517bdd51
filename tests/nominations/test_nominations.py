"""Nomination rounds (issue 11): which department nominates (C5.1), the consultation with
the democratic party or the 工商联 (C5.2), the Party group's opinion with the duty summary
(C5.3), the composition check, the 名单 in stroke order, and the confirmation that seats the
new term and ends the old one (C5.10)."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.duty.factories import record
from tests.factories import MemberFactory, make_org, user_with_role
from xieshang.core.audit import TransitionError, history
from xieshang.duty.models import DutyKind
from xieshang.members.models import Category, Member, Membership
from xieshang.nominations import services
from xieshang.nominations.models import Candidate, NominationRound, RoundKind
from xieshang.orgs import config
from xieshang.orgs.models import Level, Role, Term

from .factories import nominate, open_round, party, person, sitting_member, world

# A consultation is dated from the day its round was opened (the tests open it today).
TODAY = str(timezone.localdate())
pytestmark = pytest.mark.django_db


# --- C5.1: the nominating department follows from party status -------------------------------


@pytest.mark.clause("C5.1")
def test_it_files_each_candidate_under_the_department_of_their_party_status():
    w = world()
    r = open_round(w)
    cpc = nominate(w, r, "中共", "王一")
    other = nominate(w, r, "无党派", "李二")
    assert cpc.department == Role.ORGANISATION_DEPT
    assert other.department == Role.UNITED_FRONT


@pytest.mark.clause("C5.1")
def test_the_service_refuses_the_other_department():
    w = world()
    r = open_round(w)
    with pytest.raises(services.WrongDepartment, match="组织部"):
        services.candidate_nominate(
            round=r, actor=w.ufwd, party=party("中共"), sector=w.sectors[0], person=person("张三")
        )
    with pytest.raises(services.WrongDepartment, match="统战部"):
        services.candidate_nominate(
            round=r,
            actor=w.orgdept,
            party=party("民盟"),
            sector=w.sectors[0],
            person=person("张三"),
        )
    with pytest.raises(PermissionDenied):  # the office builds the round but does not nominate
        services.candidate_nominate(
            round=r, actor=w.office, party=party("中共"), sector=w.sectors[0], person=person("张三")
        )
    assert not Candidate.objects.exists()


@pytest.mark.clause("C5.1")
def test_the_page_offers_only_the_departments_parties_and_answers_403_to_a_forged_one(client):
    w = world()
    r = open_round(w)
    client.force_login(w.ufwd)
    page = client.get(f"/nominations/{r.pk}/nominate/").content.decode()
    assert "中国民主同盟" in page and "中国共产党" not in page
    response = client.post(
        f"/nominations/{r.pk}/nominate/",
        {
            "name": "张三",
            "gender": "M",
            "birth_date": "1980-01-01",
            "party": party("中共").pk,
            "sector": w.sectors[0].pk,
        },
    )
    assert response.status_code == 403
    assert not Candidate.objects.exists()
    # The right department with the same data succeeds.
    client.force_login(w.orgdept)
    response = client.post(
        f"/nominations/{r.pk}/nominate/",
        {
            "name": "张三",
            "gender": "M",
            "birth_date": "1980-01-01",
            "party": party("中共").pk,
            "sector": w.sectors[0].pk,
        },
    )
    assert response.status_code == 302
    assert Candidate.objects.get().department == Role.ORGANISATION_DEPT


@pytest.mark.clause("C5.1")
def test_a_rejected_nomination_keeps_what_was_typed(client):
    w = world()
    r = open_round(w)
    client.force_login(w.ufwd)
    response = client.post(
        f"/nominations/{r.pk}/nominate/",
        {"employer": "区实验中学教师", "party": party("民盟").pk, "sector": w.sectors[0].pk},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "区实验中学教师" in page and "提名新人选须填写姓名" in page


# --- C5.2: consultation before completion ------------------------------------------------------


@pytest.mark.clause("C5.2")
def test_a_democratic_party_candidate_cannot_complete_without_the_consultation_record(client):
    w = world()
    r = open_round(w)
    c = nominate(w, r, "民盟", "刘佳宁")
    with pytest.raises(TransitionError, match="协商"):
        services.candidate_complete(candidate=c, actor=w.ufwd)
    client.force_login(w.ufwd)
    response = client.post(f"/nominations/candidates/{c.pk}/complete/", follow=True)
    page = response.content.decode()
    assert "民主党派成员须先与民盟协商并登记协商情况。" in page
    assert "C5.2" not in page  # the clause is the spec's reference, not the user's
    c.refresh_from_db()
    assert c.status == Candidate.Status.NOMINATED

    client.post(
        f"/nominations/candidates/{c.pk}/consultation/",
        {"consulted_with": "民盟区委会", "consulted_on": TODAY, "note": "同意提名。"},
    )
    client.post(f"/nominations/candidates/{c.pk}/complete/")
    c.refresh_from_db()
    assert c.status == Candidate.Status.COMPLETED
    assert [e.verb for e in history(c)][:2] == ["nomination.complete", "nomination.consultation"]


@pytest.mark.clause("C5.2")
def test_a_non_public_economy_candidate_needs_the_federation_even_as_a_party_member():
    w = world()
    r = open_round(w)
    c = nominate(w, r, "中共", "赵企", categories=[Category.NON_PUBLIC_ECONOMY.value])
    with pytest.raises(TransitionError, match="工商联"):
        services.candidate_complete(candidate=c, actor=w.orgdept)
    services.consultation_record(
        candidate=c,
        actor=w.orgdept,
        consulted_with="区工商联",
        consulted_on=timezone.localdate(),
        note="同意。",
    )
    services.candidate_complete(candidate=c, actor=w.orgdept)
    # Nobody else needs one.
    plain = nominate(w, r, "无党派", "钱平")
    plain = services.candidate_complete(candidate=plain, actor=w.ufwd)
    assert plain.status == Candidate.Status.COMPLETED


@pytest.mark.clause("C5.2")
def test_only_the_candidates_own_department_records_the_consultation():
    w = world()
    r = open_round(w)
    c = nominate(w, r, "民盟", "刘佳宁")
    with pytest.raises(PermissionDenied):
        services.consultation_record(
            candidate=c,
            actor=w.orgdept,
            consulted_with="民盟区委会",
            consulted_on=dt.date(2026, 1, 5),
            note="同意。",
        )


# --- C5.3: the Party group's opinion with the duty file summary ------------------------------


@pytest.mark.clause("C5.3")
def test_re_nominating_a_member_needs_the_party_group_opinion_with_the_duty_summary(client):
    w = world()
    member = sitting_member(w, "孙续")
    record(member, DutyKind.INSPECTION, date=dt.date(2025, 4, 1))
    record(member, DutyKind.PROPOSAL_FIRST, date=dt.date(2025, 6, 1))
    r = open_round(w)
    c = nominate(w, r, "无党派", member=member)
    assert c.is_continuing and c.name == "孙续"
    assert w.office.notifications.filter(title__contains="待登记政协党组意见").exists()
    with pytest.raises(TransitionError, match="政协党组"):
        services.candidate_complete(candidate=c, actor=w.ufwd)
    with pytest.raises(PermissionDenied):  # the departments do not record it
        services.party_group_opinion_record(
            candidate=c, actor=w.ufwd, agrees=True, opinion="同意", on_date=dt.date(2026, 1, 6)
        )

    client.force_login(w.office)
    client.post(
        f"/nominations/candidates/{c.pk}/opinion/",
        {"agrees": "1", "on_date": "2026-01-06", "opinion": "履职积极，同意继续提名。"},
    )
    c.refresh_from_db()
    assert c.party_group_agrees is True
    # Recorded: the office's 待登记政协党组意见 no longer waits unread.
    assert not w.office.notifications.filter(title__contains="待登记政协党组意见", read_at=None)
    summary = c.duty_summary
    year_2025 = next(y for y in summary["years"] if y["year"] == 2025)
    assert year_2025["total"] == "20"  # inspection 5 + first proposer 15 (default rules)
    assert {k["label"] for k in summary["kinds"]} == {"视察调研", "提案（第一提案人）"}
    page = client.get(f"/nominations/candidates/{c.pk}/").content.decode()
    assert "履职情况摘要" in page and "视察调研" in page

    services.candidate_complete(candidate=c, actor=w.ufwd)
    c.refresh_from_db()
    assert c.status == Candidate.Status.COMPLETED


@pytest.mark.clause("C5.3")
def test_a_party_group_refusal_stops_the_re_nomination():
    w = world()
    member = sitting_member(w, "孙续")
    r = open_round(w)
    c = nominate(w, r, "无党派", member=member)
    services.party_group_opinion_record(
        candidate=c, actor=w.chair, agrees=False, opinion="履职不力。", on_date=dt.date(2026, 1, 6)
    )
    with pytest.raises(TransitionError, match="不同意"):
        services.candidate_complete(candidate=c, actor=w.ufwd)
    # Recorded by the chair: the office's notice is settled all the same.
    assert not w.office.notifications.filter(title__contains="待登记政协党组意见", read_at=None)


@pytest.mark.clause("C5.3")
def test_a_withdrawn_or_called_off_re_nomination_waits_for_no_opinion():
    w = world()
    r = open_round(w)
    first = nominate(w, r, "无党派", member=sitting_member(w, "孙续"))
    nominate(w, r, "无党派", member=sitting_member(w, "钱续"))
    waiting = w.office.notifications.filter(title__contains="待登记政协党组意见", read_at=None)
    assert waiting.count() == 2
    services.candidate_withdraw(candidate=first, actor=w.ufwd, reason="本人请辞")
    assert list(waiting.values_list("title", flat=True)) == ["继续提名钱续，待登记政协党组意见"]
    services.round_cancel(round=r, actor=w.office, reason="换届时间调整")
    assert not waiting.exists()


# --- Composition and the 名单 -------------------------------------------------------------------


def test_it_shows_the_composition_against_the_seats_and_the_configured_limits(client):
    w = world()
    r = open_round(w)
    services.seats_set(
        round=r,
        actor=w.office,
        sectors={w.sectors[0].pk: 1},
        categories={Category.NON_PUBLIC_ECONOMY.value: 1},
    )
    nominate(w, r, "中共", "王一", gender="M")
    nominate(w, r, "中共", "王二", gender="M")
    client.force_login(w.office)
    page = client.get(f"/nominations/{r.pk}/").content.decode()
    assert "超出名额" in page and "中共党员占比" in page
    assert "中共界超出名额（2/1）" in page  # a confirmation blocker
    # Limits are configurable per organisation.
    config.set_value(w.org, "nominations.cpc_max_share", 100, actor=w.office)
    from xieshang.nominations.selectors import composition

    checks = {c["label"]: c["ok"] for c in composition(r)["checks"]}
    assert checks["中共党员占比"] is True and checks["女性占比"] is False


def test_the_nomination_forms_side_panel_stacks_the_two_composition_tables(client):
    """In the form's side panel (5/12 of the page) two tables side by side cut the 检查
    column off at 1366 px: there, and in the panel's htmx refresh, each takes the full width;
    the round's page keeps them side by side."""
    w = world()
    r = open_round(w)
    client.force_login(w.ufwd)

    def columns(html):
        panel = html[html.index('id="composition"') :]
        return panel.count('class="col-12"'), panel.count('class="col-12 col-lg-6"')

    assert columns(client.get(f"/nominations/{r.pk}/nominate/").content.decode()) == (2, 0)
    preview = client.post(f"/nominations/{r.pk}/composition/", {"name": "张三"})
    assert columns(preview.content.decode()) == (2, 0)
    client.force_login(w.office)
    assert columns(client.get(f"/nominations/{r.pk}/").content.decode()) == (0, 2)


@pytest.mark.clause("C5.1")
def test_a_nomination_that_breaks_the_list_structure_is_saved_with_a_warning_saying_which(client):
    w = world()
    r = open_round(w, reference_date=dt.date(2027, 1, 10))
    services.seats_set(round=r, actor=w.office, sectors={w.sectors[0].pk: 2}, categories={})
    nominate(w, r, "中共", "王一", gender="M")
    nominate(w, r, "中共", "王二")
    for i in range(4):
        nominate(w, r, "无党派", f"李{i}", sector=w.sectors[1], born=1988)

    def send(user, name, short, sector, born="1985-03-01"):
        client.force_login(user)
        data = {"name": name, "gender": "F", "birth_date": born, "employer": "区实验中学"}
        data |= {"party": party(short).pk, "sector": sector.pk}
        response = client.post(f"/nominations/{r.pk}/nominate/", data, follow=True)
        assert Candidate.objects.filter(name=name).exists()  # a warning, not a refusal
        return [str(m) for m in response.context["messages"]]

    # 中共界 has two seats: the third is saved, and the message says it is one too many.
    said = send(w.orgdept, "王三", "中共", w.sectors[0])
    assert said[0] == "已提名王三。"
    assert "名单不符合以下结构要求" in said[1] and "中共界超出名额（3/2）。" in said[1]
    # 69 on the reference day: over the age limit of 65.
    said = send(w.ufwd, "刘老", "民盟", w.sectors[2], born="1957-06-01")
    assert "超过65周岁的人选不宜提名（刘老）。" in said[1]
    # A nomination that breaks nothing (and mends the shares) says only that it is done.
    assert send(w.ufwd, "赵青", "民盟", w.sectors[2], born="1995-03-01") == ["已提名赵青。"]
    # The round page flags the same rules.
    page = client.get(f"/nominations/{r.pk}/").content.decode()
    assert "超出名额" in page and "不符合" in page


def test_the_list_goes_to_excel_and_pdf_in_surname_stroke_order(client):
    w = world()
    r = open_round(w)
    for name in ["王五", "丁一", "马六"]:
        nominate(w, r, "无党派", name)
    client.force_login(w.orgdept)
    book = load_workbook(io.BytesIO(client.get(f"/nominations/{r.pk}/roster.xlsx").content))
    names = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["丁一", "马六", "王五"]  # 2, 3 and 4 strokes
    response = client.get(f"/nominations/{r.pk}/roster.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "委员建议名单" in text
    assert text.index("丁一") < text.index("马六") < text.index("王五")


def test_the_round_page_runs_a_fixed_number_of_queries(client):
    w = world()
    r = open_round(w)
    services.seats_set(round=r, actor=w.office, sectors={w.sectors[0].pk: 30}, categories={})
    client.force_login(w.office)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/nominations/{r.pk}/").status_code == 200
        return len(ctx.captured_queries)

    client.get(f"/nominations/{r.pk}/")  # renews the session: not written within a minute
    for i in range(3):
        nominate(w, r, "无党派", f"甲{i}")
    few = count()
    for i in range(10):
        nominate(w, r, "中共", f"乙{i}", member=None)
    assert count() == few


def test_nobody_outside_the_committee_and_the_roles_sees_a_round(client):
    w = world()
    r = open_round(w)
    c = nominate(w, r, "无党派", "李二")
    other = make_org("另一区政协")
    for user in [user_with_role(Role.MEMBER, w.org), user_with_role(Role.UNITED_FRONT, other)]:
        client.force_login(user)
        assert client.get(f"/nominations/{r.pk}/").status_code == 404
        assert client.get(f"/nominations/candidates/{c.pk}/").status_code == 404
        assert client.get(f"/nominations/{r.pk}/roster.xlsx").status_code == 404
    client.force_login(w.ufwd)
    assert client.post(f"/nominations/{r.pk}/confirm/").status_code == 403


def test_a_city_reads_a_districts_round_and_leaves_it_to_the_district(client):
    city = make_org("示范市政协", Level.CITY)
    w = world(parent=city)
    r = open_round(w)
    city_office = user_with_role(Role.OFFICE, city)
    city_ufwd = user_with_role(Role.UNITED_FRONT, city)
    client.force_login(city_office)
    assert client.get(f"/nominations/{r.pk}/").status_code == 200
    assert client.post(f"/nominations/{r.pk}/confirm/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.candidate_nominate(
            round=r,
            actor=city_ufwd,
            party=party("民盟"),
            sector=w.sectors[1],
            person=person("王五"),
        )
    assert not Candidate.objects.exists()
    # The district's own department nominates.
    services.candidate_nominate(
        round=r, actor=w.ufwd, party=party("民盟"), sector=w.sectors[1], person=person("王五")
    )
    assert Candidate.objects.count() == 1


# --- C5.10: confirmation seats the new term and ends the old one ------------------------------


@pytest.mark.clause("C5.10")
def test_confirming_a_new_term_round_seats_the_list_and_ends_the_old_term():
    w = world()
    kept = sitting_member(w, "孙续")
    leaving = sitting_member(w, "周退")
    r = open_round(w)
    c_kept = nominate(w, r, "无党派", member=kept, sector=w.sectors[2])
    services.party_group_opinion_record(
        candidate=c_kept, actor=w.office, agrees=True, opinion="同意", on_date=dt.date(2026, 1, 6)
    )
    services.candidate_complete(candidate=c_kept, actor=w.ufwd)
    new = nominate(w, r, "中共", "王新", categories=[])
    services.candidate_complete(candidate=new, actor=w.orgdept)
    withdrawn = nominate(w, r, "无党派", "吴撤")
    services.candidate_withdraw(candidate=withdrawn, actor=w.ufwd, reason="本人请辞")
    assert not Member.objects.filter(name="王新").exists()  # a person, not yet a member

    services.round_confirm(round=r, actor=w.office)

    r.refresh_from_db()
    new_term = Term.objects.get(organisation=w.org, number=16)
    assert r.status == NominationRound.Status.CONFIRMED and r.target_term == new_term
    assert new_term.start_date == dt.date(2027, 1, 10)
    w.term.refresh_from_db()
    assert w.term.end_date == dt.date(2027, 1, 9)
    old_seats = Membership.objects.filter(term=w.term)
    assert {s.status for s in old_seats} == {Membership.Status.TERM_ENDED}  # history kept
    assert old_seats.get(member=leaving).status_reason.startswith("换届")
    seated = Membership.objects.filter(term=new_term).select_related("member", "sector")
    assert sorted(s.member.name for s in seated) == sorted(["孙续", "王新"])
    assert seated.get(member=kept).sector == w.sectors[2]
    assert not Member.objects.filter(name="吴撤").exists()
    c_kept.refresh_from_db()
    assert c_kept.status == Candidate.Status.SEATED and c_kept.seated_member == kept
    assert "nomination.round_confirm" in [e.verb for e in history(r)]


@pytest.mark.clause("C5.10")
def test_a_by_election_adds_seats_to_the_current_term_and_nothing_happens_while_one_is_pending():
    w = world()
    sitting = sitting_member(w, "孙坐")
    r = open_round(w, kind=RoundKind.BY_ELECTION, effective_date=dt.date(2026, 6, 1))
    done = nominate(w, r, "中共", "王补")
    services.candidate_complete(candidate=done, actor=w.orgdept)
    pending = nominate(w, r, "民盟", "刘待")
    with pytest.raises(TransitionError, match="未完成提名"):
        services.round_confirm(round=r, actor=w.office)
    assert not Member.objects.filter(name="王补").exists()

    services.candidate_withdraw(candidate=pending, actor=w.ufwd, reason="另行安排")
    services.round_confirm(round=r, actor=w.office)
    assert Membership.objects.get(member__name="王补").term == w.term
    assert Membership.objects.get(member=sitting).status == Membership.Status.ACTIVE
    assert Term.objects.filter(organisation=w.org).count() == 1


def test_a_sitting_member_cannot_be_by_elected_into_their_own_term():
    w = world()
    member = sitting_member(w, "孙坐")
    r = open_round(w, kind=RoundKind.BY_ELECTION, effective_date=dt.date(2026, 6, 1))
    with pytest.raises(Exception, match="本届已有任职记录"):
        nominate(w, r, "无党派", member=member)


def test_the_office_sets_up_a_round_and_its_seats_through_the_pages(client):
    w = world()
    MemberFactory(organisation=w.org)
    client.force_login(w.office)
    response = client.post(
        "/nominations/new/",
        {
            "organisation": w.org.pk,
            "kind": "new_term",
            "title": "第十六届委员提名",
            "effective_date": "2027-01-10",
        },
    )
    r = NominationRound.objects.get()
    assert response.url == f"/nominations/{r.pk}/seats/"
    response = client.post(
        f"/nominations/{r.pk}/seats/",
        {f"sector_{w.sectors[0].pk}": "3", f"category_{Category.RELIGIOUS.value}": "1"},
    )
    assert response.status_code == 302
    assert {(q.sector_id, q.category, q.seats) for q in r.quotas.all()} == {
        (w.sectors[0].pk, "", 3),
        (None, Category.RELIGIOUS.value, 1),
    }
    # The departments may not.
    client.force_login(w.orgdept)
    assert client.get(f"/nominations/{r.pk}/seats/").status_code == 403
    assert client.get("/nominations/new/").status_code == 403


def test_the_header_search_finds_candidates_in_scope_only(client):
    w = world()
    r = open_round(w)
    c = nominate(w, r, "无党派", "欧阳明")
    client.force_login(w.ufwd)
    assert f"/nominations/candidates/{c.pk}/" in client.get("/search/?q=欧阳").content.decode()
    client.force_login(user_with_role(Role.UNITED_FRONT, make_org("另一区政协")))
    assert f"/nominations/candidates/{c.pk}/" not in client.get("/search/?q=欧阳").content.decode()


def test_the_nomination_form_previews_the_composition_with_the_person_being_entered(client):
    w = world()
    r = open_round(w)
    services.seats_set(round=r, actor=w.office, sectors={w.sectors[0].pk: 1}, categories={})
    nominate(w, r, "中共", "王一")
    client.force_login(w.orgdept)
    response = client.post(
        f"/nominations/{r.pk}/composition/",
        {"name": "王二", "gender": "F", "party": party("中共").pk, "sector": w.sectors[0].pk},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "已计入正在填写的人选" in page and "超出名额" in page and "名单2人" in page
    assert Candidate.objects.count() == 1  # nothing saved


def test_the_office_sets_the_composition_limits_of_its_committee(client):
    w = world()
    client.force_login(w.office)
    page = client.get("/nominations/limits/").content.decode()
    assert "委员名单中共产党员占比上限（%）" in page
    data = {
        "nominations__cpc_max_share": 35,
        "nominations__female_min_share": 25,
        "nominations__young_age": 45,
        "nominations__young_min_share": 15,
        "nominations__max_age": 65,
        "nominations__new_min_share": 30,
    }
    assert client.post("/nominations/limits/", data).status_code == 302
    assert config.get(w.org, "nominations.cpc_max_share") == 35
    assert config.get(w.org, "nominations.female_min_share") == 25
    client.force_login(w.ufwd)
    assert client.get("/nominations/limits/").status_code == 403


def test_the_home_page_shows_each_department_its_unfinished_nominations(client):
    w = world()
    r = open_round(w)
    nominate(w, r, "民盟", "刘待")
    nominate(w, r, "无党派", "钱待")
    from xieshang.nominations.dashboard import nomination_cards

    assert [c.count for c in nomination_cards(w.ufwd)] == [2]
    assert [c.count for c in nomination_cards(w.orgdept)] == [None]
    assert [c.count for c in nomination_cards(w.office)] == [2]
    assert nomination_cards(user_with_role(Role.MEMBER, w.org)) == []
    client.force_login(w.ufwd)
    assert "/nominations/" in client.get("/").content.decode()


def test_the_demo_puts_each_candidate_in_the_sector_of_their_party_or_field():
    import random

    from tests.factories import SectorFactory, TermFactory, UserFactory
    from xieshang.nominations import demo
    from xieshang.orgs.models import RoleAssignment

    org = make_org()
    TermFactory(organisation=org, start_date=dt.date(2022, 1, 10))
    for i, name in enumerate(["中共", "民革", "民盟", "无党派人士", "经济界"]):
        SectorFactory(organisation=org, name=name, sort_order=i)
    for username, role in (
        ("office", Role.OFFICE),
        ("orgdept", Role.ORGANISATION_DEPT),
        ("ufwd", Role.UNITED_FRONT),
    ):
        user = UserFactory(username=username)
        RoleAssignment.objects.create(user=user, organisation=org, role=role)
    demo.build(organisation=org, rng=random.Random(1))
    sectors = dict(Candidate.objects.values_list("name", "sector__name"))
    assert sectors == {
        "王立新": "中共",
        "卢晓芸": "经济界",
        "刘佳宁": "民盟",
        "邹文博": "无党派人士",
    }
    r = NominationRound.objects.get()
    from xieshang.nominations.selectors import composition

    assert all(row["ok"] for row in composition(r)["seats"])  # no sector over its seats


def test_an_empty_round_list_says_how_rounds_begin(client):
    w = world()
    client.force_login(w.office)
    page = client.get("/nominations/").content.decode()
    assert "暂无提名工作。换届或增补委员时，点击“建立提名工作”" in page
    client.force_login(w.ufwd)
    page = client.get("/nominations/").content.decode()
    assert "政协办公室建立提名工作后，将在此列出。" in page


@pytest.mark.clause("C5.3")
def test_the_duty_summary_does_not_grade_a_year_the_member_left_office_in(client):
    """As the duty file and the evaluation: a year the member resigned in reads 不参加考核,
    and its minimum duties are not asked (not 未达到)."""
    from xieshang.members import services as members

    w = world()
    member = sitting_member(w, "孙离")
    seat = member.memberships.get()
    members.membership_resign(
        membership=seat, actor=w.office, reason="工作调动", on_date=dt.date(2025, 5, 1)
    )
    summary = services.duty_summary(member, w.org, until=dt.date(2026, 1, 6))
    left_year = next(y for y in summary["years"] if y["year"] == 2025)
    assert left_year["grade"] == "不参加考核" and left_year["not_assessed"] is True
    earlier = next(y for y in summary["years"] if y["year"] == 2024)
    assert earlier["not_assessed"] is False and earlier["grade"] != "不参加考核"

    r = open_round(w)
    c = nominate(w, r, "无党派", member=member)
    Candidate.objects.filter(pk=c.pk).update(duty_summary=summary)
    client.force_login(w.office)
    page = client.get(f"/nominations/candidates/{c.pk}/").content.decode()
    table = page[page.index('id="duty-summary"') :]
    row = table[table.index(">2025</td>") :].split("</tr>")[0]
    assert "不参加考核，不作要求" in row and "未达到" not in row
