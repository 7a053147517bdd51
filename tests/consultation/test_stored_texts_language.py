"""Texts the consultation workflow stores are in the site's language whoever acts, as the
proposal workflow's are: a clerk reading in English opened the units' feedback tasks as
"Consultation outcome feedback: …", which every Chinese unit then read, and named the
year's plan "… annual consultation work plan"."""

import pytest
from django.utils import translation

from xieshang.consultation import services
from xieshang.consultation.models import Outcome
from xieshang.consultation.selectors import outcome_tasks

from .test_outcomes import held_activity


@pytest.mark.clause("C2.7")
def test_feedback_tasks_opened_from_an_english_page_read_in_chinese(world):
    activity = held_activity(world)
    outcome = services.outcome_create(
        activity=activity,
        actor=world.office,
        kind=Outcome.Kind.BULLETIN,
        title="营商环境界别协商专报",
        body="……",
        departments=[world.housing],
        to_party_office=False,
        to_government_office=False,
    )
    with translation.override("en"):
        services.outcome_submit(outcome=outcome, actor=world.office)
    [task] = outcome_tasks([outcome.pk])[outcome.pk]
    assert task.title == "协商成果反馈：营商环境界别协商专报"
    assert task.request == "请书面反馈对该协商专报的采纳和落实情况。"


@pytest.mark.clause("C2.7")
def test_a_decision_recorded_in_english_asks_the_units_in_chinese(world):
    outcome = world.plan_outcome(departments=[world.housing])
    with translation.override("en"):
        services.outcome_decide(
            outcome=outcome, actor=world.standing, decision="纳入民生实事。", decided_on=None
        )
    [task] = outcome_tasks([outcome.pk])[outcome.pk]
    assert task.title.startswith("协商成果反馈：")
    assert task.request == "该建议案已作出决策：纳入民生实事。\n请书面反馈决策事项的落实情况。"


@pytest.mark.clause("C2.4")
def test_a_plan_created_from_an_english_page_is_named_in_chinese(world):
    with translation.override("en"):
        plan = services.plan_create(organisation=world.district, year=2031, actor=world.office)
    assert plan.title == f"{world.district.name}2031年度协商工作计划"
