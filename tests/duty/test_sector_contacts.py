"""Members' contacts with the people of their sector, reported per sector (C3.4)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.duty.factories import YEAR, record, setting
from tests.factories import (
    MemberFactory,
    SectorFactory,
    TermFactory,
    make_org,
    seat,
    user_with_role,
)
from tests.xlsx import PAYLOAD, assert_no_formulas, workbook
from xieshang.duty import sector_contacts
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.members.models import Membership
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db
K = DutyKind


def test_it_reads_the_people_reached_from_the_entry():
    assert sector_contacts.people_count("走访小微企业（个体工商户5人）") == 5
    assert sector_contacts.people_count("座谈（企业家12名、居民3人）") == 15
    assert sector_contacts.people_count("走访（社区居民十二人）") == 12
    assert sector_contacts.people_count("走访界别群众") == 1


def two_sectors():
    org, term, office, member = setting()
    economy = SectorFactory(organisation=org, name="经济界", sort_order=1)
    education = SectorFactory(organisation=org, name="教育界", sort_order=2)
    seat_of = {}
    for name, sector in (("丁经济", economy), ("王经济", economy), ("李教育", education)):
        m = MemberFactory(organisation=org, name=name)
        seat(m, term, sector=sector)
        seat_of[name] = m
    day = dt.date(YEAR, 4, 1)
    ding = seat_of["丁经济"]
    record(ding, K.SECTOR_CONTACT, date=day, title="走访小微企业（个体工商户5人）")
    record(ding, K.SECTOR_CONTACT, date=day, title="座谈（企业家3人）")
    record(ding, K.PROPOSAL_FIRST, date=day, title="关于小微企业融资的建议")
    record(ding, K.OPINION_SUBMITTED, date=day, title="关于融资难的情况反映")
    # Not counted: pending, last year, and a proposal of a member who made no contact.
    record(
        ding,
        K.SECTOR_CONTACT,
        date=day,
        title="未确认的走访（居民9人）",
        status=DutyRecord.Status.PENDING,
    )
    record(ding, K.SECTOR_CONTACT, date=dt.date(YEAR - 1, 4, 1), title="去年（居民7人）")
    record(seat_of["王经济"], K.PROPOSAL_FIRST, date=day, title="另一件提案")
    record(seat_of["李教育"], K.SECTOR_CONTACT, date=day, title=f"{PAYLOAD}（教师4人）")
    return org, office, economy, education, seat_of


@pytest.mark.clause("C3.4")
def test_the_office_sees_contacts_per_sector_and_drills_down(client):
    _org, office, economy, _education, _members = two_sectors()
    client.force_login(office)
    page = client.get(reverse("duty:sector_contacts"), {"year": YEAR}).content.decode()
    body = page[page.index('id="sector-contacts"') :]
    rows = body.split("<tr")[2:]
    # 经济界: 2 members, 1 contacting, 2 contacts, 8 people, 2 issues.
    assert "经济界" in rows[0] and "教育界" in rows[1]
    cells = [c.split(">")[-1] for c in rows[0].split("</td>")[1:6]]
    assert cells == ["2", "1", "2", "8", "2"]
    cells = [c.split(">")[-1] for c in rows[1].split("</td>")[1:6]]
    assert cells == ["1", "1", "1", "4", "0"]
    # The member of no sector (from `setting`) is counted under 未分界别.
    assert "未分界别" in rows[2]

    drill = reverse("duty:sector_contacts_sector") + f"?year={YEAR}&amp;sector={economy.pk}"
    assert drill in page
    page = client.get(
        reverse("duty:sector_contacts_sector"), {"year": YEAR, "sector": economy.pk}
    ).content.decode()
    assert "委员2人，其中联系群众1人；联系2次，8人次；反映问题2件" in page
    assert "走访小微企业（个体工商户5人）" in page and "座谈（企业家3人）" in page
    assert "未确认的走访" not in page and "去年" not in page and "教师4人" not in page
    members = page[page.index('id="sector-members"') :]
    assert members.index("丁经济") < members.index("王经济")  # surname-stroke order


@pytest.mark.clause("C3.4")
def test_the_report_downloads_as_excel(client):
    _org, office, _economy, _education, _members = two_sectors()
    client.force_login(office)
    response = client.get(reverse("duty:sector_contacts_export"), {"year": YEAR})
    assert response.status_code == 200
    wb = workbook(response)
    assert_no_formulas(wb)
    summary, detail = wb.worksheets
    rows = [[c.value for c in row] for row in summary.iter_rows()]
    assert rows[0][:6] == [
        "界别",
        "委员人数",
        "联系群众委员数",
        "联系次数",
        "联系人次",
        "反映问题（提案、社情民意）",
    ]
    assert rows[1] == ["经济界", 2, 1, 2, 8, 2]
    assert rows[2] == ["教育界", 1, 1, 1, 4, 0]
    entries = [[c.value for c in row] for row in detail.iter_rows(min_row=2)]
    assert sorted(e[1] for e in entries) == ["丁经济", "丁经济", "李教育"]
    assert any(e[3] == f"{PAYLOAD}（教师4人）" for e in entries)  # text, never a formula


def test_only_the_office_of_the_committee_sees_it(client):
    org, _office, economy, _education, members = two_sectors()
    client.force_login(members["丁经济"].user or user_with_role(Role.MEMBER, org))
    assert client.get(reverse("duty:sector_contacts")).status_code == 403
    client.force_login(user_with_role(Role.OFFICE, make_org("另一区政协")))
    url = reverse("duty:sector_contacts_sector")
    assert client.get(url, {"year": YEAR, "sector": economy.pk}).status_code == 404
    assert economy.name not in client.get(reverse("duty:sector_contacts")).content.decode()


def test_the_report_costs_the_same_queries_whatever_the_number_of_sectors():
    org, _office, _economy, _education, _members = two_sectors()
    term = org.terms.get()

    def count():
        with CaptureQueriesContext(connection) as queries:
            sector_contacts.report(org, YEAR)
            sector_contacts.entries_of(org, YEAR)
        return len(queries)

    before = count()
    for _i in range(3):
        sector = SectorFactory(organisation=org)
        m = MemberFactory(organisation=org)
        seat(m, term, sector=sector)
        record(m, K.SECTOR_CONTACT, title="走访（居民2人）")
    assert count() == before


def test_the_pages_cost_the_same_queries_whatever_the_number_of_sectors(client):
    org, office, economy, _education, _members = two_sectors()
    term = org.terms.get()
    client.force_login(office)
    urls = [
        reverse("duty:sector_contacts") + f"?year={YEAR}",
        reverse("duty:sector_contacts_sector") + f"?year={YEAR}&sector={economy.pk}",
        reverse("duty:reports") + f"?year={YEAR}",
    ]

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    client.get(urls[0])  # renews the session: not written again within a minute
    before = counts()
    for _i in range(3):
        sector = SectorFactory(organisation=org)
        for sec in (sector, economy):
            m = MemberFactory(organisation=org)
            seat(m, term, sector=sec)
            record(m, K.SECTOR_CONTACT, title="走访（居民2人）")
    assert counts() == before


def test_in_english_the_entries_member_column_reads_member_on_the_page_and_in_excel(client):
    """One member a row: "Member", not the menu's "Members"."""
    _org, office, economy, _education, _members = two_sectors()
    client.force_login(office)
    client.cookies["django_language"] = "en"
    page = client.get(
        reverse("duty:sector_contacts_sector"), {"year": YEAR, "sector": economy.pk}
    ).content.decode()
    head = page[page.index('id="sector-entries"') :]
    head = head[: head.index("</thead>")]
    assert ">Member</th>" in head and "Members" not in head
    detail = workbook(client.get(reverse("duty:sector_contacts_export"), {"year": YEAR}))
    assert detail.worksheets[1]["B1"].value == "Member"


