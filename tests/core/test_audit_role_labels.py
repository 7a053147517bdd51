"""The audit log and its export read roles as people name them (政协办公室, not `office`),
for the events written from now on and those written before; the export's time is a real
date-time cell and its file has a descriptive ASCII fallback name."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_org, user_with_role
from tests.xlsx import workbook
from xieshang.core.excel import DATETIME_FORMAT
from xieshang.core.models import Event, User
from xieshang.orgs.models import Level, Role, RoleAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    city = make_org("江城市政协", Level.CITY)
    east = make_org("东湖区政协", Level.DISTRICT, city)
    return city, east


@pytest.fixture
def auditor_client(tree):
    client = Client()
    client.force_login(user_with_role(Role.AUDIT_ADMIN, tree[0]))
    return client


def action_cells(client) -> dict[str, str]:
    """{verb label: the 动作 cell's text} of the log's first page."""
    page = client.get(reverse("audit_log")).content.decode()
    table = re.search(r'<table[^>]*id="audit-table".*?</table>', page, re.S).group(0)
    cells = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        action = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[2]
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", action)).strip()
        cells.setdefault(text.split(" ")[0], text)
    return cells


def test_account_and_role_events_show_the_roles_name(client, auditor_client, tree):
    _city, east = tree
    client.force_login(user_with_role(Role.SECURITY_ADMIN, east))
    data = {"username": "zhangsan", "full_name": "张三", "phone": "", "email": ""}
    data |= {"organisation": east.pk, "role": Role.OFFICE, "department": "", "committee": ""}
    assert client.post(reverse("user_create"), data).status_code == 200
    user = User.objects.get(username="zhangsan")
    grant = {"organisation": east.pk, "role": Role.CHAIR, "department": "", "committee": ""}
    assert client.post(reverse("user_detail", args=[user.pk]), grant).status_code == 302
    chair = RoleAssignment.objects.get(user=user, role=Role.CHAIR)
    client.post(reverse("user_role_remove", args=[user.pk, chair.pk]))

    cells = action_cells(auditor_client)
    assert cells["创建账号"] == "创建账号 —→政协办公室"
    assert cells["分配角色"] == "分配角色 —→主席会议成员"
    assert cells["撤销角色"] == "撤销角色 主席会议成员→—"
    created = Event.objects.get(verb="user.create")
    assert created.note == "东湖区政协 · 政协办公室"

    # The export says the same, in its state columns.
    sheet = workbook(auditor_client.get(reverse("audit_export"))).active
    rows = {r[3]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["user.create"][6:8] == (None, "政协办公室")
    assert rows["user.role_assign"][6:8] == (None, "主席会议成员")
    assert rows["user.role_remove"][6:8] == ("主席会议成员", None)


def test_role_events_written_before_labels_were_kept_read_the_same(auditor_client, tree):
    _city, east = tree
    data = {"role": "office", "organisation": east.pk}
    Event.objects.create(verb="user.create", organisation=east, data=data)
    Event.objects.create(verb="user.role_assign", organisation=east, to_state="office", data=data)
    Event.objects.create(verb="user.role_remove", organisation=east, from_state="office", data=data)
    cells = action_cells(auditor_client)
    assert cells["创建账号"] == "创建账号 —→政协办公室"
    assert cells["分配角色"] == "分配角色 —→政协办公室"
    assert cells["撤销角色"] == "撤销角色 政协办公室→—"
    sheet = workbook(auditor_client.get(reverse("audit_export"))).active
    states = {r[3]: r[6:8] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert states["user.role_assign"] == (None, "政协办公室")
    assert states["user.create"] == (None, "政协办公室")


def test_the_export_time_is_a_date_time_and_the_file_has_a_readable_ascii_name(
    auditor_client, tree
):
    _city, east = tree
    when = timezone.make_aware(dt.datetime(2026, 12, 5, 14, 3, 27))
    Event.objects.create(verb="auth.login", organisation=east, created_at=when)
    response = auditor_client.get(reverse("audit_export"))
    stamp = f"{timezone.localdate():%Y%m%d}"
    assert f'filename="audit-log-{stamp}.xlsx"' in response["Content-Disposition"]
    assert (
        "filename*=UTF-8''%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97" in response["Content-Disposition"]
    )
    sheet = workbook(response).active
    [cell] = [row[0] for row in sheet.iter_rows(min_row=2) if row[3].value == "auth.login"]
    assert cell.value == dt.datetime(2026, 12, 5, 14, 3, 27)
    assert cell.number_format == DATETIME_FORMAT  # 2026年12月5日 14:03
    assert sheet.column_dimensions["A"].width >= 18  # wide enough to show it, not ####
