"""The proposal page's 联系提案人 column says 尚未联系 only for the departments that must
contact the proposers (the lead and split departments); a co-handler (协办) is not asked
to, so its row shows a dash, not a contact it seems to owe."""

import re

import pytest

from tests.proposals.test_department_pages import assigned

pytestmark = pytest.mark.django_db


def _row(html: str, department: str) -> str:
    table = re.search(r'id="assignments".*?</table>', html, re.S).group(0)
    return next(r for r in re.findall(r"<tr>.*?</tr>", table, re.S) if department in r)


def test_only_the_lead_department_is_said_not_to_have_contacted(client, world):
    proposal = assigned(world, co=True)
    client.force_login(world.reviewer)
    html = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "尚未联系" in _row(html, "区住房和城乡建设局")
    co_row = _row(html, "区教育局")
    assert "协办" in co_row and "尚未联系" not in co_row
