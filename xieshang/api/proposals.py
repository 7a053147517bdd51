"""/api/v1/proposals/: proposals the caller may see, and the review and assignment steps,
through the same policies and services as the pages."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from xieshang.api.schemas import Id, Page, Year
from xieshang.core.audit import TransitionError
from xieshang.orgs.models import Department
from xieshang.proposals import policies, services
from xieshang.proposals.models import Proposal
from xieshang.textsim import search

router = Router(tags=["proposals"])

PAGE_SIZE = 50
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


class ProposalOut(ProposalRowOut):
    facts: str
    analysis: str
    suggestions: str
    review_note: str
    merged_into_id: int | None
    leading_leader: str
    assignments: list[AssignmentOut]


class ProposalPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ProposalRowOut]


class ProposalFilters(Schema):
    status: str = ""
    year: Year | None = None
    q: str = ""
    page: Page = 1


class AcceptIn(Schema):
    note: str = ""


class AssignIn(Schema):
    lead: Id | None = None
    co: list[Id] = []
    split: list[Id] = []
    note: str = ""


class ErrorOut(Schema):
    detail: str


class InvalidItem(Schema):
    loc: list[str | int]  # ninja gives list positions as numbers: ["body", "payload", "co", 0]
    msg: str
    type: str


class InvalidOut(Schema):
    """422, in the shape django-ninja gives for a malformed body, so a client reads one shape
    whether the schema or the service refused what the body names."""

    detail: list[InvalidItem]


def _invalid(exc: ValidationError) -> Status:
    if hasattr(exc, "error_dict"):
        items = [
            {"loc": ["body", "payload", field], "msg": msg, "type": "value_error"}
            for field, messages in exc.message_dict.items()
            for msg in messages
        ]
    else:
        items = [
            {"loc": ["body", "payload"], "msg": msg, "type": "value_error"} for msg in exc.messages
        ]
    return Status(422, {"detail": items})


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
        "submitted_at": p.submitted_at,
    }


def _detail(p: Proposal) -> dict:
    assignments = p.assignments.select_related("department", "task").order_by("round", "id")
    return {
        **_row(p),
        "facts": p.facts,
        "analysis": p.analysis,
        "suggestions": p.suggestions,
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


@router.get("/", response={200: ProposalPage, 400: ErrorOut})
def list_proposals(request, filters: Query[ProposalFilters]):
    qs = (
        Proposal.objects.filter(policies.visible_q(request.user))
        .distinct()
        .select_related("organisation", "first_proposer")
    )
    if filters.status:
        if filters.status not in Proposal.Status.values:
            return Status(400, {"detail": _("状态不正确。")})
        qs = qs.filter(status=filters.status)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.q.strip():
        qs = search(qs, SEARCH_FIELDS, filters.q)
    page = max(filters.page, 1)
    total = qs.count()
    rows = qs.order_by("-year", "-id")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return {
        "count": total,
        "page": page,
        "page_size": PAGE_SIZE,
        "items": [_row(p) for p in rows],
    }


def _proposal_for(request, pk: int) -> Proposal:
    proposal = (
        Proposal.objects.select_related("organisation", "first_proposer").filter(pk=pk).first()
    )
    # Same answer for "no such proposal" and "not yours": existence does not leak.
    if proposal is None or not policies.can_view(request.user, proposal):
        raise Http404
    return proposal


@router.get("/{pk}", response=ProposalOut)
def get_proposal(request, pk: int):
    return _detail(_proposal_for(request, pk))


def _act(request, proposal: Proposal, action):
    try:
        action()
    except PermissionDenied:
        return Status(403, {"detail": _("无权执行此操作。")})
    except ValidationError as exc:
        # What the body asks for is refused (a department of another level, none chosen…).
        return _invalid(exc)
    except TransitionError as exc:
        return Status(400, {"detail": str(exc)})
    proposal = _proposal_for(request, proposal.pk)
    return Status(200, _detail(proposal))


@router.post("/{pk}/accept", response={200: ProposalOut, 400: ErrorOut, 403: ErrorOut})
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
    response={200: ProposalOut, 400: ErrorOut, 403: ErrorOut, 422: InvalidOut},
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
