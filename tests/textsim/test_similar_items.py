"""Similar items that understand paraphrase (textsim.vectors, issue 14).

The corpora stay small: each distinct title costs one sentence-vector computation."""

import datetime as dt

import numpy as np
import pytest
import time_machine
from django.urls import reverse

from tests.proposals.conftest import World
from xieshang.proposals.models import Proposal
from xieshang.proposals.similarity import similar_proposals
from xieshang.textsim import lexicon, vectors
from xieshang.textsim.models import SimilarityVector

S = Proposal.Status
NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(db):
    return World()


def make(world, title, *, status=S.SUBMITTED, year=2026):
    return Proposal.objects.create(
        organisation=world.district,
        year=year,
        title=title,
        suggestions="建议有关部门研究解决。",
        status=status,
        first_proposer=world.members["wang"],
    )


def found(world, title, **kwargs):
    return [p.title for p, _score in similar_proposals(world.district, title, **kwargs)]


@pytest.mark.clause("C4.6")
@time_machine.travel(NOW)
def test_the_same_matter_in_other_words_is_found_and_a_different_matter_is_not(world):
    make(world, "关于加强中小学课后托管服务的建议")
    make(world, "关于规范外卖行业食品安全监管的建议")
    make(world, "关于外卖平台佣金过高加重商户负担的建议")
    make(world, "关于推进老旧小区加装电梯的提案")

    # 课后延时服务 is 课后托管; 网络订餐平台 is 外卖.
    assert (
        found(world, "关于推进课后延时服务提质增效的提案")[0] == "关于加强中小学课后托管服务的建议"
    )
    assert (
        found(world, "网络订餐平台入网餐饮商户的食品安全如何保障？")[0]
        == "关于规范外卖行业食品安全监管的建议"
    )
    assert found(world, "关于既有多层住宅增设电梯的建议")[0] == "关于推进老旧小区加装电梯的提案"
    # Same words (外卖), different matter: not flagged.
    assert "关于外卖平台佣金过高加重商户负担的建议" not in found(
        world, "关于外卖包装垃圾回收利用的建议"
    )


@pytest.mark.clause("C4.6")
@time_machine.travel(NOW)
def test_a_saved_proposal_is_found_by_the_next_query_without_a_rebuild(world):
    make(world, "关于推进老旧小区加装电梯的提案")
    assert found(world, "关于推进课后延时服务提质增效的提案") == []  # loads the index
    school = make(world, "关于加强中小学课后托管服务的建议")
    assert found(world, "关于推进课后延时服务提质增效的提案") == [school.title]
    # A changed title is what the next query compares.
    school.title = "关于规范外卖行业食品安全监管的建议"
    school.save()
    assert found(world, "关于推进课后延时服务提质增效的提案") == []
    assert found(world, "网络订餐平台入网餐饮商户的食品安全如何保障？") == [school.title]
    # Drafts and the proposal itself are left out.
    draft = make(world, "关于加强中小学课后托管服务的建议", status=S.DRAFT)
    assert found(world, draft.title, exclude_pk=school.pk) == []


@time_machine.travel(NOW)
def test_the_vectors_are_stored_once_per_text_and_a_rebuild_fills_bulk_imports(world):
    a = make(world, "关于推进老旧小区加装电梯的提案")
    assert found(world, "关于既有多层住宅增设电梯的建议") == [a.title]
    row = SimilarityVector.objects.get(object_id=a.pk)
    assert len(row.vector) == vectors.DIM * 2  # float16

    # bulk_create sends no signals: the rebuild indexes what it left out.
    Proposal.objects.bulk_create(
        [
            Proposal(
                organisation=world.district,
                year=2026,
                title="关于加强中小学课后托管服务的建议",
                status=S.SUBMITTED,
                first_proposer=world.members["wang"],
            )
        ]
    )
    counts = vectors.rebuild([Proposal])
    assert counts[Proposal._meta.label] == 2
    assert SimilarityVector.objects.filter(vector__isnull=True).count() == 0
    assert found(world, "关于推进课后延时服务提质增效的提案") == [
        "关于加强中小学课后托管服务的建议"
    ]


def test_the_office_can_add_synonyms_in_its_own_file(tmp_path, settings):
    extra = tmp_path / "synonyms.txt"
    extra.write_text("# 本地说法\n河长制 河湖长 河段长\n", encoding="utf-8")
    settings.TEXTSIM_SYNONYMS_FILE = str(extra)
    lexicon.reload()
    try:
        assert lexicon.expand("关于落实河段长巡河责任的建议").endswith("（河长制）")
        assert "网络订餐" in lexicon.expand("关于外卖食品安全的建议")  # the shipped file too
        assert lexicon.expand("关于城市公园建设的建议") == "关于城市公园建设的建议"
    finally:
        lexicon.reload()


