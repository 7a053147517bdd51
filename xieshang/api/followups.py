"""/api/v1/followups/: a body's follow-up tasks and their written feedback, through the same
selectors, policies and services as the pages."""

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from xieshang.api.schemas import BodyIn, ErrorOut, PageOut, PageQuery, paginate, up_to
from xieshang.followups import policies, selectors, services
from xieshang.followups.models import Task

router = Router(tags=["followups"])


class TaskOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    department: str | None
    organisation_id: int
    start_date: dt.date
    due_date: dt.date
    status: str
    status_label: str
    overdue: bool


class TaskPage(PageOut):
    items: list[TaskOut]


class TaskFilters(PageQuery):
    # The queue page's tabs; an unknown one is a 422 naming these, not every task.
    state: Annotated[
        Literal["open", "overdue", "extension", "submitted", "closed"],
        Field(
            description="同“督办事项”页面的标签页：open 办理中（默认），overdue 已逾期，"
            "extension 待审批延期，submitted 已反馈待确认，closed 已办结（含已撤销）"
        ),
    ] = "open"


class FeedbackIn(BodyIn):
    text: up_to(20000)  # the page's feedback form


def _out(task: Task, today: dt.date) -> dict:
    return {
        "id": task.pk,
        "title": task.title,
        "kind": task.kind,
        "kind_label": str(task.get_kind_display()),
        "department": task.department.name if task.department_id else None,
        "organisation_id": task.organisation_id,
        "start_date": task.start_date,
        "due_date": task.due_date,
        "status": task.status,
        "status_label": str(task.get_status_display()),
        "overdue": task.is_overdue(today),
    }


@router.get(
    "/",
    response=TaskPage,
    summary="督办事项列表",
    description="您可查看的督办事项，按 state 分组，同“督办事项”页面。",
)
def list_tasks(request, filters: Query[TaskFilters]):
    today = timezone.localdate()
    qs = selectors.task_queue(request.user, state=filters.state, today=today)
    return paginate(qs, filters, lambda task: _out(task, today))


def _task_for(request, pk: int) -> Task:
    task = Task.objects.select_related("department", "organisation").filter(pk=pk).first()
    if task is None or not policies.can_view(request.user, task):
        raise Http404
    return task


@router.get("/{pk}", response=TaskOut, summary="督办事项详情", description="一项督办事项。")
def get_task(request, pk: int):
    return _out(_task_for(request, pk), timezone.localdate())


@router.post(
    "/{pk}/feedback",
    response={200: TaskOut, 403: ErrorOut},
    summary="报送办理反馈",
    description="承办单位报送督办事项的书面办理反馈，规则同页面上的反馈表。",
)
def submit_feedback(request, pk: int, payload: FeedbackIn):
    task = _task_for(request, pk)
    try:
        services.feedback_from_page(task=task, text=payload.text, actor=request.user)
    except PermissionDenied:
        return Status(403, {"detail": _("无权反馈此事项。")})
    task.refresh_from_db()
    return Status(200, _out(task, timezone.localdate()))
