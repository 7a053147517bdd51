"""Talks with and visits to members (谈心谈话、走访看望委员, C3.3)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from xieshang.core.models import Event
from xieshang.followups.models import Task
from xieshang.members.models import MemberContact, Membership
from xieshang.orgs.models import Role

from ..factories import DepartmentFactory, MemberFactory, TermFactory, seat, user_with_role
from .factories import committee

pytestmark = pytest.mark.django_db


def today():
    """Read at each use: a module-level date goes stale when a run crosses midnight in
    Beijing (16:00 UTC), and "tomorrow" is then today."""
    return timezone.localdate()


def form_data(member, **extra):
    data = {
        "member": member.pk,
        "kind": "talk",
        "date": today().isoformat(),
        "by_name": "区政协主席张明",
        "place": "区政协机关",
        "topic": "了解履职情况",
        "raised": "希望多组织专题调研。",
        "follow_up": "",
        "followup_days": "10",
    }
    data.update(extra)
    return data


def contact(member, kind="talk", date=None, **kwargs):
    date = date or today()
    return MemberContact.objects.create(
        organisation=member.organisation,
        member=member,
        kind=kind,
        date=date,
        by_name=kwargs.pop("by_name", "办公室李华"),
        topic=kwargs.pop("topic", "走访"),
        **kwargs,
    )


@pytest.mark.clause("C3.3")
def test_it_records_a_talk_that_the_office_lists_and_the_audit_trail_keeps(client):
    c = committee()
    wang = c.member("王委员")
    client.force_login(c.clerk)
    response = client.post(reverse("members:contact_create"), form_data(wang))
    assert response.status_code == 302
    entry = MemberContact.objects.get()
    assert (entry.member, entry.kind, entry.by_name) == (wang, "talk", "区政协主席张明")
    assert entry.recorded_by == c.clerk
    event = Event.objects.get(verb="member_contact.record")
    assert (event.actor, event.organisation, event.object_id) == (c.clerk, c.org, str(entry.pk))
    # What the member said stays out of the audit row (it may be personal).
    assert "专题调研" not in str(event.data) + event.note
    listed = client.get(reverse("members:contacts"))
    assert [e.member.name for e in listed.context["page"]] == ["王委员"]
    assert "了解履职情况" in listed.content.decode()


@pytest.mark.clause("C3.3")
def test_it_shows_a_member_the_entries_about_them_and_never_another_members(client):
    c = committee()
    me = c.member("王本人", user=user_with_role(Role.MEMBER, c.org))
    other = c.member("李他人", user=user_with_role(Role.MEMBER, c.org))
    contact(me, topic="节前走访看望")
    contact(other, topic="他人的谈话主题")
    client.force_login(me.user)
    page = client.get(reverse("duty:my_file")).content.decode()
    assert "节前走访看望" in page
    assert "他人的谈话主题" not in page
    # Another member's file is not theirs to open, nor is the office's list.
    assert client.get(reverse("duty:member_file", args=[other.pk])).status_code == 404
    assert client.get(reverse("members:contacts")).status_code == 403
    assert client.get(reverse("members:contact_create")).status_code == 403


@pytest.mark.clause("C3.3")
def test_it_refuses_a_future_date_and_keeps_what_was_typed(client):
    c = committee()
    wang = c.member("王委员")
    client.force_login(c.clerk)
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("members:contact_create"), form_data(wang, date=tomorrow, topic="独特的主题词")
    )
    assert response.status_code == 400
    assert "日期不能晚于今天" in response.content.decode()
    assert 'value="独特的主题词"' in response.content.decode()
    assert not MemberContact.objects.exists()
    assert not Event.objects.filter(verb="member_contact.record").exists()


@pytest.mark.clause("C3.3")
def test_it_keeps_each_district_to_its_own_members(client):
    ours, theirs = committee(), committee("他区政协")
    wang = ours.member("王委员")
    contact(wang, topic="本区的谈话")
    client.force_login(theirs.clerk)
    response = client.post(reverse("members:contact_create"), form_data(wang))
    assert response.status_code == 400  # not among the members they may choose
    assert MemberContact.objects.count() == 1
    assert list(client.get(reverse("members:contacts")).context["page"]) == []


@pytest.mark.clause("C3.3")
def test_committee_staff_record_too(client):
    c = committee()
    wang = c.member("王委员")
    staff = user_with_role(Role.COMMITTEE_STAFF, c.org, committee=c.committee)
    client.force_login(staff)
    response = client.post(reverse("members:contact_create"), form_data(wang, kind="visit"))
    assert response.status_code == 302
    assert MemberContact.objects.get().kind == "visit"


@pytest.mark.clause("C3.3")
def test_it_hands_what_the_member_raised_to_a_department_as_a_follow_up_task(client):
    c = committee()
    wang = c.member("王委员")
    dept = DepartmentFactory(organisation=c.org, name="区交通局")
    client.force_login(c.clerk)
    response = client.post(
        reverse("members:contact_create"),
        form_data(wang, followup_department=dept.pk, raised="学校门口拥堵。", followup_days="5"),
    )
    assert response.status_code == 302
    entry = MemberContact.objects.get()
    task = Task.objects.get()
    assert entry.followup_task == task
    assert task.department == dept
    assert "王委员" in task.title and task.request == "学校门口拥堵。"
    assert task.subject == entry
    # Handing over without saying what to handle is refused, the typed text kept.
    response = client.post(
        reverse("members:contact_create"),
        form_data(wang, followup_department=dept.pk, raised="", topic="再次谈话"),
    )
    assert response.status_code == 400
    assert Task.objects.count() == 1


@pytest.mark.clause("C3.3")
def test_committee_staff_who_hand_a_matter_over_can_follow_the_task_they_asked_for(client):
    c = committee()
    wang = c.member("王委员")
    dept = DepartmentFactory(organisation=c.org, name="区交通局")
    staff = user_with_role(Role.COMMITTEE_STAFF, c.org, committee=c.committee)
    client.force_login(staff)
    response = client.post(
        reverse("members:contact_create"),
        form_data(wang, followup_department=dept.pk, raised="学校门口拥堵。"),
    )
    assert response.status_code == 302
    task = Task.objects.get()
    detail = reverse("followups:detail", args=[task.pk])
    # The contacts list links to it, the task page opens, and it is in their queue.
    assert detail in client.get(reverse("members:contacts")).content.decode()
    page = client.get(detail)
    assert page.status_code == 200 and not page.context["can_manage"]
    assert task in client.get(reverse("followups:queue")).context["page"]
    # Another committee's staff, who did not ask, still cannot open it.
    other = user_with_role(Role.COMMITTEE_STAFF, c.org)
    client.force_login(other)
    assert client.get(detail).status_code == 404
    assert task not in client.get(reverse("followups:queue")).context["page"]


@pytest.mark.clause("C3.3")
def test_it_filters_the_list_by_year_kind_and_sector(client):
    c = committee()
    a = c.member("王经济")
    b = c.member("李教育", sector=c.sector2)
    contact(a, "talk", dt.date(today().year, 1, 2), topic="今年谈话")
    contact(b, "visit", dt.date(today().year, 1, 3), topic="今年走访")
    contact(a, "visit", dt.date(today().year - 1, 5, 1), topic="去年走访")
    client.force_login(c.clerk)

    def topics(**params):
        return [e.topic for e in client.get(reverse("members:contacts"), params).context["page"]]

    assert topics(year=today().year) == ["今年走访", "今年谈话"]
    assert topics(kind="visit") == ["今年走访", "去年走访"]
    assert topics(sector=c.sector2.pk) == ["今年走访"]
    assert client.get(reverse("members:contacts"), {"kind": "nonsense"}).status_code == 400


@pytest.mark.clause("C3.3")
def test_the_yearly_report_counts_per_kind_and_sector_and_names_members_not_contacted(client):
    c = committee()
    a = c.member("王经济")
    b = c.member("李经济")
    d = c.member("张教育", sector=c.sector2)
    c.member("赵教育", sector=c.sector2)
    year = today().year
    contact(a, "talk", dt.date(year, 1, 2))
    contact(a, "visit", dt.date(year, 1, 3))
    contact(d, "visit", dt.date(year, 1, 4))
    contact(b, "talk", dt.date(year - 1, 6, 1))  # last year: b is still to be contacted
    client.force_login(c.clerk)
    report = client.get(reverse("members:contact_report"), {"year": year}).context["report"]
    assert {k["value"]: k["count"] for k in report["kinds"]} == {"talk": 1, "visit": 2, "other": 0}
    by_sector = {r["label"]: (r["counts"], r["members"], r["contacted"]) for r in report["sectors"]}
    assert by_sector == {"经济界": ([1, 1, 0], 2, 1), "教育界": ([0, 1, 0], 2, 1)}
    assert [s.member.name for s in report["not_contacted"]] == ["李经济", "赵教育"]

    response = client.get(reverse("members:contact_report_export"), {"year": year})
    book = load_workbook(io.BytesIO(response.content))
    sectors = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert sectors[0][:4] == ["界别", "谈心谈话", "走访看望", "其他联系"]
    assert sectors[1:] == [
        ["经济界", 1, 1, 0, 2, 2, 1, 50.0],
        ["教育界", 0, 1, 0, 1, 2, 1, 50.0],
        ["合计", 1, 2, 0, 3, 4, 2, 50.0],
    ]
    missing = [list(r) for r in book.worksheets[1].iter_rows(values_only=True)]
    assert [r[1] for r in missing[1:]] == ["李经济", "赵教育"]


@pytest.mark.clause("C3.3")
def test_the_report_masks_phone_numbers_for_staff_without_personal_data_rights(client):
    c = committee()
    c.member("王委员", phone="13912345678")
    client.force_login(c.clerk)  # the office may see them: shown, and the view is logged
    page = client.get(reverse("members:contact_report")).content.decode()
    assert "13912345678" in page
    assert Event.objects.filter(verb="pii.view").count() == 1
    staff = user_with_role(Role.COMMITTEE_STAFF, c.org, committee=c.committee)
    client.force_login(staff)
    page = client.get(reverse("members:contact_report")).content.decode()
    assert "13912345678" not in page and "139****5678" in page


def test_the_list_runs_the_same_number_of_queries_for_3_or_30_entries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = committee()
    dept = DepartmentFactory(organisation=c.org, name="区交通局")
    client.force_login(c.clerk)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("members:contacts")).status_code == 200
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        for i in range(n):
            member = c.member(f"委员{MemberContact.objects.count()}号{i}")
            entry = contact(member)
            entry.followup_task = Task.objects.create(
                organisation=c.org, title="t", department=dept, start_date=today(), due_date=today()
            )
            entry.save()

    client.get(reverse("members:contacts"))  # renews the session: not written within a minute
    add(3)
    few = count()
    add(27)
    assert count() == few


def test_the_follow_up_task_is_a_link_only_for_those_whose_task_page_opens(client):
    c = committee()
    entry = contact(c.member("王委员"))
    entry.followup_task = Task.objects.create(
        organisation=c.org,
        title="t",
        department=DepartmentFactory(organisation=c.org, name="区交通局"),
        start_date=today(),
        due_date=today(),
    )
    entry.save()
    link = f'href="{reverse("followups:detail", args=[entry.followup_task.pk])}"'
    # Committee staff keep the contacts but do not follow the tasks (no followups.view):
    # they see the task's state, not a link to a page that would answer "not found".
    staff = user_with_role(Role.COMMITTEE_STAFF, c.org, committee=c.committee)
    for user, opens in ((c.clerk, True), (staff, False)):
        client.force_login(user)
        page = client.get(reverse("members:contacts")).content.decode()
        assert "督办事项" in page
        assert (link in page) is opens, user
        task_page = client.get(reverse("followups:detail", args=[entry.followup_task.pk]))
        assert task_page.status_code == (200 if opens else 404), user


def test_in_english_the_lists_member_column_and_the_forms_member_field_read_member(client):
    """One member a row (and one member picked): "Member", not the menu's "Members"."""
    c = committee()
    contact(c.member("王委员"))
    client.force_login(c.clerk)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("members:contacts")).content.decode()
    head = page[page.index('id="contact-list"') :]
    head = head[: head.index("</thead>")]
    assert ">Member</th>" in head and "Members" not in head
    form = client.get(reverse("members:contact_create")).context["form"]
    assert str(form["member"].label) == "Member"