@pytest.mark.clause("C2.3")
def test_a_duplicate_public_topic_waiting_in_the_same_queue_is_reported(client, db):
    from tests.consultation.conftest import World as ConsultationWorld
    from xieshang.consultation.models import Topic

    world = ConsultationWorld()
    for title in ("公园健身器材老化问题", "人民公园健身器材损坏严重"):
        response = client.post(
            "/portal/topics/",
            {
                "organisation": world.district.pk,
                "title": title,
                "description": "人民公园健身器材多处损坏，老人锻炼存在安全隐患，希望协商解决。",
                "name": "王女士",
                "phone": "",
                "website": "",
            },
            REMOTE_ADDR=f"10.0.0.{len(title)}",
        )
        assert response.status_code == 302
    first, second = Topic.objects.order_by("pk")
    assert first.status == second.status == Topic.Status.PENDING
    client.force_login(world.office)
    page = client.get(reverse("consultation:topic", args=[second.pk])).text
    assert "未发现相似议题" not in page
    assert first.title in page


@time_machine.travel(NOW)
def test_a_query_embeds_only_its_own_text_and_the_worker_fills_saved_items(world, monkeypatch):
    from xieshang.textsim import tasks

    queued = []
    task = tasks.compute_vectors

    class Queue:  # the database backend without its worker
        enqueue = staticmethod(queued.append)

    monkeypatch.setattr(tasks, "compute_vectors", Queue)
    monkeypatch.setattr(vectors, "PENDING_RECHECK_SECONDS", 0.0)
    monkeypatch.setattr(vectors, "_memo", type(vectors._memo)())  # no vector remembered
    school = make(world, "关于加强中小学课后托管服务的建议")
    assert queued and SimilarityVector.objects.get(object_id=school.pk).vector is None

    embedded = []
    real_embed = vectors.embed
    monkeypatch.setattr(vectors, "embed", lambda texts: embedded.append(texts) or real_embed(texts))
    # The worker has not run: the query leaves the row out and embeds only its own text.
    assert found(world, "关于推进课后延时服务提质增效的提案") == []
    assert embedded == [[vectors.vector_text("关于推进课后延时服务提质增效的提案")]]

    task.call(queued[0])
    assert SimilarityVector.objects.get(object_id=school.pk).vector is not None
    assert found(world, "关于推进课后延时服务提质增效的提案") == [school.title]
    # Another item with the same text takes the stored vector at once: nothing queued.
    queued.clear()
    make(world, "关于加强中小学课后托管服务的建议", year=2025)
    assert queued == []


def test_the_two_stage_scan_finds_what_the_exact_product_finds():
    rng = np.random.default_rng(3)
    centre = rng.normal(size=vectors.DIM)
    # Like sentence vectors: a common direction, and most of the rest in a few dimensions.
    latent = rng.normal(size=(4000, 32)) @ rng.normal(size=(32, vectors.DIM))
    items = (3 * centre + latent + 0.05 * rng.normal(size=(4000, vectors.DIM))).astype(np.float32)
    items /= np.linalg.norm(items, axis=1, keepdims=True)
    reducer = vectors.Reducer.fit(items, 64)
    full = items.astype(np.float16)
    reduced = reducer.items(full)
    for q in items[:20]:
        rows, scores = vectors.two_stage_top(reduced, full, reducer.query(q)[0], q, 400, 5)
        exact = np.argsort(-(full.astype(np.float32) @ q))[:5]
        assert rows.tolist() == exact.tolist()
        assert np.all(np.diff(scores) <= 0)


def test_titles_are_compared_without_the_wording_every_title_shares():
    assert lexicon.core("关于推进课后延时服务提质增效的提案") == "推进课后延时服务提质增效"
    assert lexicon.core("群众反映送餐员闯红灯、逆行现象突出") == "送餐员闯红灯、逆行现象突出"
    assert lexicon.core("中心城区车位紧张的对策建议") == "中心城区车位紧张"
    assert lexicon.core("如何让群众就医更方便？") == "让群众就医更方便"
    assert lexicon.core("关于建议") == "关于建议"  # nothing else left: kept whole
    assert vectors.vector_text("关于解决停车难问题的建议").startswith("解决停车难问题")
