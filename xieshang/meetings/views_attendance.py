"""Sign-in (the live board, staff marking, QR scans), the attendance report, calendars and
the approvers' leave queue."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, get_random_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from xieshang.core import access
from xieshang.core import exports as core_exports
from xieshang.core.audit import TransitionError, record_event
from xieshang.core.excel import xlsx_response
from xieshang.core.files import content_disposition
from xieshang.core.forms import refused_first
from xieshang.core.params import paginate
from xieshang.core.pdf import heading, pdf_response, render_pdf
from xieshang.members.selectors import cppcc_organisations

from . import exports, ics, policies, qr, selectors, services
from .excel import attendance_workbook
from .forms import DecisionForm, DelegateForm
from .models import CalendarFeed, Invitation, LeaveDelegation, LeaveRequest, Meeting, Sitting
from .views import _message, get_meeting

FEED_SALT = "xieshang.meetings.feed"


def _managed_sitting(request, pk: int) -> Sitting:
    sitting = Sitting.objects.select_related("meeting__organisation").filter(pk=pk).first()
    if sitting is None or not policies.can_manage(request.user, sitting.meeting):
        raise Http404
    return sitting


def _qr_context(request, sitting):
    path = services.signin_path(sitting)
    return {"qr_svg": qr.svg(request.build_absolute_uri(path)), "signin_url": path}


@login_required
def board(request, pk: int):
    """The live sign-in board: the QR code on the screen, the list on the clerk's phone."""
    sitting = _managed_sitting(request, pk)
    q = _board_filter(request.GET)
    rows, counts = selectors.board_rows(sitting, q=q)
    window_open = policies.signin_window_open(sitting)
    context = {
        "sitting": sitting,
        "meeting": sitting.meeting,
        "sittings": list(sitting.meeting.sittings.all()),
        "rows": rows,
        "counts": counts,
        "q": q,
        "window_open": window_open,
        # From the window's opening on (policies.marking_open), without reading the rule
        # again: open now, or the sitting is over.
        "marking_open": window_open or timezone.now() > sitting.end,
        **_qr_context(request, sitting),
    }
    if request.htmx and request.GET.get("part") == "rows":
        return render(request, "meetings/board.html#board_rows", context)
    if request.htmx and request.GET.get("part") == "qr":
        return render(request, "meetings/board.html#board_qr", context)
    return render(request, "meetings/board.html", context)


@login_required
@require_POST
def mark(request, pk: int, invitation_pk: int):
    sitting = _managed_sitting(request, pk)
    invitation = Invitation.objects.filter(pk=invitation_pk, meeting=sitting.meeting).first()
    if invitation is None:
        raise Http404
    try:
        services.attendance_mark(
            sitting=sitting,
            invitation=invitation,
            state=request.POST.get("state", ""),
            actor=request.user,
        )
    except (ValidationError, TransitionError, PermissionDenied) as exc:
        if request.htmx:
            return HttpResponse(_message(exc), status=400)
        messages.error(request, _message(exc))
    q = _board_filter(request.POST)  # the board's name filter, kept across the marking
    if request.htmx:
        rows, counts = selectors.board_rows(sitting, q=q)
        return render(
            request,
            "meetings/board.html#board_rows",
            {
                "sitting": sitting,
                "meeting": sitting.meeting,
                "rows": rows,
                "counts": counts,
                "q": q,
                "marking_open": policies.marking_open(sitting),
            },
        )
    board = reverse("meetings:board", args=[sitting.pk])
    return redirect(f"{board}?{urlencode({'q': q})}" if q else board)


def _board_filter(data) -> str:
    """The sign-in board's name filter (?q=): part of an invitee's name."""
    return (data.get("q") or "").strip()[:50]


@login_required
@require_POST
def qr_renew(request, pk: int):
    sitting = _managed_sitting(request, pk)
    services.qr_renew(sitting=sitting, actor=request.user)
    messages.success(request, _("已更换签到二维码，此前的二维码全部失效。"))
    return redirect("meetings:board", sitting.pk)


@login_required
def signin(request, sitting_pk: int, token: str):
    """Where the QR code leads: a confirmation page (GET) and the sign-in itself (POST)."""
    sitting = Sitting.objects.select_related("meeting__organisation").filter(pk=sitting_pk).first()
    # The meeting's title and time only to whoever may read the meeting (its invitees and
    # staff): a link passed round, or a guessed number, tells nobody else what is held.
    shown = sitting is not None and policies.can_view(request.user, sitting.meeting)
    context = {"sitting": sitting if shown else None, "meeting": sitting.meeting if shown else None}
    error = None
    if sitting is None:
        error = _("签到二维码无效，请扫描会场屏幕上的二维码。")
    elif request.method == "POST":
        try:
            attendance = services.signin_by_token(sitting=sitting, token=token, user=request.user)
        except services.SignInRefused as exc:
            error = str(exc)
        else:
            context["attendance"] = attendance
            return render(request, "meetings/signin.html", context)
    else:
        try:
            services.check_token(sitting, token)
        except services.SignInRefused as exc:
            error = str(exc)
        else:
            if policies.own_invitation(request.user, sitting.meeting) is None:
                error = _("您不在本次会议的参会名单中，无法签到。如有疑问请联系会务工作人员。")
    context["error"] = error
    return render(request, "meetings/signin.html", context, status=400 if error else 200)


