"""Staff pages of the platforms register and their sessions. Every page goes through
`policies`; an object the user may not see answers 404, whatever the reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.core import pii
from xieshang.core.audit import StaleEdit, TransitionError, history
from xieshang.core.forms import add_service_errors, run_action
from xieshang.core.params import paginate, year_param
from xieshang.core.pii import mask_numbers

from . import policies, selectors, services
from .forms import (
    ApproveForm,
    AssignForm,
    CancelForm,
    PlatformForm,
    RecordForm,
    RegisterFilter,
    SessionForm,
    StatusForm,
)
from .models import Platform, PlatformMember, PlatformSession
from .picker_sources import register_streets

S = PlatformSession.Status
PAGE_SIZE = 30


def _platform(request, pk: int) -> Platform:
    platform = (
        Platform.objects.select_related("organisation", "convener", "liaison_room")
        .filter(pk=pk)
        .first()
    )
    if platform is None or not policies.can_view(request.user, platform):
        raise Http404
    return platform


def _session(request, pk: int) -> PlatformSession:
    session = (
        PlatformSession.objects.select_related(
            "platform", "platform__organisation", "platform__convener", "approved_by"
        )
        .filter(pk=pk)
        .first()
    )
    if session is None or not policies.can_view(request.user, session.platform):
        raise Http404
    return session


def _require_register(request) -> None:
    if not policies.can_use_register(request.user):
        raise PermissionDenied


@login_required
def platform_list(request):
    _require_register(request)
    year = year_param(request, default=timezone.localdate().year)
    form = RegisterFilter(request.GET or None, streets=register_streets(request.user))
    # A value the form refuses: the page shows the form's message but answers 400, like
    # every other odd query (core.params).
    refused = form.is_bound and not form.is_valid()
    data = form.cleaned_data if form.is_bound and not refused else {}
    qs = selectors.register(
        request.user,
        year=year,
        status=data.get("status") or "",
        level=data.get("level") or "",
        street=data.get("street"),
    )
    page = paginate(request, qs, PAGE_SIZE)
    return render(
        request,
        "platforms/list.html",
        {
            "page": page,
            "form": form,
            "year": year,
            "can_create": policies.manageable_organisations(request.user).exists(),
            "can_coverage": bool(policies.coverage_roots(request.user)),
        },
        status=400 if refused else 200,
    )


@login_required
def coverage(request):
    roots = policies.coverage_roots(request.user)
    if not roots:
        raise PermissionDenied
    summary = selectors.coverage_summary(selectors.coverage(roots))
    return render(request, "platforms/coverage.html", summary)


@login_required
def platform_create(request):
    if not policies.manageable_organisations(request.user).exists():
        raise PermissionDenied
    form = PlatformForm(request.POST or None, actor=request.user, creating=True)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            platform = services.platform_create(actor=request.user, **data)
        except (ValidationError, TransitionError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("协商议事平台已登记。"))
            return redirect("platforms:detail", platform.pk)
    return render(
        request,
        "platforms/form.html",
        {"form": form, "title": _("登记协商议事平台")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def platform_edit(request, pk: int):
    platform = _platform(request, pk)
    if not policies.can_manage(request.user, platform):
        raise Http404
    form = PlatformForm(
        request.POST or None,
        instance=Platform.objects.get(pk=platform.pk) if request.method == "POST" else platform,
        actor=request.user,
        creating=False,
        initial={"version": platform.version},
    )
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.platform_update(
                platform=platform,
                actor=request.user,
                expected_version=form.cleaned_data.get("version") or 0,
                **values,
            )
        except (ValidationError, StaleEdit) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("platforms:detail", platform.pk)
    return render(
        request,
        "platforms/form.html",
        {"form": form, "title": _("修改协商议事平台"), "platform": platform},
        status=400 if request.method == "POST" else 200,
    )


def _render_detail(request, platform, status=200, **forms):
    manage = policies.can_manage(request.user, platform)
    context = {
        "platform": platform,
        "can_manage": manage,
        "members": selectors.current_members(platform),
        "past_members": selectors.past_members(platform),
        "sessions": selectors.sessions_of(platform),
        "events": history(platform).select_related("actor")[:50],
        "status_form": forms.get("status_form") or StatusForm(),
        "assign_form": forms.get("assign_form")
        or (AssignForm(platform=platform) if manage else None),
        "moves": [
            (to, label)
            for to, label in Platform.Status.choices
            if to in services.STATUS_MOVES and platform.status in services.STATUS_MOVES[to][0]
        ],
    }
    return render(request, "platforms/detail.html", context, status=status)


@login_required
def platform_detail(request, pk: int):
    return _render_detail(request, _platform(request, pk))


def _act(request, platform, run, success, form=None, form_name=""):
    return run_action(
        request,
        run,
        success=success,
        done=reverse("platforms:detail", args=[platform.pk]),
        form=form,
        rerender=lambda: _render_detail(request, platform, status=400, **{form_name: form}),
    )


@login_required
@require_POST
def platform_status(request, pk: int):
    platform = _platform(request, pk)
    if not policies.can_manage(request.user, platform):
        raise Http404
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, platform, status=400, status_form=form)
    data = form.cleaned_data
    return _act(
        request,
        platform,
        lambda: services.platform_set_status(
            platform=platform, actor=request.user, to=data["to"], on=data["on"], note=data["note"]
        ),
        _("平台状态已变更。"),
        form,
        "status_form",
    )


@login_required
@require_POST
def platform_assign(request, pk: int):
    platform = _platform(request, pk)
    if not policies.can_manage(request.user, platform):
        raise Http404
    form = AssignForm(request.POST, platform=platform)
    if not form.is_valid():
        return _render_detail(request, platform, status=400, assign_form=form)
    return _act(
        request,
        platform,
        lambda: services.platform_assign(
            platform=platform, actor=request.user, **form.cleaned_data
        ),
        _("已安排委员下沉。"),
        form,
        "assign_form",
    )


@login_required
@require_POST
def platform_unassign(request, pk: int, assignment_pk: int):
    platform = _platform(request, pk)
    if not policies.can_manage(request.user, platform):
        raise Http404
    assignment = PlatformMember.objects.filter(pk=assignment_pk, platform=platform).first()
    if assignment is None:
        raise Http404
    return _act(
        request,
        platform,
        lambda: services.platform_unassign(assignment=assignment, actor=request.user),
        _("已结束该委员下沉。"),
    )


# --- sessions ---------------------------------------------------------------------------------
@login_required
def session_list(request):
    _require_register(request)
    status = request.GET.get("status", "")
    if status and status not in S.values:
        raise BadRequest(_("状态（status）不是有效的选项。"))
    page = paginate(request, selectors.session_list(request.user, status=status), PAGE_SIZE)
    return render(
        request,
        "platforms/sessions.html",
        {"page": page, "status": status, "states": S.choices},
    )


@login_required
def session_create(request, pk: int):
    platform = _platform(request, pk)
    if not policies.can_manage(request.user, platform):
        raise Http404
    form = SessionForm(request.POST or None, initial={"place": platform.place})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            session = services.session_plan(platform=platform, actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("议事会已安排。"))
            return redirect("platforms:session", session.pk)
    return render(
        request,
        "platforms/session_form.html",
        {"form": form, "platform": platform, "title": _("安排议事会")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def session_edit(request, pk: int):
    session = _session(request, pk)
    if not policies.can_manage(request.user, session.platform):
        raise Http404
    form = SessionForm(
        request.POST or None,
        instance=PlatformSession.objects.get(pk=session.pk)
        if request.method == "POST"
        else session,
        initial={"version": session.version},
    )
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.session_update(
                session=session,
                actor=request.user,
                expected_version=form.cleaned_data.get("version") or 0,
                **values,
            )
        except (ValidationError, StaleEdit) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("platforms:session", session.pk)
    return render(
        request,
        "platforms/session_form.html",
        {
            "form": form,
            "platform": session.platform,
            "session": session,
            "title": _("修改议事会"),
        },
        status=400 if request.method == "POST" else 200,
    )


def _render_session(request, session, status=200, **forms):
    platform = session.platform
    manage = policies.can_manage(request.user, platform)
    # Phone and ID numbers typed into the record are masked as a resident issue's are; who
    # manages the platform (the office, the convener) shows them by a logged look.
    outcomes = list(session.outcomes.all())
    texts = {"minutes": session.minutes, "resident_names": session.resident_names}
    texts.update({f"outcome-{o.pk}": o.text for o in outcomes})
    masked = {k: mask_numbers(v) for k, v in texts.items()}
    typed = sorted(k for k in texts if masked[k] != texts[k])
    shown = bool(typed) and manage and request.GET.get("numbers") == "1"
    if shown:
        pii.log_access(
            actor=request.user,
            action="view",
            subject=session,
            fields={"outcomes" if k.startswith("outcome-") else k for k in typed},
        )
    else:
        for o in outcomes:
            o.text = masked[f"outcome-{o.pk}"]
    context = {
        "session": session,
        "platform": platform,
        "can_manage": manage,
        "can_approve": policies.can_approve(request.user, platform),
        "outcomes": outcomes,
        "minutes": texts["minutes"] if shown else masked["minutes"],
        "resident_names": texts["resident_names"] if shown else masked["resident_names"],
        "numbers_hidden": bool(typed) and manage and not shown,
        "attendance": session.attendance.select_related("member").order_by("id"),
        "events": history(session).select_related("actor"),
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "is_past": session.starts_at <= timezone.now(),
        "agenda": _agenda(session),
    }
    return render(request, "platforms/session_detail.html", context, status=status)


def _agenda(session) -> list:
    """The residents' issues on the session's agenda or settled at it (residents' FK to the
    session, read by its reverse name: this app does not import residents), their titles
    masked as the record's texts are: whoever runs the session sees what it is to discuss."""
    rows = list(session.resident_issues.order_by("ticket").only("pk", "ticket", "title", "status"))
    for issue in rows:
        issue.title = mask_numbers(issue.title)
    return rows


