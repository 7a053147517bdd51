"""Topics and activities as Excel (core.exports): the rows of their list pages for the same
filters."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.core import access, exports
from xieshang.core.params import id_param, year_param
from xieshang.core.pii import mask_numbers
from xieshang.core.text import aside

from . import selectors
from .models import Topic


def topic_filters(request) -> dict:
    """The topics list's filters from the query string (unknown values mean "all"; a
    malformed area id is a 400)."""
    status = request.GET.get("status", "")
    source = request.GET.get("source", "")
    area = str(id_param(request, "area", default="", label=_("重点领域")))
    return {
        "status": status if status in Topic.Status.values else "",
        "source": source if source in Topic.Source.values else "",
        "area": area,
        "query": request.GET.get("q", "").strip()[:50],
    }


def topic_rows(request, filters: dict | None = None):
    filters = filters or topic_filters(request)
    qs = selectors.topic_list(
        request.user,
        status=filters["status"],
        source=filters["source"],
        focus_area=filters["area"],
    )
    if filters["query"]:
        from xieshang.textsim import search

        qs = search(qs, ["title", "description", "proposer_name"], filters["query"])
    return qs


def _topic_cells(t: Topic) -> list:
    # Phone and ID numbers a resident typed into a suggestion stay masked in the file, as on
    # the list page: a file has no logged look to show them whole.
    status = t.get_status_display()
    if t.merged_into_id:
        status = aside(status, mask_numbers(t.merged_into.title))
    return [
        mask_numbers(t.title),
        t.get_source_display(),
        t.proposer_name,
        t.get_topic_type_display(),
        str(t.focus_area) if t.focus_area_id else "",
        _("是") if t.in_plan else _("否"),
        status,
        t.organisation.name,
        t.created_at,
    ]


exports.register(
    "consultation.topics",
    title=gettext_lazy("协商议题"),
    fallback="topics",
    headers=[
        gettext_lazy("议题名称"),
        gettext_lazy("来源"),
        gettext_lazy("提出者"),
        gettext_lazy("议题类型"),
        gettext_lazy("重点领域"),
        gettext_lazy("已列入计划"),
        gettext_lazy("状态"),
        gettext_lazy("所属政协"),
        gettext_lazy("提出时间"),
    ],
    rows=topic_rows,
    cells=_topic_cells,
)


def activity_year(request) -> int:
    """The year the activities list shows: the current one unless asked (a consultation
    plan, and so its activities, is a year's)."""
    return year_param(request, default=timezone.localdate().year)


def activity_rows(request, year: int | None = None):
    if not access.can(request.user, "consultation.view"):
        raise PermissionDenied
    year = year or activity_year(request)
    return selectors.activity_list(request.user).filter(date__year=year)


def _activity_cells(a) -> list:
    form = a.get_form_display() + (f"（{a.sector}）" if a.sector_id else "")
    return [
        a.date,
        a.title,
        form,
        str(a.plan_item) if a.plan_item_id else _("计划外"),
        a.place,
        a.participant_count,
        a.get_status_display(),
        a.organisation.name,
    ]


exports.register(
    "consultation.activities",
    title=gettext_lazy("协商活动"),
    fallback="activities",
    headers=[
        gettext_lazy("活动日期"),
        gettext_lazy("活动名称"),
        gettext_lazy("协商形式"),
        gettext_lazy("计划事项"),
        gettext_lazy("地点"),
        gettext_lazy("参加人数"),
        gettext_lazy("状态"),
        gettext_lazy("所属政协"),
    ],
    rows=activity_rows,
    cells=_activity_cells,
)
