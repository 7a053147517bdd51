"""The reviewer's proposal page costs the same whatever the number of open proposals
(issue 14: 35 s and 13.5 MB at 300,000, every open proposal listed as a merge target). The
merge target is now searched on the server (core.pickers), so the page's bytes and queries
stay put when many more proposals are open."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.proposals.conftest import accepted, submitted

pytestmark = pytest.mark.django_db

OTHER = {
    "facts": "路口早晚高峰车辆排队较长，行人过街等候时间久。",
    "analysis": "信号灯配时多年未调整，与现在的车流不相适应。",
    "suggestions": "一是按时段优化信号配时；二是增设左转专用相位。",
}


def open_proposals(world, start: int, count: int) -> None:
    for i in range(start, start + count):
        accepted(world, key="wang", title=f"关于第{i}号路口信号灯配时的建议", **OTHER)


def measure(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(response.content), len(queries), response.content.decode()


def test_the_reviewers_page_does_not_grow_with_the_open_proposals(client, world):
    proposal = submitted(world)
    open_proposals(world, 1, 3)
    client.force_login(world.reviewer)
    url = f"/proposals/{proposal.pk}/"
    client.get(url)  # warm the caches of the first request
    small_bytes, small_queries, small = measure(client, url)

    open_proposals(world, 4, 27)  # ten times the open proposals
    client.get(url)  # the similar-items index takes in the new proposals on first use
    big_bytes, big_queries, big = measure(client, url)

    assert big_queries == small_queries
    assert abs(big_bytes - small_bytes) < 300, (small_bytes, big_bytes)
    assert "第30号路口" not in big
    # The reviewer finds any of them through the merge picker, by its title words.
    found = client.get("/pickers/proposal-merge/", {"proposal": proposal.pk, "q": "第30号"}).json()[
        "results"
    ]
    assert [r["text"].split(" ", 1)[1] for r in found] == ["关于第30号路口信号灯配时的建议"]


def test_the_merge_picker_offers_similar_proposals_first_and_keeps_to_the_scope(client, world):
    proposal = submitted(world)
    open_proposals(world, 1, 3)
    twin = accepted(world, key="wang", title="关于老旧小区加装电梯的建议")
    client.force_login(world.reviewer)
    found = client.get("/pickers/proposal-merge/", {"proposal": proposal.pk}).json()["results"]
    assert found[0]["value"] == str(twin.pk)  # the similar one first, before anything typed
    assert str(proposal.pk) not in {r["value"] for r in found}  # never itself
    # Another district's reviewer may not search this proposal's targets.
    client.force_login(world.other_reviewer)
    response = client.get("/pickers/proposal-merge/", {"proposal": proposal.pk, "q": "电梯"})
    assert response.status_code == 403
    # Nor may a member, nor anyone without a proposal to merge.
    client.force_login(world.user("li"))
    assert client.get("/pickers/proposal-merge/", {"proposal": proposal.pk}).status_code == 403
    client.force_login(world.reviewer)
    assert client.get("/pickers/proposal-merge/", {"proposal": "x"}).status_code == 404