@pytest.mark.clause("C3.4")
def test_last_years_report_after_a_new_term_counts_the_members_who_served_that_year(client):
    """换届 in January: last year's report is the old term's members and their contacts (as
    on the evaluation page), not the new term's; a seat resigned after the year still
    counts for it."""
    org, old_term, office, _member = setting()
    economy = SectorFactory(organisation=org, name="经济界", sort_order=1)
    served = MemberFactory(organisation=org, name="丁去年")
    seat(served, old_term, sector=economy, status=Membership.Status.TERM_ENDED)
    left_later = MemberFactory(organisation=org, name="王后辞")
    seat(
        left_later,
        old_term,
        sector=economy,
        status=Membership.Status.RESIGNED,
        status_changed_on=dt.date(YEAR + 1, 1, 3),
    )
    record(served, K.SECTOR_CONTACT, date=dt.date(YEAR, 4, 1), title="走访（居民5人）")
    record(left_later, K.SECTOR_CONTACT, date=dt.date(YEAR, 5, 1), title="座谈（企业家2人）")
    new_term = TermFactory(organisation=org, number=16, start_date=dt.date(YEAR + 1, 1, 8))
    newcomer = MemberFactory(organisation=org, name="李新任")
    seat(newcomer, new_term, sector=economy)

    client.force_login(office)
    page = client.get(
        reverse("duty:sector_contacts_sector"), {"year": YEAR, "sector": economy.pk}
    ).content.decode()
    assert "委员2人，其中联系群众2人；联系2次，7人次" in page
    assert "丁去年" in page and "王后辞" in page and "李新任" not in page
    assert "走访（居民5人）" in page and "座谈（企业家2人）" in page
