import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.duty.factories import YEAR, member_with_user, record, setting
from tests.factories import MemberFactory, TermFactory, make_org, seat, user_with_role
from xieshang.core.models import Event, Notification
from xieshang.duty.models import Certificate, DisciplineCase, DutyKind, DutyRecord
from xieshang.duty.services import scan_discipline
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db
K = DutyKind


@pytest.mark.clause("C5.7")
def test_it_counts_a_manual_entry_only_after_the_office_confirms_it(client):
    org, _term, office, member = setting()
    client.force_login(member.user)
    response = client.post(
        reverse("duty:entry_new"),
        {
            "kind": K.INSPECTION,
            "date": f"{YEAR}-03-05",
            "title": "社区养老调研",
            "evidence": "调研通知及签到表",
        },
    )
    assert response.status_code == 302
    entry = DutyRecord.objects.get(member=member)
    assert entry.status == DutyRecord.Status.PENDING
    assert Notification.objects.filter(recipient=office).exists()
    page = client.get(reverse("duty:my_file") + f"?year={YEAR}").content.decode()
    assert "社区养老调研" in page and "待审核" in page
    assert 'id="duty-total">0<' in page

    client.force_login(office)
    assert "社区养老调研" in client.get(reverse("duty:entries")).content.decode()
    client.post(
        reverse("duty:entry_decide", args=[entry.pk]), {"action": "approve", "note": "属实"}
    )
    entry.refresh_from_db()
    assert entry.status == DutyRecord.Status.CONFIRMED
    assert Event.objects.filter(verb="duty.entry_approve").exists()
    # The office's 待审核 is done with; the member's news of it waits unread.
    assert not Notification.objects.filter(recipient=office, read_at__isnull=True).exists()
    assert Notification.objects.get(recipient=member.user, title__contains="已确认").read_at is None
    client.force_login(member.user)
    assert (
        'id="duty-total">5<'
        in client.get(reverse("duty:my_file") + f"?year={YEAR}").content.decode()
    )


@pytest.mark.clause("C3.4")
def test_it_logs_a_sector_contact_with_the_people_met(client):
    _org, _term, _office, member = setting()
    client.force_login(member.user)
    data = {
        "kind": K.SECTOR_CONTACT,
        "date": f"{YEAR}-03-05",
        "title": "走访小微企业",
        "evidence": "走访记录",
    }
    response = client.post(reverse("duty:entry_new"), data)
    assert response.status_code == 400
    assert "请填写联系的界别群众" in response.content.decode()
    assert "走访小微企业" in response.content.decode()
    response = client.post(reverse("duty:entry_new"), {**data, "people": "个体工商户5人"})
    assert response.status_code == 302
    entry = DutyRecord.objects.get(member=member, kind=K.SECTOR_CONTACT)
    assert "个体工商户5人" in entry.title