@pytest.mark.clause("C3.3")
def test_last_years_report_after_a_new_term_is_about_the_members_who_served_that_year(client):
    """换届 in January: last year's report counts the old term's members (their seats now
    届满, one resigned only this year) and names those nobody contacted; the new term's
    newcomers are not in it."""
    c = committee()
    year = today().year - 1
    contacted = c.member("王去年", status=Membership.Status.TERM_ENDED)
    missed = c.member("李去年", status=Membership.Status.TERM_ENDED)
    c.member(
        "赵今年辞",
        status=Membership.Status.RESIGNED,
        status_changed_on=dt.date(year + 1, 1, 3),
    )
    contact(contacted, "talk", dt.date(year, 6, 1))
    new_term = TermFactory(organisation=c.org, number=16, start_date=dt.date(year + 1, 1, 8))
    newcomer = MemberFactory(organisation=c.org, name="孙新任")
    seat(newcomer, new_term, sector=c.sector)
    client.force_login(c.clerk)
    report = client.get(reverse("members:contact_report"), {"year": year}).context["report"]
    assert (report["members"], report["contacted"]) == (3, 1)
    assert sorted(s.member.name for s in report["not_contacted"]) == sorted(["李去年", "赵今年辞"])
    assert missed.pk in {s.member_id for s in report["not_contacted"]}


