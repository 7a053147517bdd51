"""Similar residents' issues on the triager's page (C2.11 with issue 14's similar items)."""

import pytest
from django.urls import reverse

from tests.residents.conftest import raise_issue
from xieshang.residents.similarity import similar_issues

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]


def test_the_triager_sees_the_same_matter_raised_in_other_words_across_the_district(client, world):
    earlier, _ = raise_issue(
        world,
        title="东门小区电动车在楼道里充电太危险",
        description="楼道里天天有人拉线给电动车充电，晚上很担心起火。",
    )
    # Another street of the same district, other words: the same matter.
    elsewhere, _ = raise_issue(
        world,
        organisation=world["street2"],
        title="电瓶车飞线充电存在火灾隐患",
        description="新华小区居民从窗口拉电线给电瓶车充电。",
    )
    unrelated, _ = raise_issue(
        world, title="菜市场门口垃圾没人清理", description="垃圾堆了好几天，气味很大。"
    )
    neighbour, _ = raise_issue(
        world,
        organisation=world["other_street"],
        title="电动自行车楼道充电火灾隐患",
        description="邻区小区楼道充电。",
    )
    issue, _ = raise_issue(
        world,
        title="楼道给电动自行车充电，有起火风险",
        description="希望社区建集中充电桩。",
    )

    found = [other for other, _score in similar_issues(issue, world["office"])]
    assert earlier in found and elsewhere in found
    assert issue not in found
    assert unrelated not in found
    assert neighbour not in found  # another district's issue is not the office's to see

    page = client.get(reverse("residents:detail", args=[issue.pk]))
    assert page.status_code == 302  # not logged in
    client.force_login(world["office"])
    body = client.get(reverse("residents:detail", args=[issue.pk])).content.decode()
    assert "相似民情事项" in body
    assert earlier.ticket in body and elsewhere.ticket in body
    assert unrelated.ticket not in body

    # A street liaison is shown only what their street may see.
    liaison_found = [o for o, _s in similar_issues(issue, world["liaison"])]
    assert earlier in liaison_found
    assert elsewhere not in liaison_found


def test_an_issue_with_nothing_like_it_shows_no_similar_section(client, world):
    issue, _ = raise_issue(world, title="小区门口路灯不亮")
    client.force_login(world["office"])
    body = client.get(reverse("residents:detail", args=[issue.pk])).content.decode()
    assert "相似民情事项" not in body
