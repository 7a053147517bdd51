"""/api/v1/consultation/: topics, annual plans (with their checks and the approval chain),
activities and outcomes, through the same selectors, policies and services as the pages."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from xieshang.api.schemas import (
    YEAR_FILTER,
    BodyIn,
    ErrorOut,
    Id,
    PageOut,
    PageQuery,
    Year,
    bounded,
    choice,
    described,
    paginate,
    status_filter,
    up_to,
)
from xieshang.consultation import policies, selectors, services
from xieshang.consultation.models import (
    Activity,
    ConsultationPlan,
    FocusArea,
    Outcome,
    Topic,
    TopicType,
)
from xieshang.core.audit import StaleEdit
from xieshang.core.pii import mask_numbers
from xieshang.orgs.models import Organisation

router = Router(tags=["consultation"])


class TopicOut(Schema):
    id: int
    organisation_id: int
    title: str
    description: str
    source: str
    source_label: str
    topic_type: str
    focus_area: str | None
    proposer_name: str
    status: str
    status_label: str
    merged_into_id: int | None
    created_at: dt.datetime


class TopicPage(PageOut):
    items: list[TopicOut]


class TopicFilters(PageQuery):
    status: status_filter(Topic.Status) = ""
    source: described(choice(Topic.Source), "议题来源（可选值见下），不填为全部") = ""


class TopicIn(BodyIn):
    organisation_id: Id
    title: bounded(Topic, "title")
    description: str = ""
    source: choice(Topic.Source, blank=False)
    topic_type: choice(TopicType, blank=False) = TopicType.POLITICAL.value
    focus_area_id: Id
    proposer_name: bounded(Topic, "proposer_name")


def _topic(t: Topic) -> dict:
    return {
        "id": t.pk,
        "organisation_id": t.organisation_id,
        # Numbers a resident typed stay masked, as on the staff pages (the API has no logged
        # look to show them whole).
        "title": mask_numbers(t.title),
        "description": mask_numbers(t.description),
        "source": t.source,
        "source_label": str(t.get_source_display()),
        "topic_type": t.topic_type,
        "focus_area": t.focus_area.name if t.focus_area_id else None,
        "proposer_name": t.proposer_name,
        "status": t.status,
        "status_label": str(t.get_status_display()),
        "merged_into_id": t.merged_into_id,
        "created_at": t.created_at,
    }


@router.get(
    "/topics",
    response=TopicPage,
    summary="协商议题列表",
    description="您可查看的协商议题（征集的和议题库中的）；群众填写的号码已遮盖。",
)
def list_topics(request, filters: Query[TopicFilters]):
    return paginate(
        selectors.topic_list(request.user, status=filters.status, source=filters.source),
        filters,
        _topic,
    )


@router.get("/topics/{pk}", response=TopicOut, summary="协商议题详情", description="一个协商议题。")
def get_topic(request, pk: int):
    topic = Topic.objects.select_related("organisation", "focus_area").filter(pk=pk).first()
    if topic is None or not policies.can_view_topic(request.user, topic):
        raise Http404
    return _topic(topic)


@router.post(
    "/topics",
    response={201: TopicOut, 403: ErrorOut},
    summary="提出协商议题",
    description="向某一组织提出协商议题，规则同“提出议题”页面；可用的来源视您的角色而定。",
)
def create_topic(request, payload: TopicIn):
    organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
    area = FocusArea.objects.filter(pk=payload.focus_area_id).first()
    if organisation is None or not policies.can_submit_topic(request.user, organisation):
        return Status(403, {"detail": _("无权向该组织提出议题。")})
    if payload.source not in policies.topic_sources(request.user):
        raise ValidationError({"source": _("您不能以该来源提出议题。")})
    if area is None:
        raise ValidationError({"focus_area_id": _("请选择重点领域。")})
    try:
        topic = services.topic_create(
            organisation=services.cppcc_of(organisation),
            actor=request.user,
            title=payload.title,
            description=payload.description,
            source=payload.source,
            topic_type=payload.topic_type,
            focus_area=area,
            proposer_name=payload.proposer_name,
        )
    except PermissionDenied:
        return Status(403, {"detail": _("无权向该组织提出议题。")})
    return Status(201, _topic(topic))


class CheckOut(Schema):
    key: str
    label: str
    ok: bool
    detail: str


class PlanItemOut(Schema):
    id: int
    title: str
    form: str
    form_label: str
    topic_type: str
    focus_area: str | None
    month: int
    lead_leader: str
    committee: str | None
    departments: list[str]
    co_organisers: list[str]
    is_key: bool
    topic_id: int | None


class PlanOut(Schema):
    id: int
    organisation_id: int
    year: int
    title: str
    status: str
    status_label: str
    version: int
    approved_on: dt.date | None


class PlanDetailOut(PlanOut):
    items: list[PlanItemOut]
    checks: list[CheckOut]


class PlanPage(PageOut):
    items: list[PlanOut]


class PlanFilters(PageQuery):
    status: status_filter(ConsultationPlan.Status) = ""
    year: described(Year | None, YEAR_FILTER) = None


class NoteIn(BodyIn):
    note: up_to(2000) = ""  # the pages' forward / send-back forms


class ForwardIn(NoteIn):
    # The page's hidden plan_version: the plan as the caller read it. Given, a plan changed
    # since (the other office's revision) is a 409 and nothing is handed on; left out, the
    # plan is forwarded as it stands (as before).
    version: int | None = None


def _plan(p: ConsultationPlan) -> dict:
    return {
        "id": p.pk,
        "organisation_id": p.organisation_id,
        "year": p.year,
        "title": p.title,
        "status": p.status,
        "status_label": str(p.get_status_display()),
        "version": p.version,
        "approved_on": p.approved_on,
    }


def _plan_detail(p: ConsultationPlan) -> dict:
    items = selectors.plan_items(p)
    return {
        **_plan(p),
        "items": [
            {
                "id": i.pk,
                "title": i.title,
                "form": i.form,
                "form_label": str(i.get_form_display()),
                "topic_type": i.topic_type,
                "focus_area": i.focus_area.name if i.focus_area_id else None,
                "month": i.month,
                "lead_leader": i.lead_leader,
                "committee": i.committee.name if i.committee_id else None,
                "departments": [d.name for d in i.departments.all()],
                "co_organisers": [o.name for o in i.co_organisers.all()],
                "is_key": i.is_key,
                "topic_id": i.topic_id,
            }
            for i in items
        ],
        "checks": [c.__dict__ for c in selectors.plan_checks(p, items)],
    }


@router.get(
    "/plans",
    response=PlanPage,
    summary="年度协商计划列表",
    description="您可查看的年度协商计划，年度新者在前。",
)
def list_plans(request, filters: Query[PlanFilters]):
    """The plans the caller may see, newest year first, in the list envelope like every
    other list (before 2026-12-05 a bare array of every plan)."""
    plans = selectors.plan_list(request.user)
    if filters.status:
        plans = plans.filter(status=filters.status)
    if filters.year:
        plans = plans.filter(year=filters.year)
    return paginate(plans, filters, _plan)


def _plan_for(request, pk: int) -> ConsultationPlan:
    plan = ConsultationPlan.objects.select_related("organisation").filter(pk=pk).first()
    if plan is None or not policies.can_view(request.user, plan.organisation):
        raise Http404
    return plan


@router.get(
    "/plans/{pk}",
    response=PlanDetailOut,
    summary="年度协商计划详情",
    description="一份年度协商计划及其各项安排和检查结果（checks）。",
)
def get_plan(request, pk: int):
    return _plan_detail(_plan_for(request, pk))


def _plan_action(request, pk: int, run):
    """Run a step; a refused one is the API's 422 (`XieshangAPI._refused`)."""
    plan = _plan_for(request, pk)
    try:
        run(plan)
    except PermissionDenied:
        return Status(403, {"detail": _("您在当前环节无权进行此操作。")})
    except StaleEdit as exc:
        return Status(409, {"detail": str(exc)})
    plan.refresh_from_db()
    return Status(200, _plan_detail(plan))


