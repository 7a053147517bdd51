"""任职开始日期 (增补): the clerk records the day a seat added during its term began — on the
member form and in the import's optional column — checked against the term and today,
shown on the member page, audited as the seat's other fields are, and read by the year's
evaluation (`selectors.not_seated_in`)."""

import datetime as dt

import pytest
from django.urls import reverse

from xieshang.core.models import Event
from xieshang.duty import selectors as duty_selectors
from xieshang.members import services
from xieshang.members.excel import IMPORT_COLUMNS
from xieshang.members.forms import MemberForm

from .factories import committee, seat_of
from .test_edit import form_data
from .test_excel import good_row, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C5.7")]

TERM_START = dt.date(2022, 1, 10)  # tests.factories.TermFactory


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


# --- The form --------------------------------------------------------------------------


def test_the_form_records_the_day_a_co_opted_seat_began_and_the_page_shows_it(client):
    c = committee()
    client.force_login(c.clerk)
    response = client.post(reverse("members:create"), form_data(c, start_date="2023-03-15"))
    assert response.status_code == 302
    member = c.org.members.get(name="欧阳芳")
    assert seat_of(member, c.term).start_date == dt.date(2023, 3, 15)
    html = client.get(response["Location"]).content.decode()
    seat = seat_of(member, c.term)
    shown = html.split(f'id="seat-start-{seat.pk}">')[1].split("</dd>")[0]
    assert shown == "2023年3月15日（届中增补）"


def test_a_new_members_form_offers_today_once_the_term_has_begun(client):
    """A member added during the term is most often co-opted now: the field comes filled in
    with today (the clerk empties it for a catch-up entry); an existing member's form shows
    the stored date."""
    c = committee()
    client.force_login(c.clerk)
    html = client.get(reverse("members:create")).content.decode()
    field = html.split('name="start_date"')[1].split(">")[0]
    assert f'value="{today().isoformat()}"' in field


def test_an_empty_start_date_is_from_the_terms_start_not_the_day_of_entry(client):
    c = committee()
    client.force_login(c.clerk)
    client.post(reverse("members:create"), form_data(c, start_date=""))
    member = c.org.members.get(name="欧阳芳")
    seat = seat_of(member, c.term)
    assert seat.start_date is None  # a catch-up entry: the seat was held from the start
    html = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert html.split(f'id="seat-start-{seat.pk}">')[1].startswith("自本届开始")


@pytest.mark.parametrize(
    "typed, message",
    [
        ("2021-12-31", "任职开始日期不能早于本届开始日期（2022年1月10日）。"),
        ("tomorrow", "任职开始日期不能晚于今天。"),
        ("2026-02-01", "任职开始日期不能晚于本届结束日期（2026年1月31日）。"),
        ("2023-02-30", "请按“2024-03-15”的格式填写日期。"),
    ],
)
def test_the_form_refuses_a_start_date_outside_the_term_or_ahead_and_keeps_the_input(
    client, typed, message
):
    c = committee()
    c.term.end_date = dt.date(2026, 1, 31)
    c.term.save(update_fields=["end_date"])
    if typed == "tomorrow":
        typed = (today() + dt.timedelta(days=1)).isoformat()
        if today() >= c.term.end_date:  # the clock has passed the term: move its end
            c.term.end_date = today() + dt.timedelta(days=30)
            c.term.save(update_fields=["end_date"])
    client.force_login(c.clerk)
    response = client.post(reverse("members:create"), form_data(c, start_date=typed))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'value="{typed}"' in html  # what was typed is kept
    assert not c.org.members.exists()


