"""/api/v1/opinions/: social-conditions items (社情民意信息) — the user's visible items, one
item, and submitting a new one — through the same policies and services as the pages."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from xieshang.api.schemas import (
    MEMBER_ONLY,
    BodyIn,
    ErrorOut,
    PageOut,
    PageQuery,
    bounded,
    paginate,
    status_filter,
)
from xieshang.opinions import policies, selectors, services
from xieshang.opinions.models import Opinion

router = Router(tags=["opinions"])


class OpinionOut(Schema):
    id: int
    organisation_id: int
    year: int
    title: str
    status: str
    status_label: str
    authors: list[str]
    issue: str | None
    submitted_at: dt.datetime | None


class OpinionDetail(OpinionOut):
    facts: str
    analysis: str
    suggestions: str
    adoptions: list[str]


class OpinionPage(PageOut):
    items: list[OpinionOut]


class OpinionFilters(PageQuery):
    status: status_filter(Opinion.Status) = ""


class OpinionIn(BodyIn):
    title: bounded(Opinion, "title")
    facts: str = ""
    analysis: str = ""
    suggestions: str


def _out(opinion: Opinion) -> dict:
    return {
        "id": opinion.pk,
        "organisation_id": opinion.organisation_id,
        "year": opinion.year,
        "title": opinion.title,
        "status": opinion.status,
        "status_label": str(opinion.get_status_display()),
        "authors": [a.name for a in opinion.authors.all()],
        "issue": str(opinion.issue) if opinion.issue_id else None,
        "submitted_at": opinion.submitted_at,
    }


@router.get(
    "/",
    response=OpinionPage,
    summary="社情民意信息列表",
    description="您可查看的社情民意信息，新者在前。",
)
def list_opinions(request, filters: Query[OpinionFilters]):
    ids = Opinion.objects.filter(policies.visible_q(request.user)).values("pk")
    qs = (
        Opinion.objects.filter(pk__in=ids)
        .select_related("issue")
        .prefetch_related(selectors.AUTHORS)
        .order_by("-created_at", "-id")
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    return paginate(qs, filters, _out)


@router.get(
    "/{pk}",
    response=OpinionDetail,
    summary="社情民意信息详情",
    description="一条社情民意信息的正文及采用情况。",
)
def get_opinion(request, pk: int):
    opinion = Opinion.objects.select_related("organisation", "issue").filter(pk=pk).first()
    if opinion is None or not policies.can_view(request.user, opinion):
        raise Http404
    return {
        **_out(opinion),
        "facts": opinion.facts,
        "analysis": opinion.analysis,
        "suggestions": opinion.suggestions,
        "adoptions": [
            f"{a.get_level_display()}{a.get_mode_display()}" for a in opinion.adoptions.all()
        ],
    }


@router.post(
    "/",
    response={201: OpinionOut, 403: ErrorOut},
    summary="报送社情民意信息（仅限委员）",
    description="委员本人撰写并报送一条社情民意信息（一次完成）。\n\n" + MEMBER_ONLY,
)
def submit_opinion(request, payload: OpinionIn):
    """Write and submit an item in one call (a member for themself)."""
    member = policies.member_of(request.user)
    if member is None:
        return Status(403, {"detail": _("只有委员可以通过接口报送社情民意信息。")})
    if not payload.title.strip() or not payload.suggestions.strip():
        raise ValidationError(_("请填写标题和意见建议。"))
    try:
        with transaction.atomic():
            opinion = services.opinion_create(
                organisation=member.organisation,
                actor=request.user,
                title=payload.title[:120],
                facts=payload.facts,
                analysis=payload.analysis,
                suggestions=payload.suggestions,
            )
            services.opinion_submit(opinion=opinion, actor=request.user)
    except PermissionDenied:
        return Status(403, {"detail": _("无权报送。")})
    opinion.refresh_from_db()
    return Status(201, _out(opinion))
