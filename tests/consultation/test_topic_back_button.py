"""A member submits a new consultation topic (提出协商议题), taps the phone's back button (the
page comes back with the text still typed in) and taps 提交议题 again: the office gets one
topic, not two identical ones to merge, and the member is shown the topic already sent."""

import uuid

import pytest
from django.urls import reverse

from xieshang.consultation.models import Topic, TopicType

URL = reverse("consultation:topic_new")


def topic_data(world, key, **overrides):
    return {
        "organisation": world.district.pk,
        "title": "背街小巷路灯照明不足",
        "description": "城关街道多条背街小巷夜间无照明。",
        "source": Topic.Source.CPPCC,
        "proposer_name": "委员甲",
        "topic_type": TopicType.DELIBERATION,
        "focus_area": world.area("基础设施建设").pk,
        "draft_key": key,
        **overrides,
    }


@pytest.mark.clause("C2.3")
def test_the_topic_page_submitted_again_after_the_back_button_makes_no_second_topic(world, client):
    client.force_login(world.members[0].user)
    page = client.get(URL).content.decode()
    assert 'name="draft_key" value="" data-draft-key' in page  # proposals.js fills it
    key = uuid.uuid4().hex
    first = client.post(URL, topic_data(world, key))
    assert first.status_code == 302
    topic = Topic.objects.get(title="背街小巷路灯照明不足")

    again = client.post(URL, topic_data(world, key), follow=True)
    assert Topic.objects.filter(title="背街小巷路灯照明不足").count() == 1
    assert again.redirect_chain[-1][0] == reverse("consultation:topic", args=[topic.pk])
    assert "已经提交过" in again.content.decode()

    # A fresh page is a new topic.
    assert client.post(URL, topic_data(world, uuid.uuid4().hex)).status_code == 302
    assert Topic.objects.filter(title="背街小巷路灯照明不足").count() == 2


def test_a_refused_topic_page_keeps_its_key_and_submits_once_corrected(world, client):
    client.force_login(world.members[0].user)
    key = uuid.uuid4().hex
    refused = client.post(URL, topic_data(world, key, title=""))
    assert refused.status_code == 400
    assert f'name="draft_key" value="{key}"' in refused.content.decode()
    assert client.post(URL, topic_data(world, key)).status_code == 302
    assert client.post(URL, topic_data(world, key)).status_code == 302
    assert Topic.objects.filter(title="背街小巷路灯照明不足").count() == 1