def test_the_edit_form_offers_the_stored_date_and_clearing_it_is_audited(client):
    c = committee()
    member = c.member("王增补", start_date=dt.date(2024, 6, 3))
    client.force_login(c.clerk)
    form = MemberForm(user=c.clerk, member=member)
    assert form.initial["start_date"] == dt.date(2024, 6, 3)
    data = {
        **form_data(c, name="王增补", id_number="", gender="M"),
        "version": member.version,
        "start_date": "2024-03-15",
    }
    response = client.post(reverse("members:edit", args=[member.pk]), data)
    assert response.status_code == 302
    assert seat_of(member, c.term).start_date == dt.date(2024, 3, 15)
    event = Event.objects.filter(verb="member.update").latest("pk")
    assert event.data["changed"]["start_date"] == ["2024-06-03", "2024-03-15"]

    member.refresh_from_db()
    data.update(version=member.version, start_date="")
    client.post(reverse("members:edit", args=[member.pk]), data)
    assert seat_of(member, c.term).start_date is None
    event = Event.objects.filter(verb="member.update").latest("pk")
    assert event.data["changed"]["start_date"] == ["2024-03-15", ""]
    html = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "任职开始日期：2024-03-15 → —" in html  # the history names the field


def test_a_seat_entered_without_any_start_date_keeps_the_default():
    """Callers that give none (a script, an import file without the column): `_new_seat`
    dates it today."""
    c = committee()
    data = services.MemberInput(member={"name": "李默认", "gender": "M"}, seat={})
    member = services.member_create(organisation=c.org, term=c.term, data=data, actor=c.clerk)
    assert seat_of(member, c.term).start_date == today()


# --- The evaluation --------------------------------------------------------------------


def test_the_evaluation_counts_the_member_from_the_year_given(client):
    c = committee()
    client.force_login(c.clerk)
    client.post(reverse("members:create"), form_data(c, name="欧阳芳", start_date="2023-03-15"))
    client.post(
        reverse("members:create"),
        form_data(c, name="李补录", id_number="", gender="M", start_date=""),
    )
    added, caught_up = c.org.members.get(name="欧阳芳"), c.org.members.get(name="李补录")

    def evaluated(year):
        return {m.member for m, _s in duty_selectors.evaluation_rows(c.org, year)}

    assert added not in evaluated(2022) and caught_up in evaluated(2022)
    assert {added, caught_up} <= evaluated(2023)


# --- The import ------------------------------------------------------------------------


def _import(client, c, file, django_capture_on_commit_callbacks):
    client.force_login(c.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:import"), {"organisation": c.org.pk, "file": file})
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def test_the_import_reads_the_start_date_column(client, django_capture_on_commit_callbacks):
    c = committee()
    assert ("start_date", "任职开始日期") in IMPORT_COLUMNS
    rows = [
        good_row("王一", 1, 任职开始日期="2023年3月15日"),
        good_row("李二", 2, 任职开始日期=""),
    ]
    _import(client, c, xlsx(rows), django_capture_on_commit_callbacks)
    assert seat_of(c.org.members.get(name="王一"), c.term).start_date == dt.date(2023, 3, 15)
    assert seat_of(c.org.members.get(name="李二"), c.term).start_date is None
    wang = c.org.members.get(name="王一")
    event = Event.objects.get(verb="member.import", object_id=str(wang.pk))
    assert event.data["changed"]["start_date"] == ["", "2023-03-15"]


def test_a_file_without_the_column_keeps_the_default(client, django_capture_on_commit_callbacks):
    c = committee()
    headers = [h for k, h in IMPORT_COLUMNS if k != "start_date"]
    _import(client, c, xlsx([good_row("王一", 1)], headers), django_capture_on_commit_callbacks)
    assert seat_of(c.org.members.get(name="王一"), c.term).start_date == today()


def test_the_import_refuses_a_start_date_outside_the_term_with_the_row(
    client, django_capture_on_commit_callbacks
):
    c = committee()
    rows = [
        good_row("王一", 1, 任职开始日期="2021-05-01"),
        good_row("李二", 2, 任职开始日期="上个月"),
    ]
    html = _import(client, c, xlsx(rows), django_capture_on_commit_callbacks)
    assert "任职开始日期不能早于本届开始日期（2022年1月10日）。" in html
    assert "任职开始日期“上个月”无法识别，请按“2024-03-15”填写。" in html
    assert "第2行" in html and "第3行" in html
    assert not c.org.members.exists()
