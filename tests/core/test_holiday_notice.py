"""Issue 13: the State Council's holiday notice for next year, entered in one form; the year
view; and the warning next to deadlines in a year whose notice is not entered yet.

The 2027 notice below is TEST DATA, NOT THE OFFICIAL NOTICE (it was not published when this
was written): 元旦 Fri 1 – Sun 3 January; 春节 Fri 5 – Sat 13 February (the library puts
Chinese New Year's Eve on Fri 5 February, the festival on Sat 6 February); make-up working
days Sun 31 January and Sat 20 February.
"""

import datetime as dt
import re

import holidays
import pytest
import time_machine
from django.urls import reverse

from tests.factories import DepartmentFactory, make_org, user_with_role
from xieshang.core import calendar, services
from xieshang.core.calendar import add_working_days, unconfirmed_year
from xieshang.core.models import CalendarDay, Event, HolidayNotice
from xieshang.followups import services as followups
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db

D = dt.date
NOTE = "明年调休安排尚未录入，截止日期可能有变"


def _at(day: dt.date):
    """Freeze the clock at 10:00 Beijing time on `day`."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(2, 0), tzinfo=dt.UTC))


# The 2027 notice is entered in November 2026, as the real one would be: from 2028 a 2027
# notice is refused (only this year's and later years' may be entered).
ENTERED = _at(D(2026, 11, 20))


@pytest.fixture(autouse=True)
def _fresh_confirmed_years():
    # Which years have a notice is remembered per process; each test starts afresh.
    calendar.forget_confirmed()
    yield
    calendar.forget_confirmed()


@pytest.fixture
def tree():
    city = make_org("江城市政协", Level.CITY)
    east = make_org("东湖区政协", Level.DISTRICT, city)
    return city, east


@pytest.fixture
def sysadmin(tree):
    return user_with_role(Role.SYSTEM_ADMIN, tree[0], full_name="系统员")


@pytest.fixture
def office(tree):
    return user_with_role(Role.OFFICE, tree[0], full_name="办公室")


def _rows(prefix: str, rows: list[dict], fields: list[str], total: int) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i in range(total):
        row = rows[i] if i < len(rows) else {}
        for name in fields:
            data[f"{prefix}-{i}-{name}"] = row.get(name, "")
    return data


def notice_data(periods=None, makeups=None, **header) -> dict:
    periods = (
        [
            {"name": "元旦", "first": "2027-01-01", "last": "2027-01-03"},
            {"name": "春节", "first": "2027-02-05", "last": "2027-02-13"},
            {"name": "清明节"},  # an offered festival row left without dates: not saved
        ]
        if periods is None
        else periods
    )
    makeups = (
        [
            {"date": "2027-01-31", "note": "春节调休上班"},
            {"date": "2027-02-20", "note": "春节调休上班"},
        ]
        if makeups is None
        else makeups
    )
    data = {
        "year": "2027",
        "title": "国务院办公厅关于2027年部分节假日安排的通知（测试数据）",
        "number": "国办发明电〔2026〕X号",
        "published_on": "2026-11-12",
        "version": "0",
        **header,
    }
    data.update(_rows("period", periods, ["name", "first", "last"], 8))
    data.update(_rows("makeup", makeups, ["date", "note"], 8))
    return data


def test_the_library_knows_2027s_festivals_but_not_its_make_up_days():
    china = holidays.China(years=2027)
    assert D(2027, 2, 6) in china  # Spring Festival
    assert not [day for day in china.weekend_workdays if day.year == 2027]
    assert (D(2027, 1, 31).weekday(), D(2027, 2, 20).weekday()) == (6, 5)  # Sun, Sat
    assert not calendar.library_knows_swaps(2027) and calendar.library_knows_swaps(2026)


@pytest.mark.clause("C4.7")
@ENTERED
def test_the_system_admin_enters_the_notice_and_deadlines_follow_it(client, sysadmin):
    """10 working days after Friday 29 January 2027, with the notice:
    Sun 31 Jan (make-up) 1, Mon 1 – Thu 4 Feb 2–5, Fri 5 – Sat 13 Feb holiday, Sun 14 off,
    Mon 15 – Fri 19 Feb 6–10 → Friday 19 February.
    The library alone: Sat 30, Sun 31 off, Mon 1 – Thu 4 Feb 1–4, Fri 5 – Wed 10 off (eve,
    festival, observed), Thu 11, Fri 12 5–6, weekend, Mon 15 – Thu 18 7–10 → Thursday 18."""
    start = D(2027, 1, 29)
    assert add_working_days(start, 10) == D(2027, 2, 18)
    assert add_working_days(D(2027, 2, 19), 1) == D(2027, 2, 22)

    client.force_login(sysadmin)
    form = client.get(reverse("holiday_notice"))
    assert form.status_code == 200
    assert 'value="春节"' in form.content.decode()  # the festivals are offered ready
    response = client.post(reverse("holiday_notice"), notice_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("calendar_year", args=[2027])

    assert add_working_days(start, 10) == D(2027, 2, 19)
    assert add_working_days(D(2027, 2, 19), 1) == D(2027, 2, 20)  # the make-up Saturday
    assert add_working_days(D(2027, 1, 29), 1) == D(2027, 1, 31)  # the make-up Sunday
    notice = HolidayNotice.objects.get(year=2027)
    assert notice.entered_by == sysadmin and notice.number == "国办发明电〔2026〕X号"
    assert CalendarDay.objects.filter(notice=notice).count() == 3 + 9 + 2
    event = Event.objects.get(verb="calendar.notice")
    assert event.actor == sysadmin and event.to_state == "confirmed"
    assert event.data["added"]["2027-02-20"] == "班 春节调休上班"
    assert event.data["added"]["2027-02-11"] == "休 春节"

    page = client.get(response["Location"]).content.decode()
    assert "国办发明电〔2026〕X号" in page
    assert page.count(">班<") == 2  # the two make-up days, the only ones of 2027
    assert "春节调休上班" in page
    days = calendar.year_days(2027)
    rest = [d for d in days if d.month <= 2 and days[d].mark == "rest"]
    assert rest == [D(2027, 1, 1), D(2027, 2, 5)] + [D(2027, 2, d) for d in range(8, 13)]
    assert days[D(2027, 2, 13)].mark == "" and days[D(2027, 2, 13)].name == "春节"
    assert days[D(2027, 10, 1)].name == "国庆节"  # the library's festivals, in Chinese


@ENTERED
def test_entering_the_notice_again_replaces_its_days_and_keeps_local_exceptions(client, sysadmin):
    services.calendar_day_set(actor=sysadmin, date=D(2027, 5, 6), is_working_day=False, note="本地")
    services.calendar_day_set(actor=sysadmin, date=D(2027, 1, 31), is_working_day=False, note="旧")
    client.force_login(sysadmin)
    assert client.post(reverse("holiday_notice"), notice_data()).status_code == 302
    assert CalendarDay.objects.get(date=D(2027, 5, 6)).notice is None  # kept, still local
    taken = CalendarDay.objects.get(date=D(2027, 1, 31))  # the notice's date wins
    assert taken.is_working_day and taken.notice is not None

    # The form for 2027 comes back filled in; drop the Saturday make-up day and save again.
    again = client.get(reverse("holiday_notice") + "?year=2027").content.decode()
    assert 'value="2027-02-13"' in again and 'value="2027-02-20"' in again
    data = notice_data(makeups=[{"date": "2027-01-31", "note": "春节调休上班"}], version="1")
    assert client.post(reverse("holiday_notice"), data).status_code == 302
    assert not CalendarDay.objects.filter(date=D(2027, 2, 20)).exists()
    assert CalendarDay.objects.filter(date=D(2027, 5, 6), notice=None).exists()
    event = Event.objects.filter(verb="calendar.notice").latest("pk")
    assert event.data["removed"] == {"2027-02-20": "班 春节调休上班"}
    assert add_working_days(D(2027, 2, 19), 1) == D(2027, 2, 22)

    # A form loaded before that second save is stale: nothing changes, what was typed stays.
    stale = client.post(reverse("holiday_notice"), notice_data(version="1", number="旧文号"))
    assert stale.status_code == 400
    assert "已在其他窗口或由他人修改" in stale.content.decode()
    assert 'value="旧文号"' in stale.content.decode()
    assert HolidayNotice.objects.get(year=2027).version == 2


@ENTERED
def test_a_bad_notice_keeps_every_typed_row_with_chinese_messages(client, sysadmin):
    client.force_login(sysadmin)
    data = notice_data(
        periods=[
            {"name": "元旦", "first": "2027-01-03", "last": "2027-01-01"},
            {"name": "春节", "first": "2027-02-05", "last": "2027-02-13"},
            {"name": "春节补", "first": "2027-02-12", "last": "2027-02-14"},
            {"name": "国庆节", "first": "2028-10-01", "last": "2028-10-07"},
        ],
        makeups=[
            {"date": "2027-02-17", "note": "周三"},
            {"date": "2027-01-31", "note": "春节调休上班"},
            {"date": "2027-01-31", "note": "又一次"},
            {"date": "2027-02-06", "note": "放假期间"},
        ],
    )
    response = client.post(reverse("holiday_notice"), data)
    assert response.status_code == 400
    page = response.content.decode()
    for message in [
        "放假结束日期不能早于开始日期",
        "与“春节”的放假日期重叠",
        "放假日期须在2027年内",
        "调休上班日应为周六或周日，该日是星期三",
        "该日期重复填写",
        "该日在“春节”放假期间内",
    ]:
        assert message in page, message
    for typed in ['value="2027-01-03"', 'value="春节补"', 'value="2028-10-07"', 'value="周三"']:
        assert typed in page, typed
    assert 'value="国办发明电〔2026〕X号"' in page
    assert not HolidayNotice.objects.exists() and not CalendarDay.objects.exists()


def test_only_the_top_level_system_admin_enters_a_notice_and_staff_read_the_year(
    client, tree, office, sysadmin
):
    city, east = tree
    for user in (office, user_with_role(Role.SYSTEM_ADMIN, east)):
        client.force_login(user)
        assert client.get(reverse("holiday_notice")).status_code == 403
        assert client.post(reverse("holiday_notice"), notice_data()).status_code == 403
    assert not HolidayNotice.objects.exists()
    assert not Event.objects.filter(verb="calendar.notice").exists()

    client.force_login(office)
    page = client.get(reverse("calendar_year", args=[2027]))
    assert page.status_code == 200
    assert "2027年调休安排尚未录入" in page.content.decode()
    # The office cannot enter it: the page says who does (the card on its home page too).
    assert "由系统管理员按国务院办公厅的通知录入" in page.content.decode()
    assert "录入本年度通知" not in page.content.decode()
    client.force_login(user_with_role(Role.MEMBER, east))
    assert client.get(reverse("calendar_year", args=[2027])).status_code == 403


def test_the_year_names_a_swapped_day_off_with_a_chinese_date(client, office):
    """The holiday library says "休息日（由 2026-01-04 调休）"; the page says it in words."""
    client.force_login(office)
    html = client.get(reverse("calendar_year", args=[2026])).content.decode()
    assert "休息日（1月4日调休上班）" in html
    assert not re.search(r"20\d\d-\d\d-\d\d", html.split("<main", 1)[1])


@pytest.mark.clause("C4.7")
def test_from_november_next_years_deadlines_warn_until_the_notice_is_entered(
    client, tree, office, sysadmin
):
    dept = DepartmentFactory(organisation=tree[0], name="市民政局")
    with _at(D(2026, 11, 5)):
        task = followups.task_open(
            organisation=tree[0],
            title="跨年督办事项",
            department=dept,
            actor=office,
            due_date=D(2027, 1, 15),
        )
        client.force_login(office)
        home = client.get("/").content.decode()
        assert "2027年调休安排未录入" in home and NOTE in home
        assert "由系统管理员按国务院办公厅的通知录入" in home  # the office cannot enter it
        client.force_login(sysadmin)
        home = client.get("/").content.decode()
        assert NOTE in home and "由系统管理员" not in home  # who can, is not sent elsewhere
        client.force_login(office)
        detail = client.get(reverse("followups:detail", args=[task.pk])).content.decode()
        assert NOTE in detail

        client.force_login(sysadmin)
        assert client.post(reverse("holiday_notice"), notice_data()).status_code == 302
        client.force_login(office)
        assert NOTE not in client.get("/").content.decode()
        detail = client.get(reverse("followups:detail", args=[task.pk])).content.decode()
        assert NOTE not in detail


@pytest.mark.clause("C4.7")
def test_a_deadline_inside_this_year_does_not_warn(client, tree, office):
    dept = DepartmentFactory(organisation=tree[0], name="市民政局")
    with _at(D(2026, 12, 10)):
        task = followups.task_open(
            organisation=tree[0], title="年内事项", department=dept, actor=office, working_days=5
        )
        assert task.due_date.year == 2026
        client.force_login(office)
        detail = client.get(reverse("followups:detail", args=[task.pk])).content.decode()
        assert "跨年" not in detail and NOTE not in detail
        assert NOTE in client.get("/").content.decode()  # next year is still unconfirmed


def test_unconfirmed_year_starts_on_november_first():
    due = D(2027, 3, 1)
    assert unconfirmed_year(due, today=D(2026, 10, 31)) is None
    assert unconfirmed_year(due, today=D(2026, 11, 1)) == 2027
    assert unconfirmed_year(D(2026, 12, 31), today=D(2026, 11, 1)) is None
    assert unconfirmed_year(D(2027, 1, 4), today=D(2026, 1, 4)) is None
    assert unconfirmed_year(None) is None


def test_a_district_deployments_system_admin_enters_the_notice(client, tree):
    """The demo's shape: the city and province are bare nodes above the one district that
    uses the platform. Its system administrator is the top one, or nobody could enter the
    notice the office's card asks for."""
    district_admin = user_with_role(Role.SYSTEM_ADMIN, tree[1])
    client.force_login(district_admin)
    with ENTERED:
        assert client.post(reverse("holiday_notice"), notice_data()).status_code == 302
    assert HolidayNotice.objects.get().entered_by == district_admin
