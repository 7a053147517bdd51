"""/api/v1/proposals/: proposals the caller may see, and the review and assignment steps,
through the same policies and services as the pages."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from xieshang.api.files import api_file_url
from xieshang.api.schemas import (
    FIRST_PROPOSER_ONLY,
    MEMBER_ONLY,
    YEAR_FILTER,
    BodyIn,
    ErrorOut,
    Id,
    PageOut,
    PageQuery,
    PatchIn,
    Year,
    bounded,
    described,
    paginate,
    status_filter,
    up_to,
)
from xieshang.core.audit import StaleEdit
from xieshang.members.models import Member
from xieshang.orgs.models import Department
from xieshang.proposals import policies, selectors, services
from xieshang.proposals.models import Proposal

router = Router(tags=["proposals"])

SEARCH_FIELDS = ["number", "title", "facts", "analysis", "suggestions", "proposer_body"]


class ProposalRowOut(Schema):
    id: int
    number: str
    title: str
    year: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    key_status: str
    organisation_id: int
    organisation: str
    first_proposer: str | None
    proposer_body: str
    category: str
    submitted_at: dt.datetime | None


class AssignmentOut(Schema):
    id: int
    department_id: int
    department: str
    role: str
    role_label: str
    status: str
    status_label: str
    round: int
    due_date: dt.date | None


class AttachmentOut(Schema):
    id: int
    name: str
    url: str  # the checked download (core.files): the same rule as the proposal
    api_url: str  # the same file for a token's holder (/api/v1/files/)


class ProposalOut(ProposalRowOut):
    version: int
    facts: str
    analysis: str
    suggestions: str
    suggested_department_id: int | None
    suggested_department: str | None
    attachments: list[AttachmentOut]
    review_note: str
    merged_into_id: int | None
    leading_leader: str
    assignments: list[AssignmentOut]


class ProposalPage(PageOut):
    items: list[ProposalRowOut]


class ProposalFilters(PageQuery):
    status: status_filter(Proposal.Status) = ""
    year: described(Year | None, YEAR_FILTER) = None
    q: described(str, "全文检索：编号、标题、正文和提案者") = ""


class DraftIn(BodyIn):
    """A member's draft. `category` is one of the organisation's configured categories (or
    empty); `suggested_department` one of its active departments (or null)."""

    title: bounded(Proposal, "title") = ""
    facts: str = ""
    analysis: str = ""
    suggestions: str = ""
    category: bounded(Proposal, "category") = ""
    suggested_department: Id | None = None
    cosigners: list[Id] = []
    is_public_interest: bool = True
    proposer_opt_out: bool = False


class DraftUpdateIn(PatchIn):
    """Only the fields given change; `version` is the one read (a stale edit is refused)."""

    title: bounded(Proposal, "title") | None = None
    facts: str | None = None
    analysis: str | None = None
    suggestions: str | None = None
    category: bounded(Proposal, "category") | None = None
    suggested_department: Id | None = None
    clear_suggested_department: bool = False
    cosigners: list[Id] | None = None
    is_public_interest: bool | None = None
    proposer_opt_out: bool | None = None


class AcceptIn(BodyIn):
    note: up_to(2000) = ""  # the page's AcceptForm


class AssignIn(BodyIn):
    lead: Id | None = None
    co: list[Id] = []
    split: list[Id] = []
    note: up_to(2000) = ""  # the page's AssignForm


def _row(p: Proposal) -> dict:
    return {
        "id": p.pk,
        "number": p.number,
        "title": p.title,
        "year": p.year,
        "kind": p.kind,
        "kind_label": str(p.get_kind_display()),
        "status": p.status,
        "status_label": str(p.get_status_display()),
        "key_status": p.key_status,
        "organisation_id": p.organisation_id,
        "organisation": p.organisation.name,
        "first_proposer": p.first_proposer.name if p.first_proposer_id else None,
        "proposer_body": p.proposer_body,
        "category": p.category,
        "submitted_at": p.submitted_at,
    }


def _detail(p: Proposal) -> dict:
    assignments = p.assignments.select_related("department", "task").order_by("round", "id")
    return {
        **_row(p),
        "version": p.version,
        "facts": p.facts,
        "analysis": p.analysis,
        "suggestions": p.suggestions,
        "suggested_department_id": p.suggested_department_id,
        "suggested_department": (
            p.suggested_department.name if p.suggested_department_id else None
        ),
        "attachments": [
            {"id": a.pk, "name": str(a), "url": a.download_url, "api_url": api_file_url(a, "file")}
            for a in p.attachments.all()
        ],
        "review_note": p.review_note,
        "merged_into_id": p.merged_into_id,
        "leading_leader": p.leading_leader,
        "assignments": [
            {
                "id": a.pk,
                "department_id": a.department_id,
                "department": a.department.name,
                "role": a.role,
                "role_label": str(a.get_role_display()),
                "status": a.status,
                "status_label": str(a.get_status_display()),
                "round": a.round,
                "due_date": a.task.due_date if a.task_id else None,
            }
            for a in assignments
        ],
    }


@router.get(
    "/",
    response=ProposalPage,
    summary="提案列表",
    description="您可查看的提案，年度新者在前，同页面的范围；q 为全文检索。",
)
def list_proposals(request, filters: Query[ProposalFilters]):
    q = filters.q.strip()
    if q:
        # The list page's search: the form of visibility and the index's scope that suit
        # the user's scope (a province office's search took 1.3 s as an IN over the UNION).
        # A year asked: the index reads only that year's entries (filtered below).
        years = [filters.year] if filters.year else None
        qs = selectors.proposal_search(request.user, q, fields=SEARCH_FIELDS, years=years)
    else:
        qs = Proposal.objects.filter(pk__in=policies.visible_ids(request.user))
    qs = qs.select_related("organisation", "first_proposer")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.year:
        qs = qs.filter(year=filters.year)
    return paginate(qs.order_by("-year", "-id"), filters, _row)


def _proposal_for(request, pk: int) -> Proposal:
    proposal = (
        Proposal.objects.select_related("organisation", "first_proposer", "suggested_department")
        .filter(pk=pk)
        .first()
    )
    # Same answer for "no such proposal" and "not yours": existence does not leak.
    if proposal is None or not policies.can_view(request.user, proposal):
        raise Http404
    return proposal


@router.get(
    "/{pk}",
    response=ProposalOut,
    summary="提案详情",
    description="一件提案的正文、附件、审查意见和交办情况。",
)
def get_proposal(request, pk: int):
    return _detail(_proposal_for(request, pk))


def _department_or_none(pk: int | None) -> Department | None:
    if pk is None:
        return None
    found = Department.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({"suggested_department": _("承办单位不存在：%(ids)s") % {"ids": pk}})
    return found


def _members(ids: list[int], organisation) -> list[Member]:
    """Co-signers: seated members of the same organisation, as the page offers them."""
    found = selectors.cosigner_choices(organisation).in_bulk(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(
            {
                "cosigners": _("不能邀请这些委员联名：%(ids)s")
                % {"ids": ", ".join(map(str, missing))}
            }
        )
    return [found[i] for i in ids]


@router.post(
    "/",
    response={201: ProposalOut, 403: ErrorOut},
    summary="撰写提案（仅限委员）",
    description="委员新建提案草稿，字段和检查同页面上的撰写表单。\n\n" + MEMBER_ONLY,
)
def create_proposal(request, payload: DraftIn):
    """A member's new draft, with the same fields and checks as the page's form."""
    member = policies.member_of(request.user)
    if member is None:
        return Status(403, {"detail": _("只有委员可以通过接口撰写提案。")})
    try:
        proposal = services.proposal_create(
            actor=request.user,
            organisation=member.organisation,
            cosigners=_members(payload.cosigners, member.organisation),
            title=payload.title.strip(),
            facts=payload.facts.strip(),
            analysis=payload.analysis.strip(),
            suggestions=payload.suggestions.strip(),
            category=payload.category.strip(),
            suggested_department=_department_or_none(payload.suggested_department),
            is_public_interest=payload.is_public_interest,
            proposer_opt_out=payload.proposer_opt_out,
        )
    except PermissionDenied:
        return Status(403, {"detail": _("无权执行此操作。")})
    return Status(201, _detail(_proposal_for(request, proposal.pk)))


@router.patch(
    "/{pk}",
    response={200: ProposalOut, 403: ErrorOut, 409: ErrorOut},
    summary="修改提案草稿（仅限委员）",
    description=(
        "修改草稿或退回修改的提案，同页面；只修改给出的字段，version 为读取时的版本号。"
        "\n\n" + FIRST_PROPOSER_ONLY
    ),
)
def update_proposal(request, pk: int, payload: DraftUpdateIn):
    """Edit a draft (or a proposal returned for revision) as the page does."""
    proposal = _proposal_for(request, pk)
    fields = {
        name: value.strip() if isinstance(value, str) else value
        for name in (
            "title",
            "facts",
            "analysis",
            "suggestions",
            "category",
            "is_public_interest",
            "proposer_opt_out",
        )
        if (value := getattr(payload, name)) is not None
    }
    try:
        if payload.clear_suggested_department:
            fields["suggested_department"] = None
        elif payload.suggested_department is not None:
            fields["suggested_department"] = _department_or_none(payload.suggested_department)
        cosigners = (
            None
            if payload.cosigners is None
            else _members(payload.cosigners, proposal.organisation)
        )
        services.proposal_update(
            proposal=proposal,
            actor=request.user,
            expected_version=payload.version,
            cosigners=cosigners,
            **fields,
        )
    except PermissionDenied:
        return Status(403, {"detail": _("无权执行此操作。")})
    except StaleEdit as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, _detail(_proposal_for(request, proposal.pk)))


def _act(request, proposal: Proposal, action):
    """Run a step; a refused one (a department of another level, none chosen, a state that
    does not allow it) is the API's 422 (`XieshangAPI._refused`)."""
    try:
        action()
    except PermissionDenied:
        return Status(403, {"detail": _("无权执行此操作。")})
    proposal = _proposal_for(request, proposal.pk)
    return Status(200, _detail(proposal))