@router.post(
    "/plans/{pk}/forward",
    response={200: PlanDetailOut, 403: ErrorOut, 409: ErrorOut},
    summary="报送协商计划",
    description=(
        "将计划送交下一环节。请带读取计划时的 version：其间计划已被修改时回答 409，不报送。"
    ),
)
def forward_plan(request, pk: int, payload: ForwardIn):
    """Hand the plan to the next body. Send the `version` read with the plan: if the plan
    changed since, the answer is 409 and nothing is handed on."""
    return _plan_action(
        request,
        pk,
        lambda p: services.plan_forward(
            plan=p, actor=request.user, note=payload.note, expected_version=payload.version
        ),
    )


@router.post(
    "/plans/{pk}/send-back",
    response={200: PlanDetailOut, 403: ErrorOut},
    summary="退回协商计划",
    description="将计划退回上一环节，须填写退回意见（note）。",
)
def send_back_plan(request, pk: int, payload: NoteIn):
    return _plan_action(
        request,
        pk,
        lambda p: services.plan_send_back(plan=p, actor=request.user, note=payload.note),
    )


class ActivityOut(Schema):
    id: int
    organisation_id: int
    title: str
    form: str
    form_label: str
    date: dt.date
    place: str
    status: str
    plan_item_id: int | None
    sector: str | None
    participant_count: int


