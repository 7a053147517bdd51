"""基础数据 · 届次与全体会议: the office or the system administrator adds a term and its plenary
sessions through the pages; the rules on numbers and dates; audit; stale edits refused."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import DepartmentFactory, TermFactory, make_org, user_with_role
from xieshang.core.models import Event
from xieshang.orgs.models import Level, Role, Session, Term

D = dt.date


@pytest.fixture
def east(db):
    city = make_org("示范市政协", Level.CITY)
    return make_org("东区政协", Level.DISTRICT, parent=city)


@pytest.fixture
def office(east):
    return user_with_role(Role.OFFICE, east)


def terms_url(org):
    return reverse("orgs:terms", args=[org.pk])


def test_office_adds_the_first_term_and_the_next_one_closes_it(client, east, office):
    client.force_login(office)
    page = client.get(terms_url(east))
    assert page.status_code == 200
    assert "尚未设置届次" in page.content.decode()

    response = client.post(terms_url(east), {"number": "15", "start_date": "2022-01-10"})
    assert response.status_code == 302
    fifteen = Term.objects.get(organisation=east, number=15)
    assert fifteen.start_date == D(2022, 1, 10) and fifteen.end_date is None

    # The number defaults to the last + 1.
    page = client.get(terms_url(east)).content.decode()
    assert "第十五届" in page and 'name="number" value="16"' in page
    response = client.post(terms_url(east), {"number": "", "start_date": "2027-01-08"})
    assert response.status_code == 302
    sixteen = Term.objects.get(organisation=east, number=16)
    fifteen.refresh_from_db()
    assert fifteen.end_date == D(2027, 1, 7)
    assert sixteen.end_date is None

    events = Event.objects.filter(organisation=east, verb__startswith="org.term")
    assert set(events.values_list("verb", flat=True)) == {"org.term_create", "org.term_end"}
    closed = events.get(verb="org.term_end")
    assert closed.actor == office and closed.to_state == "2027年1月7日"


def test_a_duplicate_or_earlier_term_is_refused_and_the_input_kept(client, east, office):
    TermFactory(organisation=east, number=15, start_date=D(2022, 1, 10))
    client.force_login(office)
    response = client.post(terms_url(east), {"number": "15", "start_date": "2027-01-08"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "本政协已有第十五届" in body
    assert 'value="2027-01-08"' in body
    response = client.post(terms_url(east), {"number": "16", "start_date": "2021-05-01"})
    assert response.status_code == 400
    assert "开始日期须晚于第十五届的开始日期（2022年1月10日）" in response.content.decode()
    assert Term.objects.filter(organisation=east).count() == 1
    assert not Event.objects.filter(verb="org.term_create").exists()


def test_a_session_is_added_within_its_term_with_date_rules(client, east, office):
    term = TermFactory(organisation=east, number=15, start_date=D(2022, 1, 10))
    client.force_login(office)
    add = reverse("orgs:session_add", args=[term.pk])
    data = {
        "number": "1",
        "start_date": "2022-01-10",
        "end_date": "2022-01-08",
        "proposal_deadline": "2022-01-20",
    }
    response = client.post(add, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "闭幕日期不能早于开幕日期" in body
    assert 'value="2022-01-20"' in body
    data["end_date"] = "2022-01-13"
    response = client.post(add, data)
    assert response.status_code == 400
    assert "大会提案截止日期不能晚于闭幕日期" in response.content.decode()
    data.update(start_date="2021-12-30", proposal_deadline="")
    response = client.post(add, data)
    assert "开幕日期不能早于本届开始日期" in response.content.decode()
    data.update(start_date="2022-01-10", proposal_deadline="2022-01-12")
    assert client.post(add, data).status_code == 302
    session = Session.objects.get(term=term, number=1)
    assert str(session) == "第十五届第一次会议"
    assert session.proposal_deadline == D(2022, 1, 12)
    assert "第十五届第一次会议" in client.get(terms_url(east)).content.decode()
    assert Event.objects.filter(verb="org.session_create", actor=office).count() == 1

    # A second one with the same number, or overlapping, is refused.
    response = client.post(
        add, {"number": "1", "start_date": "2023-01-05", "end_date": "2023-01-08"}
    )
    assert response.status_code == 400
    assert "第十五届已有第一次会议" in response.content.decode()
    response = client.post(
        add, {"number": "2", "start_date": "2022-01-12", "end_date": "2022-01-15"}
    )
    assert response.status_code == 400
    overlap = "会期与第十五届第一次会议（2022年1月10日至2022年1月13日）重叠"
    assert overlap in response.content.decode()


def test_a_session_edit_is_audited_and_a_stale_one_refused(client, east, office):
    term = TermFactory(organisation=east, number=15, start_date=D(2022, 1, 10))
    session = Session.objects.create(
        term=term, number=3, start_date=D(2024, 1, 8), end_date=D(2024, 1, 11)
    )
    client.force_login(office)
    edit = reverse("orgs:session_edit", args=[session.pk])
    page = client.get(edit).content.decode()
    assert 'name="was_end_date" value="2024-01-11"' in page
    shown = {
        "was_number": "3",
        "was_start_date": "2024-01-08",
        "was_end_date": "2024-01-11",
        "was_proposal_deadline": "",
    }
    typed = {
        "number": "3",
        "start_date": "2024-01-08",
        "end_date": "2024-01-12",
        "proposal_deadline": "2024-01-10",
    }
    response = client.post(edit, {**typed, **shown})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.end_date == D(2024, 1, 12)
    event = Event.objects.get(verb="org.session_update")
    assert event.from_state == "第三次会议，2024年1月8日至2024年1月11日"
    assert event.to_state == "第三次会议，2024年1月8日至2024年1月12日，提案截止2024年1月10日"

    # Someone else's save meanwhile: the old page's save is refused, what was typed kept.
    response = client.post(edit, {**typed, "end_date": "2024-01-13", **shown})
    assert response.status_code == 400
    body = response.content.decode()
    assert "已在其他窗口或由他人修改" in body
    assert 'value="2024-01-13"' in body
    session.refresh_from_db()
    assert session.end_date == D(2024, 1, 12)


@pytest.mark.parametrize("who", ["member", "department", "other_office"])
def test_others_may_not_see_or_change_the_terms(client, east, who):
    term = TermFactory(organisation=east, number=15, start_date=D(2022, 1, 10))
    session = Session.objects.create(
        term=term, number=1, start_date=D(2022, 1, 10), end_date=D(2022, 1, 13)
    )
    if who == "member":
        user = user_with_role(Role.MEMBER, east)
    elif who == "department":
        unit = DepartmentFactory(organisation=east)
        user = user_with_role(Role.DEPARTMENT, east, department=unit)
    else:
        user = user_with_role(Role.OFFICE, make_org("西区政协", Level.DISTRICT, parent=east.parent))
    client.force_login(user)
    assert client.get(terms_url(east)).status_code in (403, 404)
    assert client.post(terms_url(east), {"start_date": "2027-01-08"}).status_code in (403, 404)
    add = reverse("orgs:session_add", args=[term.pk])
    data = {"number": "2", "start_date": "2023-01-05", "end_date": "2023-01-08"}
    assert client.post(add, data).status_code in (403, 404)
    edit = reverse("orgs:session_edit", args=[session.pk])
    assert client.post(edit, {**data, "number": "1"}).status_code in (403, 404)
    assert Term.objects.count() == 1 and Session.objects.count() == 1
    assert not Event.objects.filter(verb__startswith="org.term").exists()


def test_sysadmin_reaches_it_from_the_organisations_page(client, east):
    # The city's administrator lists the district but does not keep its data.
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, east.parent))
    page = client.get(reverse("organisations")).content.decode()
    assert terms_url(east.parent) in page and terms_url(east) not in page
    assert client.get(terms_url(east)).status_code == 403

    admin = user_with_role(Role.SYSTEM_ADMIN, east)
    client.force_login(admin)
    page = client.get(reverse("organisations")).content.decode()
    assert terms_url(east) in page
    response = client.post(terms_url(east), {"number": "1", "start_date": "2022-01-10"})
    assert response.status_code == 302
    street = make_org("东区某街道", Level.STREET, parent=east)
    assert client.get(terms_url(street)).status_code == 404


def test_the_member_import_without_a_term_links_to_this_page(client, east, office):
    from tests.members.test_excel import good_row, xlsx

    client.force_login(office)
    response = client.post(
        reverse("members:import"), {"organisation": east.pk, "file": xlsx([good_row("张三", 1)])}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "尚未设置届次" in body and f'href="{terms_url(east)}"' in body
