"""Phone and ID card numbers written into a resident issue's history (a department's reply,
a routing note) are masked on the staff pages, in the audit log and in its export, as the
resident's own description is: the whole number is shown only where seeing it is logged."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import user_with_role
from tests.residents.conftest import routed
from xieshang.followups import services as followups
from xieshang.orgs.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]

REPLY = "已修复。经与王阿姨（13700001111，身份证110101199003071234）电话沟通，群众表示认可。"


def test_numbers_in_the_history_and_the_audit_log_are_masked(client, world):
    issue, _code = routed(world, resident_name="王阿姨", phone="13700001111")
    followups.feedback_submit(task=issue.task, text=REPLY, actor=world["clerk"])

    client.force_login(world["office"])
    page = client.get(reverse("residents:detail", args=[issue.pk])).content.decode()
    history = page.split('id="history"', 1)[1]
    assert "已修复。经与王阿姨（137****1111，身份证110****1234）" in history
    assert "13700001111" not in history and "110101199003071234" not in history

    auditor = Client()
    auditor.force_login(user_with_role(Role.AUDIT_ADMIN, world["district"]))
    log = auditor.get(reverse("audit_log")).content.decode()
    assert "137****1111" in log and "110****1234" in log
    assert "13700001111" not in log and "110101199003071234" not in log
    response = auditor.get(reverse("audit_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = " ".join(str(c.value or "") for row in sheet.iter_rows() for c in row)
    assert "137****1111" in cells and "110****1234" in cells
    assert "13700001111" not in cells and "110101199003071234" not in cells
