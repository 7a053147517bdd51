"""The public form's long texts are counted, not cut: no maxlength for the browser to drop
pasted text by, a counter with the limit, and over the limit the server says by how much
and keeps every word. Staff routing an issue read the product's words for a bad 答复时限."""

import re

import pytest
from django.urls import reverse

from tests.residents.conftest import accepted, routed
from tests.residents.test_pages import LOOKUP, SUBMIT, form_data
from xieshang.followups import services as followups
from xieshang.residents.models import ResidentIssue

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]


def textarea(page: str, name: str) -> str:
    return re.search(rf'<textarea[^>]*name="{name}"[^>]*>', page).group(0)


def test_the_description_shows_its_limit_and_a_long_one_is_refused_and_kept(client, world):
    page = client.get(SUBMIT).content.decode()
    assert "maxlength" not in textarea(page, "description")
    assert 'id="body-count" data-max="2000"' in page and "xs/proposals.js" in page
    # The count stands under the description it counts, before the next field (地点).
    count_at = page.index('id="body-count"')
    assert page.index('name="description"') < count_at < page.index('name="location"')
    long = "北门路灯坏了。" * 300  # 2100 characters
    response = client.post(SUBMIT, form_data(world, description=long))
    body = response.content.decode()
    assert response.status_code == 400 and not ResidentIssue.objects.exists()
    assert "具体情况最多2000字，现在是2100字，请删减后再提交。" in body
    assert long in body  # every word kept, none cut
    assert "maxlength" not in textarea(body, "description")


def test_a_long_rating_comment_is_refused_with_the_count_and_kept(client, world):
    issue, code = routed(world)
    followups.feedback_submit(task=issue.task, text="已更换路灯。", actor=world["clerk"])
    client.post(LOOKUP, {"ticket": issue.ticket, "code": code})
    page = client.get(LOOKUP).content.decode()
    assert "maxlength" not in textarea(page, "comment")
    assert 'id="body-count" data-max="300"' in page
    long = "答复很及时，" * 60  # 360 characters
    response = client.post(
        reverse("residents_public:rate"), {"rating": "satisfied", "comment": long}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "意见最多300字，现在是360字，请删减后再提交。" in body and long in body
    issue.refresh_from_db()
    assert issue.rating == ""


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("0", "答复时限至少1个工作日。"),
        ("61", "答复时限最长60个工作日。"),
        ("", "请填写答复时限（1至60个工作日）。"),
        ("三天", "答复时限请填写1至60之间的整数（工作日）。"),
    ],
)
def test_routing_with_a_bad_reply_time_says_so_in_the_products_words(client, world, days, message):
    issue, _code = accepted(world)
    client.force_login(world["liaison"])
    response = client.post(
        reverse("residents:act", args=[issue.pk, "route"]),
        {"department": world["dept"].pk, "working_days": days, "note": "请尽快处理"},
    )
    body = response.content.decode()
    assert response.status_code == 400 and message in body
    assert "确保该值" not in body and "输入整数" not in body and "这个字段是必填项" not in body
    assert "请尽快处理" in body


def test_a_pasted_long_title_is_refused_and_kept_not_cut(client, world):
    page = client.get(SUBMIT).content.decode()
    title_input = re.search(r'<input[^>]*name="title"[^>]*>', page).group(0)
    assert "maxlength" not in title_input
    long = "小区门口路灯不亮，" * 12  # 108 characters
    response = client.post(SUBMIT, form_data(world, title=long))
    assert response.status_code == 400
    body = response.content.decode()
    assert "请控制在100字以内，详细情况写在下面。" in body and long in body
    assert not ResidentIssue.objects.exists()
