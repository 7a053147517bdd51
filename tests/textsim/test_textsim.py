"""Chinese segmentation, similarity and search (textsim)."""

import pytest

from tests.factories import make_org
from xieshang.orgs.models import Organisation
from xieshang.textsim import most_similar, normalise, search, segment, similarity, tokens
from xieshang.textsim.search import terms

ELEVATOR = (
    "关于加快推进老旧小区加装电梯工作的建议。我区老旧住宅楼多为六层，没有电梯，"
    "老年人上下楼困难。建议简化加装电梯审批，给予财政补贴。"
)
ELEVATOR_REWORDED = (
    "关于老旧小区加装电梯的提案。全区老旧小区住宅普遍无电梯，居民特别是老人出行不便。"
    "建议政府出台补贴政策，精简审批流程，推动既有住宅增设电梯。"
)
PARKING = "关于缓解老旧小区停车难问题的建议。老旧小区停车位不足，建议挖掘潜力，建设立体停车库。"
SCHOOL = "关于推进中小学课后服务提质增效的建议。部分学校课后服务内容单一，建议引入社会资源。"


def test_it_normalises_full_width_letters_and_drops_punctuation():
    assert normalise("ＡＢＣ１２３，老旧小区！") == "abc123 老旧小区"
    assert normalise("  \u3000") == ""


def test_it_keeps_domain_words_whole_when_segmenting():
    words = segment("关于加快老旧小区加装电梯、优化营商环境的社情民意")
    for word in ["老旧小区", "加装电梯", "营商环境", "社情民意"]:
        assert word in words
    assert "关于" not in words  # a stop word
    assert segment("，。！") == []


def test_tokens_are_bigrams_within_runs_and_low_weight_single_characters():
    result = tokens("加装电梯，补贴")
    assert "加装" in result and "电梯" in result and "补贴" in result
    assert "梯补" not in result  # never across punctuation
    assert "梯" in result  # a single character, weighted low


def test_it_scores_the_same_text_1_and_unrelated_texts_near_0():
    assert similarity(ELEVATOR, ELEVATOR) == pytest.approx(1.0)
    assert similarity(ELEVATOR, SCHOOL) < 0.05
    assert similarity(ELEVATOR, ELEVATOR_REWORDED) > similarity(ELEVATOR, PARKING)
    assert similarity("", ELEVATOR) == 0.0


def test_it_ranks_the_same_matter_in_other_words_first_and_leaves_out_unrelated_ones():
    candidates = [("school", SCHOOL), ("parking", PARKING), ("elevator", ELEVATOR_REWORDED)]
    ranked = most_similar(ELEVATOR, candidates, limit=5, min_score=0.12)
    assert [key for key, _score in ranked] == ["elevator"]
    everything = most_similar(ELEVATOR, candidates, limit=2)
    assert [key for key, _score in everything] == ["elevator", "parking"]
    assert most_similar("", candidates) == []
    assert most_similar(ELEVATOR, []) == []


def test_search_terms_drop_stop_words_and_words_inside_longer_ones():
    assert terms("关于老旧小区的建议") == ["老旧小区"]
    assert terms("关于") == ["关于"]  # only stop words: search for what was typed
    assert terms("") == []


@pytest.mark.django_db
def test_search_needs_every_word_in_some_field():
    make_org("老旧小区电梯办", "district")
    make_org("电梯检验所", "district")
    make_org("老旧小区改造办", "district")
    qs = Organisation.objects.all()
    found = search(qs, ["name", "short_name"], "老旧小区 电梯")
    assert [o.name for o in found] == ["老旧小区电梯办"]
    assert search(qs, ["name"], "").count() == 3
    assert search(qs, ["name"], "殡葬").count() == 0
