import random

from django.utils import timezone

from xieshang.consultation import demo
from xieshang.consultation.models import ConsultationPlan, Outcome, PartyPlan, Topic
from xieshang.consultation.selectors import plan_checks


def test_it_builds_a_published_plan_and_last_years_outcomes_at_every_stage(world):
    demo.build(organisation=world.district, rng=random.Random(7))
    this_year = timezone.localdate().year
    years = dict(ConsultationPlan.objects.values_list("year", "status"))
    assert years == {this_year - 1: "published", this_year: "published", this_year + 1: "draft"}
    draft = ConsultationPlan.objects.get(year=this_year + 1)
    assert not {c.key: c for c in plan_checks(draft)}["supervision_share"].ok
    stages = set(Outcome.objects.values_list("status", flat=True))
    assert stages == set(Outcome.Status.values)
    assert Topic.objects.filter(status=Topic.Status.PENDING).count() == 3
    assert set(Topic.objects.values_list("source", flat=True)) == set(Topic.Source.values)
    assert PartyPlan.objects.get().comments.count() == 1


def test_the_demo_holds_each_sector_consultation_in_its_own_sector_and_dates_it_in_chinese(world):
    from xieshang.consultation.models import Activity, ActivityForm
    from xieshang.consultation.views_public import _public_progress

    demo.build(organisation=world.district, rng=random.Random(7))
    held = Activity.objects.filter(title="经济界界别协商：现代服务业", form=ActivityForm.SECTOR)
    assert held.exists()
    assert set(held.values_list("sector__name", flat=True)) == {"经济界"}
    # The resident's progress page writes the activity's day the Chinese way.
    activity = Activity.objects.filter(
        status=Activity.Status.HELD,
        plan_item__topic__status=Topic.Status.OPEN,
        plan_item__plan__status=ConsultationPlan.Status.PUBLISHED,
    ).first()
    topic = activity.plan_item.topic
    steps = _public_progress(topic)["steps"]
    day = activity.date
    assert f"{day.year}年{day.month}月{day.day}日 召开协商活动：{activity.title}" in steps