class ActivityPage(PageOut):
    items: list[ActivityOut]


class ActivityFilters(PageQuery):
    status: status_filter(Activity.Status) = ""


@router.get(
    "/activities",
    response=ActivityPage,
    summary="协商活动列表",
    description="您可查看的协商活动。",
)
def list_activities(request, filters: Query[ActivityFilters]):
    def convert(a):
        return {
            "id": a.pk,
            "organisation_id": a.organisation_id,
            "title": a.title,
            "form": a.form,
            "form_label": str(a.get_form_display()),
            "date": a.date,
            "place": a.place,
            "status": a.status,
            "plan_item_id": a.plan_item_id,
            "sector": a.sector.name if a.sector_id else None,
            "participant_count": a.participant_count,
        }

    activities = selectors.activity_list(request.user)
    if filters.status:
        activities = activities.filter(status=filters.status)
    return paginate(activities, filters, convert)


class OutcomeOut(Schema):
    id: int
    organisation_id: int
    activity_id: int
    kind: str
    kind_label: str
    title: str
    status: str
    status_label: str
    is_plan_outcome: bool
    submitted_on: dt.date | None
    decision: str
    decided_on: dt.date | None


class OutcomePage(PageOut):
    items: list[OutcomeOut]


class OutcomeFilters(PageQuery):
    status: status_filter(Outcome.Status) = ""


@router.get(
    "/outcomes",
    response=OutcomePage,
    summary="协商成果列表",
    description="您可查看的协商成果及其决策、反馈情况。",
)
def list_outcomes(request, filters: Query[OutcomeFilters]):

    def convert(o):
        return {
            "id": o.pk,
            "organisation_id": o.organisation_id,
            "activity_id": o.activity_id,
            "kind": o.kind,
            "kind_label": str(o.get_kind_display()),
            "title": o.title,
            "status": o.status,
            "status_label": str(o.get_status_display()),
            "is_plan_outcome": o.activity.plan_item_id is not None,
            "submitted_on": o.submitted_on,
            "decision": o.decision,
            "decided_on": o.decided_on,
        }

    return paginate(selectors.outcome_list(request.user, status=filters.status), filters, convert)
