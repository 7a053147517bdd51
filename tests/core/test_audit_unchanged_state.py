"""An event whose state did not change (an overdue escalation written before afc91a1 with
办理中 on both sides) reads on the audit log and in its export as the history panels read
it: the action, no "办理中→办理中"; a real change still shows its from → to."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import user_with_role
from tests.followups.test_engine import open_task, world  # noqa: F401 - the fixture
from tests.xlsx import workbook
from xieshang.core.audit import record_event
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


def action_cells(page: str) -> dict[str, str]:
    """{verb code shown first: the 动作 cell's text} of the log's first page."""
    table = re.search(r'<table[^>]*id="audit-table".*?</table>', page, re.S).group(0)
    cells = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        action = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[2]
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", action)).strip()
        cells.setdefault(text.split(" ")[0], text)
    return cells


def test_an_unchanged_state_is_not_shown_as_a_change(world):  # noqa: F811
    task = open_task(world)
    # As written before afc91a1: the escalation carried the task's state on both sides.
    record_event(
        actor=None,
        verb="followup.overdue",
        subject=task,
        from_state=task.status,
        to_state=task.status,
        note="已超过办理期限，升级督办。",
    )
    client = Client()
    client.force_login(user_with_role(Role.AUDIT_ADMIN, world["district"]))
    cells = action_cells(client.get(reverse("audit_log")).content.decode())
    assert cells["逾期升级督办"] == "逾期升级督办"
    assert cells["交办督办事项"] == "交办督办事项 —→办理中"  # a real change still shows

    sheet = workbook(client.get(reverse("audit_export"))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    (row,) = [r for r in rows if r[3] == "followup.overdue"]
    assert row[6:8] in ([None, None], ["", ""])
    assert row[8] == "已超过办理期限，升级督办。"