@pytest.mark.clause("C3.3")
def test_a_past_years_report_heads_its_members_as_that_years_not_seated(client):
    """After 换届 last year's members sit 届满: the page and its Excel call them 该年度委员
    (English "Members that year"); this year's report still says 在任委员."""
    c = committee()
    year = today().year - 1
    c.member("王去年", status=Membership.Status.TERM_ENDED)
    client.force_login(c.clerk)
    page = client.get(reverse("members:contact_report"), {"year": year}).content.decode()
    assert "在任委员" not in page
    assert "该年度委员" in page and f"{year}年度尚未谈心谈话或走访的委员" in page
    book = load_workbook(
        io.BytesIO(client.get(reverse("members:contact_report_export"), {"year": year}).content)
    )
    assert "该年度委员" in next(book.worksheets[0].iter_rows(values_only=True))
    assert book.sheetnames[1] == "该年度未联系委员"

    client.cookies["django_language"] = "en"
    page = client.get(reverse("members:contact_report"), {"year": year}).content.decode()
    assert "Members that year" in page and "Seated members" not in page

    del client.cookies["django_language"]
    page = client.get(reverse("members:contact_report"), {"year": today().year}).content.decode()
    assert "在任委员" in page and "该年度委员" not in page


@pytest.mark.clause("C3.3")
def test_the_logged_view_of_a_past_years_report_names_that_year(client):
    """The personal-data log names the year shown (2025年度…), not 本年度: read in a later
    year, 本年度 would name the wrong one, and for a past year's page it already does."""
    c = committee()
    c.member("王委员", phone="13912345678")
    client.force_login(c.clerk)
    last = today().year - 1
    client.get(reverse("members:contact_report"), {"year": last})
    client.get(reverse("members:contact_report"))
    notes = list(
        Event.objects.filter(verb="pii.view").order_by("id").values_list("note", flat=True)
    )
    assert notes == [
        f"{last}年度未谈心谈话走访委员名单",
        f"{today().year}年度未谈心谈话走访委员名单",
    ]
    assert not any("本年度" in note for note in notes)
