"""Consultation notices and generated history notes are read in the reader's language,
whoever sent them in which (`core.phrases`)."""

import pytest
from django.utils import translation

from xieshang.consultation import services
from xieshang.core.models import Notification


@pytest.mark.clause("C2.4")
def test_a_plan_sent_back_from_an_english_page_reads_in_each_readers_language(world):
    plan = world.passing_plan()
    services.plan_forward(plan=plan, actor=world.office)
    services.plan_forward(plan=plan, actor=world.party_office)
    with translation.override("en"):  # the chair's page is in English
        services.plan_send_back(plan=plan, actor=world.chair, note="请增加一项民生实事协商")
    note = Notification.objects.filter(title__startswith="年度协商计划被退回").first()
    assert note is not None, "the office was told in the site's language"
    with translation.override("zh-hans"):
        assert note.shown_title.startswith(f"年度协商计划被退回：{plan.title}（")
        assert note.shown_body.endswith("退回意见：请增加一项民生实事协商")
    with translation.override("en"):
        assert note.shown_title.startswith(f"Annual consultation plan sent back: {plan.title} (")
        assert "被退回" not in note.shown_title and "（" not in note.shown_title
        assert note.shown_body.startswith("Sent back by ")


def test_the_body_that_sent_the_plan_back_is_named_in_the_readers_language(world):
    """The notice named the sender's body in the sender's language: a Chinese office read
    "Chairman's meeting member退回意见", an English reader "Sent back by 主席会议成员"."""
    plan = world.passing_plan()
    services.plan_forward(plan=plan, actor=world.office)
    services.plan_forward(plan=plan, actor=world.party_office)
    with translation.override("en"):
        services.plan_send_back(plan=plan, actor=world.chair, note="请增加一项民生实事协商")
    note = Notification.objects.filter(title__startswith="年度协商计划被退回").first()
    with translation.override("zh-hans"):
        assert note.shown_body == "主席会议成员退回意见：请增加一项民生实事协商"
    with translation.override("en"):
        assert note.shown_body == "Sent back by Chairman's meeting member: 请增加一项民生实事协商"