@login_required
def session_detail(request, pk: int):
    return _render_session(request, _session(request, pk))


@login_required
def session_record(request, pk: int):
    session = _session(request, pk)
    platform = session.platform
    if not policies.can_manage(request.user, platform):
        raise Http404
    # A record posted from a page opened before the outcomes were approved (or the session
    # cancelled) is refused by the service below and shown again with what was typed.
    if session.status not in (S.PLANNED, S.HELD) and request.method != "POST":
        messages.error(request, _("议事成果已审定公开或议事会已取消，不能再修改记录。"))
        return redirect("platforms:session", session.pk)
    # Attendance is taken once, when the session is first recorded as held.
    members = (
        [a.member for a in selectors.current_members(platform)]
        if session.status == S.PLANNED
        else []
    )
    initial = {
        "version": session.version,
        "minutes": session.minutes,
        "outcomes": "\n".join(
            f"{o.text}｜{o.responsible}" if o.responsible else o.text
            for o in session.outcomes.all()
        ),
        "resident_count": session.resident_count,
        "resident_names": session.resident_names,
        "department_count": session.department_count,
        "department_names": session.department_names,
        "cadre_count": session.cadre_count,
        "cadre_names": session.cadre_names,
    }
    form = RecordForm(request.POST or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        for name in list(data):
            if name.startswith("att_"):
                data.pop(name)
        try:
            services.session_record(
                session=session,
                actor=request.user,
                expected_version=version,
                attendance=form.attendance(),
                **data,
            )
        except (ValidationError, TransitionError, StaleEdit) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("议事情况已登记，请召集人审定后公开。"))
            return redirect("platforms:session", session.pk)
    return render(
        request,
        "platforms/session_record.html",
        {"form": form, "session": session, "platform": platform},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def session_approve(request, pk: int):
    session = _session(request, pk)
    if not policies.can_approve(request.user, session.platform):
        raise Http404
    form = ApproveForm(request.POST)
    form.is_valid()
    try:
        services.session_approve(
            session=session, actor=request.user, note=form.cleaned_data.get("note", "")
        )
    except (ValidationError, TransitionError) as exc:
        add_service_errors(form, exc)
        return _render_session(request, session, status=400, approve_form=form)
    messages.success(request, _("议事成果已审定并在公众平台公开。"))
    return redirect("platforms:session", session.pk)


@login_required
@require_POST
def session_cancel(request, pk: int):
    session = _session(request, pk)
    if not policies.can_manage(request.user, session.platform):
        raise Http404
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _render_session(request, session, status=400, cancel_form=form)
    try:
        services.session_cancel(
            session=session, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, TransitionError) as exc:
        add_service_errors(form, exc)
        return _render_session(request, session, status=400, cancel_form=form)
    messages.success(request, _("议事会已取消。"))
    return redirect("platforms:session", session.pk)