@login_required
def report(request, pk: int):
    meeting, _inv = get_meeting(request, pk)
    if not policies.can_manage(request.user, meeting) and not access.can(
        request.user, "meetings.view", meeting.organisation
    ):
        raise Http404
    grid = selectors.attendance_grid(meeting)
    return render(request, "meetings/report.html", {"meeting": meeting, "grid": grid})


@login_required
@require_safe
def report_xlsx(request, pk: int):
    meeting, _inv = get_meeting(request, pk)
    if not policies.can_manage(request.user, meeting) and not access.can(
        request.user, "meetings.view", meeting.organisation
    ):
        raise Http404
    data = attendance_workbook(selectors.attendance_grid(meeting))
    # gettext outside the f-string: xgettext does not look inside one.
    name = meeting.title + _("出勤情况")
    return xlsx_response(data, f"{name}.xlsx", fallback=f"attendance-{meeting.pk}.xlsx")


@login_required
@require_safe
def report_pdf(request, pk: int):
    """The attendance report as an official PDF (core.pdf): in Chinese whatever the page's
    language, as every official document is."""
    meeting, _inv = get_meeting(request, pk)
    if not policies.can_manage(request.user, meeting) and not access.can(
        request.user, "meetings.view", meeting.organisation
    ):
        raise Http404
    with translation.override("zh-hans"):
        grid = selectors.attendance_grid(meeting)
        title = meeting.title + _("出勤情况")
        context = {
            **heading(meeting.organisation.name, title, timezone.localdate()),
            "grid": grid,
            "closed": meeting.status == Meeting.Status.CLOSED,
            "columns": len(grid.sittings) + 3,
        }
    return pdf_response(render_pdf("meetings/pdf/attendance.html", context), f"{title}.pdf")


def _ics_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition(filename)
    return response


@login_required
@require_safe
def meeting_ics(request, pk: int):
    meeting, _inv = get_meeting(request, pk)
    sittings = meeting.sittings.select_related("meeting")
    base = request.build_absolute_uri("/").rstrip("/")
    return _ics_response(
        ics.calendar(sittings, name=meeting.title, base_url=base), f"meeting-{meeting.pk}.ics"
    )


def _feed_key(user_pk: int) -> str:
    # "" until the user first changes the address (the addresses given out before keys
    # existed were signed user ids alone, and keep working until then).
    return CalendarFeed.objects.filter(user_id=user_pk).values_list("key", flat=True).first() or ""


def feed_token(user) -> str:
    key = _feed_key(user.pk)
    return signing.dumps([user.pk, key] if key else user.pk, salt=FEED_SALT)


@login_required
def calendar_page(request):
    path = f"/meetings/calendar/{feed_token(request.user)}.ics"
    return render(request, "meetings/calendar.html", {"feed_url": request.build_absolute_uri(path)})


@login_required
@require_POST
def calendar_reset(request):
    """A new feed address; every earlier one stops working at once."""
    CalendarFeed.objects.update_or_create(
        user=request.user, defaults={"key": get_random_string(32)}
    )
    record_event(actor=request.user, verb="meeting.feed_reset", subject=request.user)
    messages.success(request, _("已更换日历订阅地址，原地址已失效。请在日历应用中重新订阅。"))
    return redirect("meetings:calendar")


@require_safe
def feed(request, token: str):
    """A member's personal calendar feed: no login (calendar apps cannot log in); the
    signed token in the address is the key."""
    from xieshang.core.models import User

    try:
        signed = signing.loads(token, salt=FEED_SALT)
    except signing.BadSignature as exc:
        raise Http404 from exc
    user_pk, key = (signed, "") if isinstance(signed, int) else (signed[0], signed[1])
    if not constant_time_compare(key, _feed_key(user_pk)):
        raise Http404
    user = User.objects.filter(pk=user_pk, is_active=True).first()
    if user is None:
        raise Http404
    meetings = selectors.meetings_for(user, mine=True).exclude(status=Meeting.Status.DRAFT)
    sittings = (
        Sitting.objects.filter(meeting__in=meetings.values("pk"))
        .select_related("meeting")
        .order_by("start")
    )
    base = request.build_absolute_uri("/").rstrip("/")
    return _ics_response(
        ics.calendar(sittings, name=_("我的会议活动"), base_url=base), "xieshang.ics"
    )


