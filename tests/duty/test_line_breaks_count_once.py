"""A member's 佐证材料说明 at its limit (5000 characters, as the page's counter counts them)
is taken though the browser sends each line break as CRLF: a line break counts once, as
on every other form with a counted textarea (core.forms.LineBreaksCountOnce)."""

import pytest
from django.urls import reverse

from tests.duty.factories import YEAR, setting
from xieshang.duty.models import DutyKind, DutyRecord

pytestmark = pytest.mark.django_db


def test_a_report_with_line_breaks_at_the_limit_is_taken(client):
    _org, _term, _office, member = setting()
    # Four lines of 999 characters and one of 1000, four breaks: 5000 as the writer sees it.
    evidence = "\r\n".join(["走访记录" + "字" * 995] * 4 + ["字" * 1000])
    assert len(evidence.replace("\r\n", "\n")) == 5000 < len(evidence)
    client.force_login(member.user)
    response = client.post(
        reverse("duty:entry_new"),
        {
            "kind": DutyKind.INSPECTION,
            "date": f"{YEAR}-03-05",
            "title": "社区养老调研",
            "evidence": evidence,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = DutyRecord.objects.get(member=member)
    assert entry.evidence == evidence.replace("\r\n", "\n")
