"""/api/v1/meetings/: meetings, leave and attendance, through the same selectors, policies
and services as the pages."""

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from xieshang.api.schemas import (
    INVITEE_ONLY,
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
    up_to,
)
from xieshang.core import access
from xieshang.meetings import policies, selectors, services
from xieshang.meetings.models import LeaveRequest, Meeting, MeetingKind, Sitting

router = Router(tags=["meetings"])


class SittingOut(Schema):
    id: int
    kind: str
    title: str
    start: dt.datetime
    end: dt.datetime
    location: str


class MeetingOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    organisation_id: int
    start: dt.datetime
    end: dt.datetime
    location: str
    mode: str
    status: str
    status_label: str


class MeetingDetailOut(MeetingOut):
    sittings: list[SittingOut]
    my_outcome: str | None = None


class MeetingPage(PageOut):
    items: list[MeetingOut]


class MeetingFilters(PageQuery):
    kind: described(choice(MeetingKind), "会议类型（可选值见下），不填为全部") = ""
    year: described(Year | None, YEAR_FILTER) = None
    mine: described(bool, "true 时只列出邀请您本人参加的会议") = False


class AttendanceRowOut(Schema):
    invitation_id: int
    name: str
    category: str
    sector: str | None
    sittings: dict[str, str]
    outcome: str


class LeaveIn(BodyIn):
    reason: up_to(500)  # the page's LeaveForm
    sittings: list[Id] = []


class LeaveOut(Schema):
    id: int
    meeting_id: int
    meeting_title: str
    name: str
    reason: str
    whole_meeting: bool
    sittings: list[int]
    is_late: bool
    due_date: dt.date
    status: str


class DecisionIn(BodyIn):
    approve: bool
    note: bounded(LeaveRequest, "decision_note") = ""


class SignInIn(BodyIn):
    token: up_to(200)


class SignInOut(Schema):
    sitting_id: int
    state: str
    signed_at: dt.datetime


def _meeting_out(m: Meeting) -> dict:
    return {
        "id": m.pk,
        "kind": m.kind,
        "kind_label": str(m.get_kind_display()),
        "title": m.title,
        "organisation_id": m.organisation_id,
        "start": m.start,
        "end": m.end,
        "location": m.location,
        "mode": m.mode,
        "status": m.status,
        "status_label": str(m.get_status_display()),
    }


def _leave_out(leave: LeaveRequest) -> dict:
    return {
        "id": leave.pk,
        "meeting_id": leave.meeting_id,
        "meeting_title": leave.meeting.title,
        "name": leave.invitation.name,
        "reason": leave.reason,
        "whole_meeting": leave.whole_meeting,
        "sittings": [s.pk for s in leave.sittings.all()],
        "is_late": leave.is_late,
        "due_date": leave.due_date,
        "status": leave.status,
    }


def _meeting_for(request, pk: int):
    meeting = Meeting.objects.select_related("organisation", "activity_group").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    invitation = policies.own_invitation(request.user, meeting)
    if not policies.can_view(request.user, meeting, invitation):
        raise Http404
    return meeting, invitation


@router.get(
    "/",
    response=MeetingPage,
    summary="会议活动列表",
    description="您可查看的会议活动（工作人员为本单位及下级的，其他人为受邀参加的），新者在前。",
)
def list_meetings(request, filters: Query[MeetingFilters]):
    qs = selectors.meetings_for(
        request.user, kind=filters.kind, year=filters.year, mine=filters.mine
    )
    count = selectors.meeting_count(
        request.user, kind=filters.kind, year=filters.year, mine=filters.mine
    )
    return paginate(qs, filters, _meeting_out, count=count)


class LeavePage(PageOut):
    items: list[LeaveOut]


class LeaveFilters(PageQuery):
    state: described(Literal["pending", "done"], "pending 待审批（默认），done 已处理") = "pending"


@router.get(
    "/leave/",
    response=LeavePage,
    summary="请假审批列表",
    description="由您审批的请假申请：待审批的按会议时间，已处理的新者在前。",
)
def leave_queue(request, filters: Query[LeaveFilters]):
    """The leave requests the caller decides, in the list envelope like every other list
    (before 2026-12-05 a bare array cut at 200 rows without saying so)."""
    return paginate(selectors.leave_queue(request.user, state=filters.state), filters, _leave_out)


