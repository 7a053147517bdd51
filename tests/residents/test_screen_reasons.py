"""Screening reasons are stored as codes and worded in the reader's language: an item
screened while the resident's page was Chinese reads in English on an English staff page,
and the other way round; reasons stored as Chinese texts before are mapped to codes."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.residents.conftest import raise_issue
from xieshang.portal import screening
from xieshang.residents.models import ResidentIssue

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]

SAME_ZH = "同一来源重复提交相近内容"
SAME_EN = "Similar content submitted repeatedly from the same source"
WECHAT_ZH = "含微信号"
WECHAT_EN = "Contains a WeChat ID"


def screened_twice(world, language):
    """The same words twice from one address, screened while `language` is active."""
    org = world["community"]
    with translation.override(language):
        for _ in range(2):
            verdict = screening.screen(
                organisation=org, texts=["楼道灯坏了", "加微信 abc12345 详谈"], client="10.0.0.9"
            )
    issue, _code = raise_issue(world, verdict=verdict)
    return issue


def staff_pages(client, world, issue, language):
    client.force_login(world["office"])
    client.cookies["django_language"] = language
    queue = client.get(reverse("residents:queue")).content.decode()
    detail = client.get(reverse("residents:detail", args=[issue.pk])).content.decode()
    return queue, detail


@pytest.mark.parametrize(
    ("screened_in", "read_in", "expect", "absent"),
    [
        ("zh-hans", "en", (SAME_EN, WECHAT_EN), (SAME_ZH, WECHAT_ZH)),
        ("en", "zh-hans", (SAME_ZH, WECHAT_ZH), (SAME_EN, WECHAT_EN)),
    ],
)
def test_staff_read_the_reasons_in_their_own_language(
    client, world, screened_in, read_in, expect, absent
):
    issue = screened_twice(world, screened_in)
    stored = ResidentIssue.objects.get(pk=issue.pk).screen_reasons
    assert {"code": "same_client"} in stored and {"code": "wechat"} in stored
    for page in staff_pages(client, world, issue, read_in):
        for text in expect:
            assert text in page
        for text in absent:
            assert text not in page


def test_reasons_stored_as_chinese_texts_are_mapped_and_unknown_ones_shown_as_they_are(
    client, world
):
    old = [
        "同一来源重复提交相近内容",
        "含违禁词（博彩）：百家乐、bet365",
        "联系方式含QQ号",
        "24小时内已有5条近似内容（疑似批量发送）",
        "人工备注：看起来像广告",
    ]
    mapped = [screening.reason_from_text(r) for r in old]
    assert mapped == [
        {"code": "same_client"},
        {"code": "banned", "cat": "gambling", "words": "百家乐、bet365"},
        {"code": "contact_qq"},
        {"code": "flood_spam", "h": 24, "n": 5},
        "人工备注：看起来像广告",
    ]
    with translation.override("zh-hans"):
        assert screening.reason_labels(mapped) == old
    issue, _code = raise_issue(world)
    ResidentIssue.objects.filter(pk=issue.pk).update(
        screen_held=True, screen_spam=True, screen_reasons=mapped
    )
    _queue, detail = staff_pages(client, world, issue, "en")
    assert "Prohibited terms (Gambling): 百家乐、bet365; " in detail
    assert "5 similar submission(s) in the last 24 hours (suspected bulk sending)" in detail
    assert "人工备注：看起来像广告" in detail  # unknown text, verbatim
