"""A line break in a resident's 具体情况 is one character, as the portal's counter (已写 N /
2000 字) shows it: the browser sends CRLF, which the server counted as two, so a description
at the limit by the counter was refused ("具体情况最多2000字，现在是2009字")."""

import pytest

from tests.residents.test_pages import SUBMIT, form_data
from xieshang.residents.models import ResidentIssue

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]


def test_a_description_at_the_limit_by_the_counter_is_accepted(client, world):
    description = "\r\n".join(["北门路灯坏了。"] * 10)  # 79 characters: 10 × 7 + 9 breaks
    description += "灯" * (2000 - 79)
    response = client.post(SUBMIT, form_data(world, description=description))
    assert response.status_code == 302, response.content.decode()[:3000]
    issue = ResidentIssue.objects.get()
    assert "\r" not in issue.description and len(issue.description) == 2000
