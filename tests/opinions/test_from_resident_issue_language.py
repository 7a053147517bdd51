"""A resident's issue reported as 社情民意 from an English page: the item's own lines (the
place, the suggestions placeholder, the source) are stored in the site's language, as the
office, the bulletin and the search read them, not in the reporting clerk's."""

import pytest
from django.utils import translation

from tests.factories import make_org
from xieshang.opinions import services
from xieshang.orgs.models import Level
from xieshang.residents import services as residents

pytestmark = pytest.mark.django_db


def test_an_english_clerk_reporting_a_residents_issue_stores_its_lines_in_chinese(world):
    street = make_org("城关街道", Level.STREET, parent=world["district"])
    community = make_org("东门社区", Level.COMMUNITY, parent=street)
    issue, _code = residents.issue_submit_public(
        organisation=community,
        title="小区门口路灯不亮",
        description="东门小区北门的路灯坏了一个月。",
        location="东门小区北门",
        phone="13900001111",
    )
    with translation.override("en"):
        opinion = services.opinion_from_resident_issue(issue=issue, actor=world["office"])
    opinion.refresh_from_db()
    assert opinion.organisation == world["district"]
    assert opinion.facts == "东门小区北门的路灯坏了一个月。\n地点：东门小区北门"
    assert opinion.suggestions == "群众希望有关方面研究解决。"
    assert opinion.source_body == f"东门社区（民情事项{issue.ticket}）"
    assert "13900001111" not in opinion.facts
