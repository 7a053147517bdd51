"""Similar proposals at submission and review (proposals.similarity over textsim)."""

import datetime as dt

import pytest
import time_machine

from tests.proposals.conftest import World
from xieshang.proposals.models import Proposal
from xieshang.proposals.similarity import similar_proposals

S = Proposal.Status

NEW_TEXT = (
    "关于加快推进老旧小区加装电梯工作的建议\n我区老旧住宅楼多为六层，没有电梯，老年人上下楼困难。"
    "建议简化加装电梯审批，给予财政补贴。"
)


@pytest.fixture
def world(db):
    return World()


def make(world, title, suggestions, *, status=S.SUBMITTED, year=2026, org=None, **extra):
    return Proposal.objects.create(
        organisation=org or world.district,
        year=year,
        title=title,
        suggestions=suggestions,
        status=status,
        first_proposer=world.members["wang"],
        **extra,
    )


@pytest.mark.clause("C4.6")
@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))
def test_it_shows_the_same_matter_in_other_words_first_and_not_unrelated_ones(world):
    school = make(world, "关于推进中小学课后服务提质增效的建议", "丰富课后服务内容，引入社会资源。")
    parking = make(world, "关于缓解老旧小区停车难问题的建议", "挖掘停车潜力，建设立体停车库。")
    duplicate = make(
        world,
        "关于老旧小区加装电梯的提案",
        "全区老旧小区住宅普遍无电梯，老人出行不便。建议出台补贴政策，精简审批流程，增设电梯。",
        status=S.ACCEPTED,
    )
    result = similar_proposals(world.district, NEW_TEXT)
    assert result, "the near-duplicate must be found"
    assert result[0][0] == duplicate
    assert 0 < result[0][1] <= 1
    found = [p for p, _score in result]
    assert school not in found
    assert parking not in found or found.index(parking) > 0
    scores = [score for _p, score in result]
    assert scores == sorted(scores, reverse=True)


@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))
def test_it_ignores_drafts_old_years_other_organisations_and_the_proposal_itself(world):
    text = "老旧小区加装电梯，简化审批流程，给予财政补贴，解决老年人上下楼困难。"
    draft = make(world, "关于老旧小区加装电梯的建议", text, status=S.DRAFT)
    old = make(world, "关于老旧小区加装电梯的建议", text, year=2022)
    elsewhere = make(world, "关于老旧小区加装电梯的建议", text, org=world.other_district)
    itself = make(world, "关于老旧小区加装电梯的建议", text)
    recent = make(world, "关于老旧小区加装电梯的建议", text, year=2023)
    found = [p for p, _s in similar_proposals(world.district, NEW_TEXT, exclude_pk=itself.pk)]
    assert found == [recent]
    assert draft not in found and old not in found and elsewhere not in found


def test_short_or_empty_text_finds_nothing(world):
    make(world, "关于老旧小区加装电梯的建议", "简化审批，给予补贴。")
    assert similar_proposals(world.district, "") == []
    assert similar_proposals(world.district, "电梯！") == []


@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))
def test_it_returns_at_most_limit_results(world):
    for i in range(4):
        make(world, f"关于老旧小区加装电梯的建议（{i}）", "简化加装电梯审批，给予财政补贴。")
    assert len(similar_proposals(world.district, NEW_TEXT, limit=2)) == 2
