"""A resident's contact phone on a public topic suggestion (社会征题) is deleted once the
suggestion no longer needs it: N days after it was not taken up or after the consultation
activity on it was held (a merged one with the topic it went into), at the latest M days
after it was submitted. The staff page then says when; the public lookup never shows it."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from xieshang.consultation import privacy, services
from xieshang.consultation.models import ActivityForm, Topic, TopicType
from xieshang.core import scheduler
from xieshang.core.models import Event
from xieshang.orgs import config

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.3")]

PHONE = "13800001111"
LOOKUP = "/portal/topics/lookup/"


def at(year, month, day):
    return time_machine.travel(dt.datetime(year, month, day, 2, 0, tzinfo=dt.UTC), tick=False)


def suggest(world, title="公园健身器材老化问题", *, ip="10.1.1.1", phone=PHONE) -> Topic:
    return services.topic_public_submit(
        organisation=world.district,
        title=title,
        description="人民公园健身器材多处损坏，老人锻炼存在安全隐患，希望协商解决。",
        name="王女士",
        phone=phone,
        ip=ip,
    )


def accept(world, topic) -> Topic:
    return services.topic_moderate(
        topic=topic, actor=world.office, accept=True, focus_area=world.area()
    )


def on_the_plan(world, plan, topic):
    # A sixth item, supervision so that the plan still passes its 20 % check.
    return world.item(
        plan, "公园健身设施更新民主监督", month=5, topic_type=TopicType.SUPERVISION, topic=topic
    )


def phone_event(topic) -> Event:
    return Event.objects.get(verb="topic.phone_delete", object_id=str(topic.pk))


def test_a_suggestion_not_taken_up_loses_its_phone_n_days_after_the_decision(world, client):
    with at(2026, 3, 2):
        # A rule applies from the day it is set (orgs.config): set it on the simulated day.
        config.set_value(
            world.district, "consultation.topic_phone_keep_days", 30, actor=world.office
        )
        rejected = suggest(world)
        code = rejected.check_code
        services.topic_moderate(
            topic=rejected, actor=world.office, accept=False, note="与政协协商工作无关"
        )
        waiting = suggest(world, "小区停车难问题", ip="10.1.1.2")
        # The resident's lookup shows the decision, never the number.
        lookup = client.post(LOOKUP, {"ticket": rejected.ticket, "code": code})
        assert "未采纳" in lookup.text and PHONE not in lookup.text
    with at(2026, 3, 31):
        assert privacy.purge_phones() == 0  # 29 days
    with at(2026, 4, 2):
        assert privacy.purge_phones() == 1
        assert privacy.purge_phones() == 0  # idempotent
    rejected.refresh_from_db()
    waiting.refresh_from_db()
    assert rejected.contact_phone == "" and rejected.contact_phone_deleted_at is not None
    assert waiting.contact_phone == PHONE and waiting.contact_phone_deleted_at is None
    event = phone_event(rejected)
    assert event.actor is None and event.note == "未采纳满30天，已删除群众联系电话。"
    # Staff see when it went, not an empty field; the history says it too.
    client.force_login(world.office)
    page = client.get(reverse("consultation:topic", args=[rejected.pk])).text
    assert "已于2026年4月2日按规定删除" in page
    assert "删除群众联系电话" in page
    url = reverse("consultation:topic", args=[waiting.pk])
    assert PHONE in client.get(url + "?phone=1").text  # kept, shown whole on request
    lookup = client.post(LOOKUP, {"ticket": rejected.ticket, "code": code})
    assert "未采纳" in lookup.text and "按规定删除" not in lookup.text


def test_an_accepted_suggestion_keeps_its_phone_until_the_consultation_on_it_was_held(world):
    with at(2026, 3, 2):
        topic = accept(world, suggest(world))
        duplicate = accept(world, suggest(world, "人民公园健身器材维修", ip="10.1.1.2"))
        services.topic_merge(topic=duplicate, into=topic, actor=world.office)
        plan = world.passing_plan(year=2026)
        item = on_the_plan(world, plan, topic)
        world.publish(plan)
        activity = services.activity_create(
            organisation=world.district,
            actor=world.office,
            title="公园健身设施更新专题协商会",
            form=ActivityForm.SPECIAL,
            date=dt.date(2026, 5, 12),
            place="政协三楼会议室",
            plan_item=item,
        )
    # Accepted, merged, on the plan: the residents may still be invited and told how it went.
    with at(2026, 9, 1):
        assert privacy.purge_phones() == 0
    with at(2026, 9, 2):
        services.activity_hold(activity=activity, actor=world.office, attendance={})
    # 90 days (the default) from the day it was held, 12 May 2026: 10 August.
    with at(2026, 9, 3):
        assert privacy.purge_phones() == 2
    for t in (topic, duplicate):
        t.refresh_from_db()
        assert t.contact_phone == ""
        assert phone_event(t).note == "议题协商活动召开满90天，已删除群众联系电话。"


def test_the_keep_period_counts_from_the_day_the_activity_was_held(world):
    with at(2026, 3, 2):
        topic = accept(world, suggest(world))
        plan = world.passing_plan(year=2026)
        item = on_the_plan(world, plan, topic)
        world.publish(plan)
        activity = services.activity_create(
            organisation=world.district,
            actor=world.office,
            title="公园健身设施更新专题协商会",
            form=ActivityForm.SPECIAL,
            date=dt.date(2026, 5, 12),
            place="政协三楼会议室",
            plan_item=item,
        )
    with at(2026, 5, 12):
        services.activity_hold(activity=activity, actor=world.office, attendance={})
    with at(2026, 8, 9):
        assert privacy.purge_phones() == 0  # 89 days after the activity
    with at(2026, 8, 11):
        assert privacy.purge_phones() == 1


def test_a_suggestion_never_settled_keeps_its_phone_two_years_at_most(world):
    with at(2026, 3, 2):
        in_pool = accept(world, suggest(world))  # accepted, never put on a plan
        never_moderated = suggest(world, "小区停车难问题", ip="10.1.1.2")
    with at(2028, 2, 29):
        assert privacy.purge_phones() == 0  # 729 days
    with at(2028, 3, 2):
        assert privacy.purge_phones() == 2
    for t in (in_pool, never_moderated):
        t.refresh_from_db()
        assert t.contact_phone == "" and t.contact_phone_deleted_at is not None
        assert phone_event(t).note == "提交满730天，已删除群众联系电话。"


def test_the_job_runs_daily_and_both_periods_are_on_the_rules_page(world, client):
    with at(2026, 3, 2):
        topic = suggest(world)
        services.topic_moderate(topic=topic, actor=world.office, accept=False, note="重复提交")
    job = scheduler.registry()["consultation.purge_topic_phones"]
    assert job.at == dt.time(3, 25)
    with at(2026, 6, 1):
        assert scheduler.run_job("consultation.purge_topic_phones") == 1
    client.force_login(world.office)
    page = client.get(reverse("orgs:rules", args=[world.district.pk])).text
    assert "群众征题处理完毕后保留联系电话的天数" in page
    assert "群众征题联系电话最长保留天数" in page


def test_the_public_form_says_the_number_is_deleted_after_the_suggestion_is_settled(client):
    page = client.get("/portal/topics/").text
    assert "建议处理完毕后按规定期限自动删除" in page