@router.post(
    "/leave/{pk}/decide",
    response={200: LeaveOut, 403: ErrorOut, 404: ErrorOut},
    summary="审批请假",
    description="批准（approve 为 true）或不批准一份请假申请，可附意见。",
)
def decide_leave(request, pk: int, payload: DecisionIn):
    leave = (
        LeaveRequest.objects.select_related("meeting__organisation", "meeting__activity_group")
        .filter(pk=pk)
        .first()
    )
    if leave is None or not policies.can_decide_leave(request.user, leave):
        return Status(404, {"detail": _("未找到该请假申请。")})
    try:
        leave = services.leave_decide(
            leave=leave, approve=payload.approve, actor=request.user, note=payload.note
        )
    except PermissionDenied:
        return Status(403, {"detail": _("您无权执行此操作。")})
    return Status(200, _leave_out(leave))


@router.get(
    "/{pk}",
    response=MeetingDetailOut,
    summary="会议活动详情",
    description="一次会议活动及其各会次；受邀人另见本人的出席结果（my_outcome）。",
)
def get_meeting(request, pk: int):
    meeting, invitation = _meeting_for(request, pk)
    data = _meeting_out(meeting)
    data["sittings"] = [
        {
            "id": s.pk,
            "kind": s.kind,
            "title": s.title,
            "start": s.start,
            "end": s.end,
            "location": s.location,
        }
        for s in meeting.sittings.all()
    ]
    data["my_outcome"] = invitation.outcome if invitation else None
    return data


@router.get(
    "/{pk}/attendance",
    response={200: list[AttendanceRowOut], 404: ErrorOut},
    summary="出席情况",
    description="每位受邀人在各会次的签到状态（以会次编号为键）及出席结果，供会务工作人员查看。",
)
def attendance(request, pk: int):
    """Every invitee's state per sitting (keyed by sitting id) and their result."""
    meeting, _inv = _meeting_for(request, pk)
    if not policies.can_manage(request.user, meeting) and not access.can(
        request.user, "meetings.view", meeting.organisation
    ):
        return Status(404, {"detail": _("未找到该会议。")})
    grid = selectors.attendance_grid(meeting)
    return Status(
        200,
        [
            {
                "invitation_id": row.invitation.pk,
                "name": row.invitation.name,
                "category": row.invitation.category,
                "sector": row.invitation.sector.name if row.invitation.sector_id else None,
                "sittings": {
                    str(s.pk): c.state for s, c in zip(grid.sittings, row.cells, strict=True)
                },
                "outcome": row.outcome,
            }
            for row in grid.members + grid.leaders
        ],
    )


@router.post(
    "/{pk}/leave",
    response={201: LeaveOut, 403: ErrorOut, 404: ErrorOut},
    summary="会议请假（仅限受邀人）",
    description=(
        "受邀人本人为整个会议或所选会次（sittings）请假，规则同页面。\n\n"
        + INVITEE_ONLY % "回答 404"
    ),
)
def ask_leave(request, pk: int, payload: LeaveIn):
    meeting, invitation = _meeting_for(request, pk)
    if invitation is None:
        return Status(404, {"detail": _("您不在本次会议的参会名单中。")})
    sittings = list(Sitting.objects.filter(meeting=meeting, pk__in=payload.sittings))
    if len(sittings) != len(set(payload.sittings)):
        raise ValidationError({"sittings": _("所选会次不属于本次会议。")})
    try:
        leave = services.leave_submit(
            invitation=invitation, actor=request.user, reason=payload.reason, sittings=sittings
        )
    except PermissionDenied:
        return Status(403, {"detail": _("您无权执行此操作。")})
    return Status(201, _leave_out(leave))


@router.post(
    "/sittings/{pk}/signin",
    response={200: SignInOut},
    summary="会议签到（仅限受邀人）",
    description=(
        "以会场签到二维码中的 token 签到，检查同扫码签到页面。\n\n" + INVITEE_ONLY % "回答 422"
    ),
)
def sign_in(request, pk: int, payload: SignInIn):
    """Sign in with the token of the sitting's QR code (the same checks as the page)."""
    sitting = Sitting.objects.select_related("meeting__organisation").filter(pk=pk).first()
    if sitting is None:
        raise ValidationError({"token": _("签到二维码无效，请扫描会场屏幕上的二维码。")})
    try:
        row = services.signin_by_token(sitting=sitting, token=payload.token, user=request.user)
    except services.SignInRefused as exc:
        # The sign-in's own refusal, answered like every service's (`XieshangAPI._refused`).
        raise ValidationError(str(exc)) from exc
    return Status(200, {"sitting_id": sitting.pk, "state": row.state, "signed_at": row.signed_at})