@router.post(
    "/{pk}/accept",
    response={200: ProposalOut, 403: ErrorOut},
    summary="提案立案",
    description="提案审查：对待审查的提案予以立案，可附审查意见。",
)
def accept(request, pk: int, payload: AcceptIn):
    proposal = _proposal_for(request, pk)
    return _act(
        request,
        proposal,
        lambda: services.proposal_accept(proposal=proposal, actor=request.user, note=payload.note),
    )


def _departments(ids: list[int], field: str) -> list[Department]:
    found = Department.objects.select_related("organisation").in_bulk(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(
            {field: _("承办单位不存在：%(ids)s") % {"ids": ", ".join(map(str, missing))}}
        )
    return [found[i] for i in ids]


@router.post(
    "/{pk}/assign",
    response={200: ProposalOut, 403: ErrorOut},
    summary="提案交办",
    description=(
        "交办已立案的提案：一个主办单位（lead）及协办单位（co），或几个分办单位（split），"
        "均为承办单位编号。"
    ),
)
def assign(request, pk: int, payload: AssignIn):
    proposal = _proposal_for(request, pk)

    def action():
        lead = _departments([payload.lead], "lead")[0] if payload.lead is not None else None
        services.proposal_assign(
            proposal=proposal,
            actor=request.user,
            lead=lead,
            co=_departments(payload.co, "co"),
            split=_departments(payload.split, "split"),
            note=payload.note,
        )

    return _act(request, proposal, action)
