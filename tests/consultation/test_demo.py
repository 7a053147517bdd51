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
