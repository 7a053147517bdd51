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


def test_topics_and_items_handed_on_before_are_masked_by_the_upgrade(world):
    import importlib

    from django.apps import apps

    issue, _code = accepted(world, title=TITLE, description=TYPED)
    services.issue_to_topic(issue=issue, actor=world["liaison"])
    other, _code = accepted(world, title=TITLE, description=TYPED)
    services.issue_to_opinion(issue=other, actor=world["liaison"])
    issue.refresh_from_db()
    other.refresh_from_db()
    # As written before the fix: the resident's words whole.
    type(issue.topic).objects.filter(pk=issue.topic_id).update(title=TITLE, description=TYPED)
    type(other.opinion).objects.filter(pk=other.opinion_id).update(title=TITLE, facts=TYPED)

    upgrade = importlib.import_module("xieshang.residents.migrations.0005_mask_handed_on_numbers")
    upgrade.mask_handed_on(apps, None)

    issue.topic.refresh_from_db()
    other.opinion.refresh_from_db()
    _assert_masked(issue.topic.title, issue.topic.description)
    _assert_masked(other.opinion.title, other.opinion.facts)
    # The issue keeps what the resident typed.
    issue.refresh_from_db()
    assert "13812345678" in issue.description
