"""A resident's issue handed on (转协商议题, 转社情民意) carries the numbers the resident typed
masked, as the issue's staff page and its routed task do: a topic and a 社情民意 item are read
by more people than the issue, and keep their text after the resident's own number is
deleted. What the handing-on writes itself is stored in the site's language, whoever hands
it on in which."""

import pytest
from django.utils import translation

from tests.residents.conftest import accepted
from xieshang.residents import services

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]

TITLE = "路灯不亮 13812345678"
TYPED = "北门路灯坏了，请联系我13812345678，身份证110101199003071234。"


def _assert_masked(*texts):
    for text in texts:
        assert "13812345678" not in text and "110101199003071234" not in text, text
    assert any("138****5678" in text for text in texts)


def test_a_topic_from_an_issue_masks_the_numbers_and_names_the_resident_in_chinese(world):
    issue, _code = accepted(world, title=TITLE, description=TYPED)
    with translation.override("en"):
        services.issue_to_topic(issue=issue, actor=world["liaison"])
    issue.refresh_from_db()
    topic = issue.topic
    _assert_masked(topic.title, topic.description)
    assert "110****1234" in topic.description
    if not issue.resident_name:
        assert topic.proposer_name == f"群众（{issue.ticket}）"


def test_a_social_conditions_item_from_an_issue_masks_the_numbers(world):
    issue, _code = accepted(world, title=TITLE, description=TYPED, location="北门 电话13812345678")
    services.issue_to_opinion(issue=issue, actor=world["liaison"])
    issue.refresh_from_db()
    opinion = issue.opinion
    _assert_masked(opinion.title, opinion.facts)
    assert "地点：北门 电话138****5678" in opinion.facts


def test_a_task_routed_from_an_english_page_is_written_in_chinese(world):
    issue, _code = accepted(world, title="路灯不亮", description="北门路灯坏了。", location="北门")
    with translation.override("en"):
        services.issue_route(
            issue=issue, actor=world["liaison"], department=world["dept"], note="请尽快修复"
        )
    issue.refresh_from_db()
    task = issue.task
    assert task.title == f"民情事项{issue.ticket}：路灯不亮"
    assert "地点：北门" in task.request and "转办意见：请尽快修复" in task.request
    assert "请在期限内书面答复" in task.request
