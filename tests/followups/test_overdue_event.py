"""The overdue escalation (逾期升级督办) is no change of state: the audit log and its export
show the action and its note, not "办理中→办理中"; the task's history reads the note in the
reader's language."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import user_with_role
from tests.followups.test_engine import open_task, world  # noqa: F401 - the fixture
from tests.xlsx import workbook
from xieshang.core.audit import history
from xieshang.followups import services
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


def action_cell(page: str, label: str) -> str:
    table = re.search(r'<table[^>]*id="audit-table".*?</table>', page, re.S).group(0)
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        action = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[2]
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", action)).strip()
        if text.startswith(label):
            return text
    raise AssertionError(f"no {label} row")


@pytest.mark.clause("C4.6")
def test_the_escalation_reads_as_an_action_not_a_state_change(world):  # noqa: F811
    task = open_task(world)
    services.scan_deadlines(today=dt.date(2026, 3, 2))
    event = history(task).get(verb="followup.overdue")
    assert (event.from_state, event.to_state) == ("", "")
    with translation.override("en"):
        assert event.shown_note == "Past the due date (Feb. 26, 2026); escalated."

    client = Client()
    client.force_login(user_with_role(Role.AUDIT_ADMIN, world["district"]))
    assert action_cell(client.get(reverse("audit_log")).content.decode(), "逾期升级督办") == (
        "逾期升级督办"
    )
    sheet = workbook(client.get(reverse("audit_export"))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    (row,) = [r for r in rows if r[3] == "followup.overdue"]
    assert row[6:8] in ([None, None], ["", ""])
    assert row[8] == "已超过办理期限（2026年2月26日），升级督办。"
    # The task's history panel: the action and the note, nothing about states.
    page = Client()
    page.force_login(world["office"])
    html = page.get(reverse("followups:detail", args=[task.pk])).content.decode()
    assert "逾期升级督办 — 已超过办理期限（2026年2月26日），升级督办。" in html
