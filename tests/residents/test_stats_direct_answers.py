"""Street statistics count the issues the street answered itself (答复办结) as answered,
beside those a department answered, as the ratings columns count the ratings of both: a
street that answered its residents directly no longer reads "answered 0"."""

import pytest
from django.urls import reverse

from tests.residents.conftest import accepted, routed
from xieshang.followups import services as followups
from xieshang.residents import selectors, services

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]


def test_issues_answered_directly_by_the_street_are_counted_as_answered(client, world):
    for title in ("楼道堆放杂物", "楼上漏水"):
        issue, _code = accepted(world, title=title)
        services.issue_close(issue=issue, actor=world["liaison"], reply="社区已上门处理。")
    rated, _code = accepted(world, title="路灯不亮")
    services.issue_close(issue=rated, actor=world["liaison"], reply="已告知物业。")
    rated.refresh_from_db()
    services.issue_rate(issue=rated, rating="dissatisfied")
    by_department, _code = routed(world, title="道路破损")
    followups.feedback_submit(task=by_department.task, text="已修复。", actor=world["clerk"])

    total, rows = selectors.statistics(world["street"])
    [community] = [r for r in rows if r.label == "东门社区"]
    assert (community.raised, community.routed, community.answered, community.direct) == (
        4,
        1,
        4,
        3,
    )
    assert community.rated == 1  # the rating of a direct answer, of an answer counted

    client.force_login(world["liaison"])
    page = client.get(reverse("residents:stats") + f"?org={world['street'].pk}").text
    row = page.split("东门社区</a>", 1)[1].split("</tr>", 1)[0]
    assert 'data-label="已答复">4</td>' in row
    assert 'data-label="其中街道直接答复">3</td>' in row
    assert "街道（社区）直接答复办结的事项" in page
