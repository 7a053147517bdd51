import pytest
from django.urls import reverse

from xieshang.consultation.models import Topic

URL = "/portal/topics/"


def form_data(world, **overrides):
    data = {
        "organisation": world.district.pk,
        "title": "公园健身器材老化问题",
        "description": "人民公园健身器材多处损坏，老人锻炼存在安全隐患，希望协商解决。",
        "name": "王女士",
        "phone": "13800001111",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.mark.clause("C2.3")
def test_it_accepts_a_residents_topic_without_login_and_gives_a_ticket(world, client):
    assert reverse("consultation_public:submit") == URL
    response = client.get(URL)
    assert response.status_code == 200
    assert "协商议题征集" in response.text
    response = client.post(URL, form_data(world), follow=True)
    topic = Topic.objects.get()
    assert topic.status == Topic.Status.PENDING
    assert topic.contact_phone == "13800001111"
    assert topic.ticket in response.text
    code = response.context["code"]
    assert len(code) == 6 and code in response.text
    # Someone else with the ticket number sees neither the code nor the suggestion, only
    # the way to the lookup page.
    client.cookies.clear()
    other = client.get(reverse("consultation_public:thanks", args=[topic.ticket]))
    assert other.status_code == 200
    assert code not in other.text and topic.title not in other.text
    assert reverse("consultation_public:lookup") in other.text


@pytest.mark.clause("C2.3")
def test_it_keeps_what_the_resident_typed_when_the_submission_is_rejected(world, client):
    response = client.post(URL, form_data(world, description="太短了", phone="12345"))
    assert response.status_code == 400
    text = response.text
    assert "提交未成功，请按提示修改后重新提交。您填写的内容已保留。" in text
    assert "联系电话应为手机号码或带区号的固定电话" in text
    assert "公园健身器材老化问题" in text  # the title stays in its field
    assert "太短了" in text
    assert not Topic.objects.exists()


@pytest.mark.clause("C2.3")
def test_it_limits_submissions_per_address_and_hour(world, client):
    for i in range(3):
        response = client.post(URL, form_data(world, title=f"第{i}条议题建议内容"))
        assert response.status_code == 302
    response = client.post(URL, form_data(world, title="第四条议题建议内容"))
    assert response.status_code == 429
    assert "提交过于频繁" in response.text
    assert "第四条议题建议内容" in response.text
    assert Topic.objects.count() == 3
    # Another address is not affected.
    response = client.post(URL, form_data(world, title="另一个地址的建议"), REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 302


def test_it_turns_away_robots_that_fill_the_hidden_field(world, client):
    response = client.post(URL, form_data(world, website="http://spam.example"))
    assert response.status_code == 400
    assert not Topic.objects.exists()


@pytest.mark.clause("C2.3")
def test_it_lets_staff_accept_a_submission_from_the_moderation_queue(world, client):
    client.post(URL, form_data(world))
    topic = Topic.objects.get()
    client.force_login(world.office)
    queue = client.get(reverse("consultation:moderation"))
    assert topic.title in queue.text
    detail = client.get(reverse("consultation:topic", args=[topic.pk]))
    # Staff handling it see the contact, masked, and whole on a logged request.
    assert "138****1111" in detail.text and "13800001111" not in detail.text
    whole = client.get(reverse("consultation:topic", args=[topic.pk]) + "?phone=1")
    assert "13800001111" in whole.text
    response = client.post(
        reverse("consultation:topic_moderate", args=[topic.pk]),
        {"decision": "accept", "topic_type": "political", "focus_area": ""},
    )
    assert response.status_code == 400
    assert "采纳为议题须选择重点领域。" in response.text
    response = client.post(
        reverse("consultation:topic_moderate", args=[topic.pk]),
        {"decision": "accept", "topic_type": "political", "focus_area": world.area().pk},
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.status == Topic.Status.OPEN
    # Members and other districts never see pending or contact data.
    client.force_login(world.other_office)
    assert client.get(reverse("consultation:topic", args=[topic.pk])).status_code == 404
