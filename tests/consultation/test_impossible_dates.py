"""Dates that cannot be: a decision, an instruction or an adoption dated in the future, a
plan approved before it was drafted, a plan's activity held in another year, an extension
to a day already gone. Each is refused with a message, and what was typed stays."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.factories import make_org
from xieshang.consultation import services
from xieshang.consultation.forms import (
    ActivityCreateForm,
    ActivityEditForm,
    ApproveForm,
    DecisionForm,
)
from xieshang.consultation.models import ActivityForm, ConsultationPlan
from xieshang.followups.forms import ExtensionForm, InstructionForm
from xieshang.opinions.forms import AdoptionForm

pytestmark = pytest.mark.django_db
FUTURE = "2099-06-01"


@pytest.mark.parametrize(
    ("form_class", "data", "field"),
    [
        (DecisionForm, {"decision": "采纳", "decided_on": FUTURE}, "decided_on"),
        (
            InstructionForm,
            {"leader": "张书记", "level": "county", "instructed_on": FUTURE, "text": "阅"},
            "instructed_on",
        ),
        (AdoptionForm, {"mode": "instruction", "adopted_on": FUTURE}, "adopted_on"),
    ],
)
def test_a_date_of_something_done_cannot_lie_in_the_future(form_class, data, field):
    extra = {}
    if form_class is InstructionForm:
        org = make_org()
        target = SimpleNamespace(
            key="opinion", organisation=lambda item, user: org, earliest=lambda item: None
        )
        extra = {"target": target, "item": SimpleNamespace(pk=1), "user": None}
    form = form_class(data, **extra)
    assert not form.is_valid()
    assert form.errors[field] == ["日期不能晚于今天。"]


def test_an_extension_must_end_after_today():
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    form = ExtensionForm({"requested_due": yesterday.isoformat(), "reason": "需会同财政测算"})
    assert not form.is_valid() and form.errors["requested_due"] == ["申请延至的日期须晚于今天。"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert ExtensionForm({"requested_due": tomorrow, "reason": "需会同财政测算"}).is_valid()


def test_a_plan_is_not_approved_before_it_was_drafted():
    drafted = timezone.now() - dt.timedelta(days=10)
    plan = SimpleNamespace(created_at=drafted)
    before = (timezone.localdate(drafted) - dt.timedelta(days=1)).isoformat()
    form = ApproveForm({"approve-approved_on": before}, prefix="approve", plan=plan)
    assert not form.is_valid()
    assert "审定日期不能早于计划起草的日期" in form.errors["approved_on"][0]
    on_the_day = timezone.localdate(drafted).isoformat()
    assert ApproveForm({"approve-approved_on": on_the_day}, prefix="approve", plan=plan).is_valid()


def test_a_plans_activity_is_held_in_the_plans_year(world):
    this_year = timezone.localdate().year
    plan = world.passing_plan(year=this_year)
    for actor in (world.office, world.party_office, world.chair):
        services.plan_forward(plan=plan, actor=actor)
    services.plan_forward(plan=plan, actor=world.standing, approved_on=timezone.localdate())
    assert ConsultationPlan.objects.get(pk=plan.pk).status == ConsultationPlan.Status.PUBLISHED
    item = plan.items.first()
    data = {
        "organisation": world.district.pk,
        "plan_item": item.pk,
        "title": "养老服务协商",
        "form": ActivityForm.SPECIAL,
        "date": f"{this_year + 1}-01-10",
        "place": "区政协会议室",
        "agenda": "听取汇报，座谈协商",
    }
    organisations = type(world.district).objects.filter(pk=world.district.pk)
    form = ActivityCreateForm(data, organisations=organisations)
    assert not form.is_valid()
    assert form.errors["date"] == [f"活动日期不在所选计划的年度（{this_year}年）内。"]
    form = ActivityCreateForm({**data, "date": f"{this_year}-12-10"}, organisations=organisations)
    assert "date" not in form.errors


def test_an_extension_cannot_reach_years_ahead():
    far = timezone.localdate() + dt.timedelta(days=400)
    form = ExtensionForm({"requested_due": far.isoformat(), "reason": "需会同财政测算"})
    assert not form.is_valid() and "一年之内" in form.errors["requested_due"][0]
    assert not ExtensionForm({"requested_due": "9999-12-31", "reason": "理由"}).is_valid()


@pytest.mark.clause("C2.5")
def test_an_activity_outside_the_plan_cannot_be_dated_in_a_year_long_closed(world):
    """A mistyped year (2001 for 2026) would put the attendance into closed duty files; an
    activity whose old date is kept can still have its place corrected."""
    this_year = timezone.localdate().year
    data = {
        "organisation": world.district.pk,
        "title": "教育界界别协商：课后服务",
        "form": ActivityForm.SECTOR,
        "sector": world.education_sector.pk,
        "date": "2001-09-28",
        "place": "区政协会议室",
    }
    organisations = type(world.district).objects.filter(pk=world.district.pk)
    form = ActivityCreateForm(data, organisations=organisations)
    assert not form.is_valid()
    assert form.errors["date"] == [f"活动日期不能早于{this_year - 1}年1月1日。"]
    last_year = {**data, "date": f"{this_year - 1}-01-01"}
    assert ActivityCreateForm(last_year, organisations=organisations).is_valid()

    old = services.activity_create(
        organisation=world.district,
        actor=world.office,
        title="教育界界别协商：课后服务",
        form=ActivityForm.SECTOR,
        date=dt.date(2001, 9, 28),
        place="区政协会议室",
        sector=world.education_sector,
    )
    kept = {**data, "version": old.version, "place": "区政协三楼会议室"}
    assert ActivityEditForm(kept, activity=old).is_valid()
    moved = {**kept, "date": "2002-09-28"}
    form = ActivityEditForm(moved, activity=old)
    assert not form.is_valid() and "date" in form.errors
