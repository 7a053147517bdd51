"""What the Party committee and government offices, the chair and the supervising office
read of the year's consultation work (C2.1, C2.7)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C2.1")
def test_the_summary_plan_table_writes_the_approval_date_in_the_readers_language(world, client):
    world.publish(world.passing_plan(year=2026))  # approved on 20 November 2026
    client.force_login(world.chair)
    page = client.get("/consultation/summary/?year=2026").text
    table = page.split('id="summary-plans"')[1].split("</table>")[0]
    assert "2026年11月20日" in table
    client.cookies["django_language"] = "en"
    page = client.get("/consultation/summary/?year=2026").text
    table = page.split('id="summary-plans"')[1].split("</table>")[0]
    assert "Nov. 20, 2026" in table and "年" not in table
