"""The department's queue and the task page."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import DepartmentFactory, make_org, user_with_role
from xieshang.followups import services
from xieshang.followups.models import Task
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    district = make_org()
    dept = DepartmentFactory(organisation=district, name="区民政局")
    other = DepartmentFactory(organisation=district, name="区水务局")
    office = user_with_role(Role.OFFICE, district)
    return {
        "district": district,
        "dept": dept,
        "other": other,
        "office": office,
        "clerk": user_with_role(Role.DEPARTMENT, district, department=dept),
        "other_clerk": user_with_role(Role.DEPARTMENT, district, department=other),
    }


def make_tasks(world, n: int, department=None, start=dt.date(2026, 3, 2)):
    return [
        services.task_open(
            organisation=world["district"],
            title=f"事项{i}",
            department=department or world["dept"],
            working_days=5 + i,
            start_date=start,
            actor=world["office"],
        )
        for i in range(n)
    ]


@time_machine.travel(dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC))
def test_the_queue_shows_overdue_first_and_only_the_departments_own_tasks(client, world):
    late = services.task_open(
        organisation=world["district"],
        title="早已逾期的事项",
        department=world["dept"],
        working_days=3,
        start_date=dt.date(2026, 3, 2),
        actor=world["office"],
    )
    make_tasks(world, 2, start=dt.date(2026, 3, 19))
    make_tasks(world, 1, department=world["other"], start=dt.date(2026, 3, 19))
    client.force_login(world["clerk"])
    html = client.get("/followups/").content.decode()
    assert html.index(late.title) < html.index("事项0")
    assert "已逾期11个工作日" in html  # due 3月5日: the working days since, to 3月20日
    assert len(re.findall(r'href="/followups/\d+/"', html)) == 3  # not the other department's


@pytest.mark.parametrize("n", [3, 30])
def test_the_queue_query_count_does_not_grow_with_rows(client, world, n, django_assert_num_queries):
    make_tasks(world, n)
    client.force_login(world["clerk"])
    client.get("/followups/")  # warm the session
    # session, user, role assignments, count, unread notifications, page of tasks, the
    # calendar's days off for the page's deadlines (the session was renewed by the warm-up:
    # not written again within the minute)
    with django_assert_num_queries(7):
        response = client.get("/followups/")
    assert response.status_code == 200


@pytest.mark.clause("C4.7")
@time_machine.travel(dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC))  # a Friday
def test_the_queue_and_the_task_say_how_many_working_days_are_left(client, world):
    due = {"两天前到期": dt.date(2026, 3, 18), "今天到期": dt.date(2026, 3, 20)}
    due |= {"下周三到期": dt.date(2026, 3, 25), "已反馈的事项": dt.date(2026, 3, 18)}
    due |= {"周日到期": dt.date(2026, 3, 22)}
    tasks = {}
    for title, date in due.items():
        (task,) = make_tasks(world, 1)
        Task.objects.filter(pk=task.pk).update(title=title, due_date=date)
        tasks[title] = task
    Task.objects.filter(pk=tasks["已反馈的事项"].pk).update(status=Task.Status.SUBMITTED)
    client.force_login(world["clerk"])

    def due_cell(html, title):
        row = re.search(rf"<tr[^>]*>\s*<td[^>]*><a [^>]*>{title}</a>.*?</tr>", html, re.S)
        return re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)[3]

    queue = client.get("/followups/").content.decode()
    # Working days only: 3月18日 is two working days back (19日, 20日); 23–25日 three ahead.
    assert "已逾期2个工作日" in due_cell(queue, "两天前到期")
    assert "今日到期" in due_cell(queue, "今天到期")
    assert "剩余3个工作日" in due_cell(queue, "下周三到期")
    # Due on Sunday, seen on Friday: only the weekend lies between.
    assert "剩余不足1个工作日" in due_cell(queue, "周日到期")
    assert "剩余0个工作日" not in queue
    detail = client.get(f"/followups/{tasks['今天到期'].pk}/").content.decode()
    assert "今日到期" in detail
    # An answered task's deadline no longer runs: its date, no count.
    submitted = client.get("/followups/?state=submitted").content.decode()
    assert "工作日" not in due_cell(submitted, "已反馈的事项")
    assert "2026年3月18日" in due_cell(submitted, "已反馈的事项")
    page = client.get(f"/followups/{tasks['已反馈的事项'].pk}/").content.decode()
    assert "已逾期" not in re.search(r'id="task-due">(.*?)</dd>', page, re.S).group(1)


def test_another_department_gets_404_for_a_task_not_theirs(client, world):
    (task,) = make_tasks(world, 1)
    client.force_login(world["other_clerk"])
    assert client.get(f"/followups/{task.pk}/").status_code == 404
    response = client.post(f"/followups/{task.pk}/feedback/", {"text": "抢答"})
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_empty_feedback_is_refused_and_the_extension_form_keeps_its_input(client, world):
    (task,) = make_tasks(world, 1)
    client.force_login(world["clerk"])
    response = client.post(f"/followups/{task.pk}/feedback/", {"text": ""})
    assert response.status_code == 400
    assert "请填写此项" in response.content.decode()
    assert "文件没有保存" not in response.content.decode()
    # A file chosen with the refused form cannot come back: the page says to choose it again.
    pdf = SimpleUploadedFile("答复.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = client.post(f"/followups/{task.pk}/feedback/", {"text": "", "document": pdf})
    assert response.status_code == 400
    assert "刚才选择的文件没有保存，请重新选择" in response.content.decode()
    response = client.post(
        f"/followups/{task.pk}/extension/",
        {"requested_due": "2026-03-03", "reason": "需要协调三个部门"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "申请延至的日期须晚于今天" in body  # a date gone by leaves the item overdue
    assert "需要协调三个部门" in body  # what the clerk typed is still there


def test_while_an_extension_waits_the_unit_sees_it_pending_not_a_second_form(client, world):
    (task,) = make_tasks(world, 1)
    client.force_login(world["clerk"])
    later = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    assert "提交延期申请" in client.get(f"/followups/{task.pk}/").content.decode()
    client.post(f"/followups/{task.pk}/extension/", {"requested_due": later, "reason": "需协调"})
    html = client.get(f"/followups/{task.pk}/").content.decode()
    assert "提交延期申请" not in html and "等待审批" in html
    # A second request posted anyway (an old tab) is refused with what was typed.
    response = client.post(
        f"/followups/{task.pk}/extension/", {"requested_due": later, "reason": "再申请一次"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "已有待审批的延期申请" in body and "再申请一次" in body
    assert task.extensions.count() == 1


def test_the_department_answers_and_the_office_closes_from_the_page(client, world):
    (task,) = make_tasks(world, 1)
    client.force_login(world["clerk"])
    response = client.post(
        f"/followups/{task.pk}/feedback/", {"text": "已完成排查整改"}, follow=True
    )
    assert "书面反馈已提交" in response.content.decode()
    client.force_login(world["office"])
    page = client.get(f"/followups/{task.pk}/").content.decode()
    assert "已完成排查整改" in page and "确认办结" in page
    client.post(f"/followups/{task.pk}/close/")
    task.refresh_from_db()
    assert task.status == Task.Status.CLOSED
    page = client.get(f"/followups/{task.pk}/").content.decode()
    assert "确认办结" in page  # now in the history panel
    assert "书面反馈" in page


def test_a_refused_action_keeps_what_was_typed_when_the_task_has_moved_on(client, world):
    """A second clerk's page was open while a colleague sent the feedback: their own
    feedback is refused, and the page shows why and what they typed, though a task with its
    feedback in offers no feedback form any more. The same for the office's return."""
    (task,) = make_tasks(world, 1)
    client.force_login(world["clerk"])
    client.post(f"/followups/{task.pk}/feedback/", {"text": "第一份反馈"})
    response = client.post(f"/followups/{task.pk}/feedback/", {"text": "第二份反馈：补充三条措施"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "不能执行此操作" in body
    assert "第二份反馈：补充三条措施" in body
    assert Task.objects.get(pk=task.pk).feedback.count() == 1
    client.force_login(world["office"])
    client.post(f"/followups/{task.pk}/close/")
    response = client.post(
        f"/followups/{task.pk}/reopen/", {"note": "请补充整改时限", "working_days": 10}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "请补充整改时限" in body and "不能执行此操作" in body
    assert "确认办结</button>" not in body  # closed: nothing left to close


def test_a_task_asked_of_a_role_shows_the_role_label_not_its_code(client, world):
    """Issue 10: the unit column read "office" and "government_office"."""
    task = services.task_open(
        organisation=world["district"],
        title="请区政府办公室反馈",
        assignee_role=Role.GOVERNMENT_OFFICE,
        working_days=5,
        start_date=dt.date(2026, 3, 2),
        actor=world["office"],
    )
    client.force_login(world["office"])
    for url in ("/followups/", f"/followups/{task.pk}/"):
        html = client.get(url).content.decode()
        assert "政府办公室" in html, url
        assert "government_office" not in html, url


def test_a_member_with_no_role_is_refused_the_followup_lists_the_menu_never_offers(client, world):
    """A member typing /followups/ by address got empty lists with export buttons; the
    lists are the offices' and units' and a member has no task there."""
    from tests.factories import MemberFactory

    make_tasks(world, 1)
    # A member's login holds the 政协委员 role, as every real one does.
    member = MemberFactory(
        organisation=world["district"], user=user_with_role(Role.MEMBER, world["district"])
    )
    client.force_login(member.user)
    for url in (
        "/followups/",
        "/followups/instructions/",
        "/followups/referrals/",
        "/followups/assessment/",
        "/followups/assessment/?format=xlsx",
    ):
        assert client.get(url).status_code == 403, url
    home = client.get("/")
    assert "/followups/" not in home.content.decode()
    # The unit's clerk still has the queue.
    client.force_login(world["clerk"])
    assert "事项0" in client.get("/followups/").content.decode()


def test_a_refused_file_is_asked_for_again_once(client, world):
    (task,) = make_tasks(world, 1)
    client.force_login(world["clerk"])
    bad = SimpleUploadedFile("答复.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(f"/followups/{task.pk}/feedback/", {"text": "已办理", "document": bad})
    html = response.content.decode()
    assert response.status_code == 400 and "请重新选择文件" in html
    assert "刚才选择的文件没有保存" not in html  # the file's own error says it already
