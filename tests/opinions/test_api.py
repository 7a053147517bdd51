import pytest

from tests.opinions.factories import make_opinion
from xieshang.core.models import ApiToken
from xieshang.opinions.models import Opinion

# The member operations are reached with a member's token as a future member app would
# (deployed, a member's token is refused: tests/api/test_token_holder.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("member_tokens_allowed")]


def bearer(user) -> dict:
    _, raw = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_it_submits_and_lists_a_members_own_items_only(client, world):
    member = world["member"]
    response = client.post(
        "/api/v1/opinions/",
        {"title": "关于夜市噪音扰民的建议", "suggestions": "建议限定夜市营业时间。"},
        content_type="application/json",
        **bearer(member.user),
    )
    assert response.status_code == 201
    assert response.json()["status"] == "submitted"
    make_opinion(world["other_member"], state=Opinion.Status.SUBMITTED, title="别人的信息")
    listed = client.get("/api/v1/opinions/", **bearer(member.user)).json()
    assert [i["title"] for i in listed["items"]] == ["关于夜市噪音扰民的建议"]
    other = Opinion.objects.get(title="别人的信息")
    assert client.get(f"/api/v1/opinions/{other.pk}", **bearer(member.user)).status_code == 404
    office = client.get(f"/api/v1/opinions/{other.pk}", **bearer(world["office"]))
    assert office.json()["authors"] == ["李委员"]


def test_an_over_long_item_is_refused_with_a_reason(client, world):
    response = client.post(
        "/api/v1/opinions/",
        {"title": "太长", "suggestions": "建" * 1600},
        content_type="application/json",
        **bearer(world["member"].user),
    )
    assert response.status_code == 422
    assert "1500" in response.json()["detail"][0]["msg"]
    assert not Opinion.objects.exists()


def test_the_list_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    for n in (3, 30):
        Opinion.objects.all().delete()
        for i in range(n):
            make_opinion(world["member"], title=f"信息{i}")
        headers = bearer(world["member"].user)
        client.get("/api/v1/opinions/", **headers)
        with django_assert_num_queries(7):
            assert len(client.get("/api/v1/opinions/", **headers).json()["items"]) == n