# --- Leave queue --------------------------------------------------------------------------


def _leave_queue_page(request, *, refused=None, refused_form=None):
    """The approvers' queue. `refused` is a request whose decision was refused (decided by a
    colleague or withdrawn meanwhile, say): its row comes first, with the reason and the
    审批意见 that was typed, whatever its state now; the page answers 400."""
    state = exports.leave_state(request)
    year = exports.leave_year(request) if state == exports.ALL else None
    page = paginate(request, exports.leave_rows(request), 50)
    rows = refused_first(page.object_list, refused)
    # A request whose invitee has since signed in cannot be approved: its row says why and
    # offers 不批准 only.
    waiting = [row for row in rows if row.status == LeaveRequest.Status.PENDING]
    for pk, sittings in selectors.signed_in_of_leave(waiting).items():
        row = next(row for row in waiting if row.pk == pk)
        row.signed_in_reason = services.signed_in_refusal(row.invitation.name, sittings).render()
    chair_orgs = list(cppcc_organisations(request.user, "meetings.leave_approve"))
    delegations = []
    delegate_form = None
    if chair_orgs:
        delegations = list(
            LeaveDelegation.objects.filter(
                organisation__in=chair_orgs, revoked_at__isnull=True
            ).select_related("delegate")
        )
        delegate_form = DelegateForm(organisation=chair_orgs[0], user=request.user)
    return render(
        request,
        "meetings/leave_queue.html",
        {
            "page": page,
            "rows": rows,
            "state": state,
            "year": year,
            "sees_all": exports.sees_all_leave(request.user),
            "decision_form": DecisionForm(),
            "refused": refused,
            "refused_form": refused_form,
            "delegations": delegations,
            "delegate_form": delegate_form,
        },
        status=400 if refused is not None else 200,
    )


def _require_leave_decider(user) -> None:
    # A member who decides nobody's leave has no queue (the menu does not offer one).
    if not policies.may_decide_leave(user):
        raise PermissionDenied


@login_required
def leave_queue(request):
    _require_leave_decider(request.user)
    return _leave_queue_page(request)


@login_required
@require_safe
def leave_export(request):
    _require_leave_decider(request.user)
    return core_exports.respond(request, "meetings.leave")


def _leave_for(request, pk: int) -> LeaveRequest:
    leave = (
        LeaveRequest.objects.select_related(
            "meeting__organisation", "meeting__activity_group", "invitation__member__user"
        )
        .filter(pk=pk)
        .first()
    )
    if leave is None:
        raise Http404
    return leave


@login_required
@require_POST
def leave_decide(request, pk: int):
    leave = _leave_for(request, pk)
    if not policies.can_decide_leave(request.user, leave):
        raise Http404
    form = DecisionForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    if form.is_valid():
        try:
            services.leave_decide(
                leave=leave, approve=approve, actor=request.user, note=form.cleaned_data["note"]
            )
        except (ValidationError, TransitionError, PermissionDenied) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(
                request,
                (_("已批准%(n)s的请假。") if approve else _("已不批准%(n)s的请假。"))
                % {"n": leave.invitation.name},
            )
            return redirect("meetings:leave_queue")
    # Refused: the queue again, this request's row first with the reason and the note kept.
    return _leave_queue_page(request, refused=_leave_for(request, pk), refused_form=form)


@login_required
@require_POST
def leave_withdraw(request, pk: int):
    leave = _leave_for(request, pk)
    if policies.own_invitation(request.user, leave.meeting) != leave.invitation:
        # Someone else's request: the same answer as a missing one, nothing about its meeting.
        raise Http404
    try:
        services.leave_withdraw(leave=leave, actor=request.user)
    except (TransitionError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("已撤回请假申请。"))
    return redirect("meetings:detail", leave.meeting_id)


@login_required
@require_POST
def leave_delegate(request):
    orgs = list(cppcc_organisations(request.user, "meetings.leave_approve"))
    if not orgs:
        raise Http404
    revoke = request.POST.get("revoke")
    if revoke:
        delegation = LeaveDelegation.objects.filter(pk=revoke, organisation__in=orgs).first()
        if delegation is None:
            raise Http404
        services.leave_delegation_revoke(delegation=delegation, actor=request.user)
        messages.success(request, _("已撤销委托。"))
        return redirect("meetings:leave_queue")
    form = DelegateForm(request.POST, organisation=orgs[0], user=request.user)
    if form.is_valid():
        services.leave_delegate(
            organisation=orgs[0], delegate=form.cleaned_data["delegate"], actor=request.user
        )
        messages.success(request, _("已委托%(n)s审批请假。") % {"n": form.cleaned_data["delegate"]})
    else:
        messages.error(request, _("请选择受托人。"))
    return redirect("meetings:leave_queue")