@pytest.mark.clause("C3.4")
def test_a_sector_contact_too_long_for_the_record_is_refused_not_cut_and_kept(client):
    """The people met go into the record's 200-character title: a long entry is refused
    with the count, not saved with the people (the number the sector report counts) cut."""
    _org, _term, _office, member = setting()
    client.force_login(member.user)
    title = "走访" + "小微企业" * 48  # 194 characters
    data = {
        "kind": K.SECTOR_CONTACT,
        "date": f"{YEAR}-03-05",
        "title": title,
        "people": "个体工商户5人",
        "evidence": "走访记录",
    }
    response = client.post(reverse("duty:entry_new"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "事项和联系对象合计不能超过198字（现为201字）" in page
    assert title in page and "个体工商户5人" in page
    assert not DutyRecord.objects.filter(member=member).exists()
    response = client.post(reverse("duty:entry_new"), {**data, "title": title[:180]})
    assert response.status_code == 302
    assert DutyRecord.objects.get(member=member).title.endswith("（个体工商户5人）")


def test_it_rejects_a_future_dated_entry(client):
    _org, _term, _office, member = setting()
    client.force_login(member.user)
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post(
        reverse("duty:entry_new"),
        {"kind": K.MEETING, "date": future, "title": "会议", "evidence": "通知"},
    )
    assert response.status_code == 400
    assert "日期不能晚于今天" in response.content.decode()
    assert not DutyRecord.objects.exists()


def test_it_hides_one_members_file_from_another_member(client):
    org, term, _office, member = setting()
    other = member_with_user(org)
    seat(other, term)
    client.force_login(other.user)
    assert client.get(reverse("duty:member_file", args=[member.pk])).status_code == 404
    assert client.get(reverse("duty:member_file", args=[other.pk])).status_code == 200


@pytest.mark.clause("C5.11")
def test_it_raises_absence_cases_once_and_escalates_on_the_second_absence():
    org, _term, _office, member = setting()
    record(member, K.PLENARY_ABSENCE_UNEXCUSED, date=dt.date(YEAR, 1, 10))
    assert scan_discipline(org, YEAR, yearly=False) == 1
    assert scan_discipline(org, YEAR, yearly=False) == 0
    case = DisciplineCase.objects.get(member=member)
    assert case.rule == DisciplineCase.Rule.ABSENCE_REMINDER
    record(member, K.PLENARY_ABSENCE_UNEXCUSED, date=dt.date(YEAR, 1, 11))
    assert scan_discipline(org, YEAR, yearly=False) == 1
    assert set(DisciplineCase.objects.values_list("rule", flat=True)) == {
        DisciplineCase.Rule.ABSENCE_REMINDER,
        DisciplineCase.Rule.ABSENCE_WARNING,
    }


@pytest.mark.clause("C5.11")
@time_machine.travel(dt.datetime(YEAR + 1, 1, 5, 2, 0, tzinfo=dt.UTC))
def test_it_flags_two_idle_years_and_two_low_score_years():
    org, _term, _office, member = setting()
    busy = MemberFactory(organisation=org)
    seat(busy, _term)
    for year in (YEAR - 1, YEAR):
        record(busy, K.PROPOSAL_FIRST, date=dt.date(year, 2, 1))
        record(busy, K.PLENARY_HALF_DAY, date=dt.date(year, 2, 1), quantity=16)
    call_command("scan_discipline", year=YEAR)
    flagged = set(DisciplineCase.objects.values_list("member_id", "rule"))
    assert flagged == {
        (member.pk, DisciplineCase.Rule.NO_CONTRIBUTION),
        (member.pk, DisciplineCase.Rule.LOW_SCORE),
    }


@pytest.mark.clause("C5.11")
def test_it_records_the_office_decision_on_a_case_and_tells_the_member(client):
    org, _term, office, member = setting()
    record(member, K.PLENARY_ABSENCE_UNEXCUSED)
    scan_discipline(org, YEAR, yearly=False)
    case = DisciplineCase.objects.get()
    client.force_login(office)
    url = reverse("duty:case", args=[case.pk])
    response = client.post(url, {"decision": "reminded", "note": ""})
    assert response.status_code == 400
    response = client.post(url, {"decision": "reminded", "note": "已由秘书长谈话提醒"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == DisciplineCase.Status.REMINDED
    assert case.decided_by == office
    assert Event.objects.filter(verb="duty.case_decide").exists()
    assert Notification.objects.filter(recipient=member.user).exists()

    client.force_login(member.user)
    page = client.get(reverse("duty:cases")).content.decode()
    assert "无故缺席全体会议" in page
    detail = client.get(url).content.decode()
    assert "已提醒谈话" in detail and "记录处理结果" not in detail
    assert client.post(url, {"decision": "dismissed", "note": "x"}).status_code == 403


def test_it_hides_other_members_cases(client):
    org, term, _office, member = setting()
    record(member, K.PLENARY_ABSENCE_UNEXCUSED)
    scan_discipline(org, YEAR, yearly=False)
    other = member_with_user(org)
    client.force_login(other.user)
    case = DisciplineCase.objects.get()
    assert client.get(reverse("duty:case", args=[case.pk])).status_code == 404
    assert member.name not in client.get(reverse("duty:cases")).content.decode()


@pytest.mark.clause("C6.3")
def test_it_prints_a_certificate_that_the_portal_verifies(client):
    _org, _term, _office, member = setting()
    record(member, K.PLENARY_HALF_DAY, date=dt.date(YEAR, 1, 8), title="区政协全体会议")
    record(member, K.INSPECTION, date=dt.date(YEAR, 5, 9), title="河湖长制视察")
    record(member, K.PROPOSAL_FIRST, date=dt.date(YEAR, 1, 9), title="一件提案")
    record(member, K.MEETING, date=dt.date(YEAR - 1, 5, 9), title="去年的会")
    client.force_login(member.user)
    response = client.post(
        reverse("duty:certificate"), {"start_date": f"{YEAR}-01-01", "end_date": f"{YEAR}-12-31"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    cert = Certificate.objects.get()
    assert cert.activity_count == 2
    compact = text.replace(" ", "").replace("\n", "")
    assert "参加政协活动证明" in compact
    assert "河湖长制视察" in compact and "一件提案" not in compact and "去年的会" not in compact
    assert cert.code in compact

    client.logout()
    page = client.get("/portal/verify/", {"code": cert.code.lower()}).content.decode()
    assert "真实有效" in page and member.name in page and "2" in page
    assert member.phone not in page
    assert "未找到" in client.get("/portal/verify/", {"code": "NOPE"}).content.decode()


def test_it_refuses_a_certificate_period_that_ends_before_it_starts(client):
    _org, _term, _office, member = setting()
    client.force_login(member.user)
    response = client.post(
        reverse("duty:certificate"), {"start_date": f"{YEAR}-05-01", "end_date": f"{YEAR}-01-01"}
    )
    assert response.status_code == 400
    assert "截止日期不能早于起始日期" in response.content.decode()
    assert not Certificate.objects.exists()


@pytest.mark.clause("C6.3")
def test_it_refuses_a_certificate_period_that_ends_in_the_future(client):
    """A period to the end of this year would certify days not yet lived."""
    from django.core.exceptions import ValidationError

    from xieshang.duty.services import certificate_issue

    _org, _term, _office, member = setting()
    today = timezone.localdate()
    future = today + dt.timedelta(days=1)
    client.force_login(member.user)
    response = client.post(
        reverse("duty:certificate"),
        {"start_date": f"{today.year}-01-01", "end_date": future.isoformat()},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "日期不能晚于今天" in html and future.isoformat() in html  # the input is kept
    assert not Certificate.objects.exists()
    with pytest.raises(ValidationError):
        certificate_issue(member=member, actor=member.user, start=today, end=future)
    assert not Certificate.objects.exists()
    # Up to today is a period lived.
    response = client.post(
        reverse("duty:certificate"),
        {"start_date": f"{today.year}-01-01", "end_date": today.isoformat()},
    )
    assert response["Content-Type"] == "application/pdf"


def test_it_shows_duty_cards_on_the_home_page(client):
    org, _term, office, member = setting()
    record(member, K.MEETING, date=timezone.localdate())
    client.force_login(member.user)
    assert "我的履职档案" in client.get("/").content.decode()
    client.force_login(office)
    assert "履职考核" in client.get("/").content.decode()


def test_the_demo_builds_pending_entries_and_cases():
    import random

    from xieshang.duty import demo

    org = make_org()
    user_with_role(Role.OFFICE, org)
    term = TermFactory(organisation=org, start_date=dt.date(2022, 1, 10))
    for _ in range(5):
        seat(MemberFactory(organisation=org), term)
    demo.build(organisation=org, rng=random.Random(1))
    assert DutyRecord.objects.filter(status=DutyRecord.Status.PENDING).count() >= 3
    # Cases come from the scan over the demo's records (the idle member), each audited.
    assert DisciplineCase.objects.filter(rule=DisciplineCase.Rule.NO_CONTRIBUTION).exists()
    assert Event.objects.filter(verb="duty.case_raise").count() == DisciplineCase.objects.count()


@pytest.mark.clause("C5.7")
def test_the_office_enters_a_members_duty_on_their_behalf(client):
    """A member who reports on paper or by phone: the office enters it, it counts at once,
    the member is told, and the audit trail says who entered it."""
    org, _term, office, member = setting()
    client.force_login(office)
    file_page = client.get(reverse("duty:member_file", args=[member.pk])).content.decode()
    assert reverse("duty:entry_for_member", args=[member.pk]) in file_page
    data = {
        "kind": K.INSPECTION,
        "date": f"{YEAR}-03-05",
        "title": "河道视察",
        "evidence": "签到表",
    }
    refused = client.post(
        reverse("duty:entry_for_member", args=[member.pk]), {**data, "evidence": ""}
    )
    assert refused.status_code == 400 and "河道视察" in refused.content.decode()
    response = client.post(reverse("duty:entry_for_member", args=[member.pk]), data)
    assert response.status_code == 302
    entry = DutyRecord.objects.get(member=member)
    assert entry.status == DutyRecord.Status.CONFIRMED and entry.created_by == office
    assert Event.objects.filter(verb="duty.entry_record", actor=office).exists()
    assert Notification.objects.filter(recipient=member.user, title__contains="河道视察").exists()
    # A member cannot enter for another, nor an office of another district.
    other = member_with_user(org)
    client.force_login(other.user)
    assert client.get(reverse("duty:entry_for_member", args=[member.pk])).status_code == 404
    client.force_login(user_with_role(Role.OFFICE, make_org("另一区政协")))
    assert client.post(reverse("duty:entry_for_member", args=[member.pk]), data).status_code == 404
    assert DutyRecord.objects.filter(member=member).count() == 1


@pytest.mark.clause("C3.3")
def test_the_duty_file_lists_the_talks_and_visits_of_the_chosen_year_only(client):
    from xieshang.members.models import MemberContact

    org, _term, office, member = setting()
    for day, topic in (
        (dt.date(YEAR, 5, 6), "了解履职情况"),
        (dt.date(YEAR - 1, 9, 1), "看望生病委员"),
    ):
        MemberContact.objects.create(
            organisation=org,
            member=member,
            kind="talk",
            date=day,
            by_name="办公室李华",
            topic=topic,
        )
    client.force_login(office)
    url = reverse("duty:member_file", args=[member.pk])
    this_year = client.get(url, {"year": YEAR}).content.decode()
    assert "了解履职情况" in this_year and "看望生病委员" not in this_year
    last_year = client.get(url, {"year": YEAR - 1}).content.decode()
    assert "看望生病委员" in last_year and "了解履职情况" not in last_year
    # A year with none: no section at all.
    assert 'id="member-contacts"' not in client.get(url, {"year": YEAR - 2}).content.decode()
