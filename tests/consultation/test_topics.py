import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from xieshang.consultation import services
from xieshang.consultation.models import FocusArea, Topic, TopicType
from xieshang.core.models import Event


@pytest.mark.clause("C2.1")
def test_it_seeds_each_organisation_with_the_twelve_focus_areas(world):
    names = list(
        FocusArea.objects.filter(organisation=world.district).values_list("name", flat=True)
    )
    assert len(names) == 12
    assert names[0] == "产业转型升级" and names[-1] == "民生实事办理"
    # Idempotent, and each organisation has its own taxonomy.
    services.focus_areas_ensure(world.district)
    services.focus_areas_ensure(world.other)
    assert FocusArea.objects.filter(organisation=world.district).count() == 12
    assert FocusArea.objects.filter(organisation=world.other).count() == 12


@pytest.mark.clause("C2.1")
def test_it_counts_topics_by_focus_area(world):
    from xieshang.consultation.selectors import topics_by_area

    world.topic("加装电梯")
    world.topic("楼道改造")
    world.topic("河道治理", focus_area=world.area("生态环境建设"))
    counts = {r["area"].name: r["topics"] for r in topics_by_area(world.district)}
    assert counts["老旧小区改造提升"] == 2
    assert counts["生态环境建设"] == 1
    assert counts["产业转型升级"] == 0


@pytest.mark.clause("C2.3")
def test_it_takes_topics_from_each_source_through_its_own_channel(world, client):
    from xieshang.consultation.policies import topic_sources

    assert topic_sources(world.liaison) == [Topic.Source.GRASSROOTS]
    assert topic_sources(world.housing_clerk) == [Topic.Source.DEPARTMENT]
    assert topic_sources(world.members[0].user) == [Topic.Source.CPPCC]
    assert topic_sources(world.party_office) == [Topic.Source.PARTY]
    assert set(topic_sources(world.office)) == set(Topic.Source.values)

    # A street liaison officer's topic goes to the district committee, with the street.
    client.force_login(world.liaison)
    response = client.post(
        reverse("consultation:topic_new"),
        {
            "organisation": world.district.pk,
            "title": "背街小巷路灯照明不足",
            "description": "城关街道多条背街小巷夜间无照明。",
            "source": Topic.Source.GRASSROOTS,
            "proposer_name": "城关街道居民议事会",
            "topic_type": TopicType.DELIBERATION,
            "focus_area": world.area("基础设施建设").pk,
        },
    )
    assert response.status_code == 302
    topic = Topic.objects.get(title="背街小巷路灯照明不足")
    assert topic.organisation == world.district
    assert topic.street == world.street
    assert topic.source == Topic.Source.GRASSROOTS
    assert topic.status == Topic.Status.OPEN

    # A department clerk cannot pass a topic off as the Party committee's.
    client.force_login(world.housing_clerk)
    response = client.post(
        reverse("consultation:topic_new"),
        {
            "organisation": world.district.pk,
            "title": "冒充党委定题",
            "source": Topic.Source.PARTY,
            "proposer_name": "x",
            "topic_type": TopicType.POLITICAL,
            "focus_area": world.area().pk,
        },
    )
    assert response.status_code == 400
    assert not Topic.objects.filter(title="冒充党委定题").exists()


@pytest.mark.clause("C2.3")
def test_it_shows_similar_topics_and_merges_a_duplicate(world):
    from xieshang.consultation.selectors import similar_topics

    lift = world.topic("关于老旧小区加装电梯的协商", description="老旧小区加装电梯资金分摊难")
    dup = world.topic("老旧小区加装电梯问题", description="加装电梯资金分摊和审批")
    world.topic("河道生态治理", description="黑臭水体", focus_area=world.area("生态环境建设"))
    similar = [t for t, _score in similar_topics(dup)]
    assert similar[0] == lift
    assert all(t.title != "河道生态治理" for t in similar)

    with pytest.raises(PermissionDenied):
        services.topic_merge(topic=dup, into=lift, actor=world.chair)
    services.topic_merge(topic=dup, into=lift, actor=world.office)
    dup.refresh_from_db()
    assert dup.status == Topic.Status.MERGED
    assert dup.merged_into == lift
    assert Event.objects.filter(verb="topic.merge", object_id=str(lift.pk)).exists()


@pytest.mark.clause("C2.3")
def test_it_keeps_public_submissions_out_of_the_topic_pool_until_accepted(world):
    from xieshang.consultation.selectors import moderation_queue, visible_topics

    topic = services.topic_public_submit(
        organisation=world.district,
        title="公园健身器材老化",
        description="人民公园健身器材多处损坏，存在安全隐患，希望协商解决。",
        name="居民王女士",
        phone="13800001111",
        ip="10.0.0.1",
    )
    assert topic.status == Topic.Status.PENDING
    assert topic.ticket.startswith("YT")
    assert topic not in visible_topics(world.office)
    assert list(moderation_queue(world.office)) == [topic]
    assert list(moderation_queue(world.other_office)) == []

    services.topic_moderate(
        topic=topic,
        actor=world.office,
        accept=True,
        focus_area=world.area("民生实事办理"),
        topic_type=TopicType.SUPERVISION,
    )
    topic.refresh_from_db()
    assert topic.status == Topic.Status.OPEN
    assert topic.source == Topic.Source.PUBLIC
    assert topic in visible_topics(world.office)
