"""Pages of the three administrator duties (三员分立): accounts and roles (security), reference
data and the calendar (system), the audit log (audit)."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from xieshang.orgs import services as orgs_services
from xieshang.orgs.models import Department, Organisation, Role, RoleAssignment

from . import access, api_tokens, audit_seal, calendar, jobs, login_guard, services
from . import audit_export as audit_export_
from .audit import StaleEdit
from .excel import xlsx_response
from .forms import (
    SAVE_AGAIN,
    AuditFilterForm,
    CalendarDayForm,
    DepartmentOrderForm,
    HolidayNoticeEntry,
    OrganisationCloseForm,
    OrganisationEditForm,
    OrganisationForm,
    RoleAssignForm,
    UserContactForm,
    UserCreateForm,
    add_service_errors,
)
from .models import ApiToken, CalendarDay, Event, HolidayNotice, User
from .params import paginate
from .pii import mask_phone

# --- Security administrator: accounts and roles -------------------------------------------

USERS_PER_PAGE = 50


@login_required
def users(request):
    access.require(request.user, "security.manage")
    query = request.GET.get("q", "").strip()
    qs = access.scoped_users(request.user).order_by("username")
    if query:
        qs = qs.filter(
            Q(username__icontains=query) | Q(full_name__icontains=query) | Q(phone=query)
        )
    qs = qs.prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=RoleAssignment.objects.select_related("organisation").order_by(
                "organisation__path", "role"
            ),
        )
    )
    page = paginate(request, qs, USERS_PER_PAGE)
    locked = services.locked_usernames(u.username for u in page)
    for u in page:
        u.is_locked = u.username in locked
    return render(request, "core/users.html", {"page": page, "q": query})


@login_required
def paused_addresses(request):
    """The addresses the login guard pauses now (too many failed logins), each with a lift
    that asks why; only the security administrator (三员分立)."""
    if not login_guard.may_lift(request.user):
        raise PermissionDenied
    error, typed = "", {}
    if request.method == "POST":
        address = request.POST.get("address", "").strip()
        reason = request.POST.get("reason", "")
        try:
            login_guard.lift(actor=request.user, address=address, reason=reason)
        except ValidationError as exc:
            error, typed = " ".join(exc.messages), {"address": address, "reason": reason}
        else:
            messages.success(request, _("已解除 %(address)s 的登录暂停。") % {"address": address})
            return redirect("paused_addresses")
    return render(
        request,
        "core/paused_addresses.html",
        {
            "pauses": login_guard.paused(),
            "error": error,
            "typed": typed,
            "limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        },
        status=400 if error else 200,
    )


@login_required
def user_create(request):
    access.require(request.user, "security.manage")
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, issued = services.user_create(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                email=data["email"],
                organisation=data["organisation"],
                role=data["role"],
                department=data["department"],
                committee=data["committee"],
            )
        except services.Refused as exc:
            form.add_error(None, str(exc))
        else:
            return _password_issued(request, user, issued, created=True)
    return render(
        request, "core/user_form.html", {"form": form}, status=400 if form.errors else 200
    )


def _password_issued(request, user, issued: services.Issued, created: bool) -> HttpResponse:
    """Show a temporary password once (or where it was sent). It is rendered into this
    response only (not put in a message or the session), and the page is not cached."""
    response = render(
        request,
        "core/user_password.html",
        {
            "subject": user,
            "password": issued.password,
            "sent_to": issued.sent_to,
            "created": created,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _managed_user(request, pk: int) -> User:
    """The account, if it is in the actor's scope; 404 otherwise, the same as a missing one."""
    access.require(request.user, "security.manage")
    found = access.scoped_users(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@login_required
def user_detail(request, pk: int):
    subject = _managed_user(request, pk)
    form = RoleAssignForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.role_assign(
                actor=request.user,
                user=subject,
                organisation=data["organisation"],
                role=data["role"],
                department=data["department"],
                committee=data["committee"],
            )
        except services.Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("角色已分配。"))
            return redirect("user_detail", pk=subject.pk)
    return _user_page(request, subject, form=form, status=400 if request.method == "POST" else 200)


def _user_page(request, subject, *, form=None, contact_form=None, status=200) -> HttpResponse:
    """The account page; a refused form of it (a role, the name and phone) shown again with
    what was typed."""
    manageable = set(
        access.organisations(request.user, "security.manage").values_list("pk", flat=True)
    )
    roles = list(
        subject.role_assignments.select_related("organisation", "department", "committee").order_by(
            "organisation__path", "role"
        )
    )
    for ra in roles:
        # The last role is not offered for revocation (services.last_role_refusal says why),
        # nor an administrator duty nobody else holds there or above (last_holder_refusal).
        ra.last = bool(services.last_role_refusal(ra, others=roles))
        ra.sole_holder = not ra.last and bool(
            services.last_holder_refusal(subject, ra, grants=roles)
        )
        ra.removable = (
            ra.organisation_id in manageable
            and subject.pk != request.user.pk
            and not ra.last
            and not ra.sole_holder
        )
    return render(
        request,
        "core/user_detail.html",
        {
            "subject": subject,
            "roles": roles,
            "form": form if form is not None else RoleAssignForm(actor=request.user),
            "contact_form": contact_form
            if contact_form is not None
            else UserContactForm(subject=subject),
            "is_self": subject.pk == request.user.pk,
            # The only holder of an administrator duty is not offered deactivation: why.
            "deactivate_refusal": services.last_holder_refusal(subject, grants=roles),
            # The phone an administrator duty's temporary password goes to, masked.
            "phone": mask_phone(subject.phone) if subject.phone else "",
            "is_locked": subject.username in services.locked_usernames([subject.username]),
            "has_otp": services.otp_device(subject) is not None,
            "sessions": services.open_sessions(subject),
            # A member who left office keeps the account (their records stay readable) but
            # the 政协委员 role grants nothing any more (`access.acting_member`).
            "former_member": access.is_former_member(subject),
            "tokens": api_tokens.active(ApiToken.objects.filter(user=subject)).order_by(
                "-created_at"
            ),
            # Tokens kept from a staff role the account no longer has: the API refuses them
            # (api.TokenAuth), the page says so and offers to revoke them.
            "tokens_refused": not api_tokens.may_use(subject),
        },
        status=status,
    )


@login_required
@require_POST
def user_contact(request, pk: int):
    """Correct the name or register the mobile number (姓名, 手机号码) of an account."""
    subject = _managed_user(request, pk)
    form = UserContactForm(request.POST, subject=subject)
    if form.is_valid():
        try:
            changed = services.user_update_contact(
                actor=request.user,
                user=subject,
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"] or None,
                shown=(form.cleaned_data["was_name"], form.cleaned_data["was_phone"])
                if "contact-was_name" in request.POST
                else None,
            )
        except StaleEdit as exc:
            # What the page shows now is what a second save replaces, on purpose.
            form.add_error(None, [str(exc), SAVE_AGAIN])
            name, phone = services.contact_shown(subject)
            form.data = form.data.copy()
            form.data["contact-was_name"], form.data["contact-was_phone"] = name, phone
        except services.Refused as exc:
            form.add_error(None, str(exc))
        else:
            if changed:
                messages.success(request, _("姓名和手机号码已保存。"))
            else:
                messages.info(request, _("未作更改。"))
            return redirect("user_detail", pk=subject.pk)
    return _user_page(request, subject, contact_form=form, status=400)


def _user_action(request, pk: int, action) -> HttpResponse:
    subject = _managed_user(request, pk)
    try:
        result = action(subject)
    except services.Refused as exc:
        messages.error(request, str(exc))
        return redirect("user_detail", pk=subject.pk)
    return result or redirect("user_detail", pk=subject.pk)


@login_required
@require_POST
def user_role_remove(request, pk: int, ra_pk: int):
    def run(subject):
        ra = get_object_or_404(RoleAssignment.objects.select_related("organisation"), pk=ra_pk)
        if ra.user_id != subject.pk:
            raise Http404
        services.role_remove(
            actor=request.user, assignment=ra, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("角色已撤销。"))

    return _user_action(request, pk, run)


@login_required
@require_POST
def user_password_reset(request, pk: int):
    def run(subject):
        issued = services.user_password_reset(
            actor=request.user, user=subject, reason=request.POST.get("reason", "")
        )
        return _password_issued(request, subject, issued, created=False)

    return _user_action(request, pk, run)


@login_required
@require_POST
def user_set_active(request, pk: int):
    active = request.POST.get("active") == "1"
    reason = request.POST.get("reason", "")

    def run(subject):
        services.user_set_active(actor=request.user, user=subject, active=active, reason=reason)
        messages.success(request, _("账号已启用。") if active else _("账号已停用。"))

    return _user_action(request, pk, run)


@login_required
@require_POST
def user_unlock(request, pk: int):
    def run(subject):
        services.user_unlock(
            actor=request.user, user=subject, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("已解除锁定。"))

    return _user_action(request, pk, run)


@login_required
@require_POST
def user_end_sessions(request, pk: int):
    reason = request.POST.get("reason", "")

    def run(subject):
        ended = services.user_end_sessions(actor=request.user, user=subject, reason=reason)
        messages.success(request, _("已强制下线，结束了 %(n)s 个登录。") % {"n": ended})

    return _user_action(request, pk, run)


@login_required
@require_POST
def user_otp_reset(request, pk: int):
    def run(subject):
        services.user_otp_reset(actor=request.user, user=subject)
        messages.success(request, _("动态口令已重置，该用户下次登录时重新绑定。"))

    return _user_action(request, pk, run)


# --- System administrator: reference data -------------------------------------------------


@login_required
def calendar_days(request):
    access.require(request.user, "system.manage")
    editable = services.calendar_editable(request.user)
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            services.calendar_day_set(actor=request.user, **form.cleaned_data)
            messages.success(request, _("工作日调整已保存。"))
            return redirect("calendar_days")
    today = timezone.localdate()
    days = (
        CalendarDay.objects.filter(date__gte=today.replace(month=1, day=1))
        .select_related("notice")
        .order_by("date")
    )
    notices = HolidayNotice.objects.filter(year__gte=today.year).order_by("year")
    return render(
        request,
        "core/calendar_days.html",
        {
            "form": form,
            "days": days,
            "editable": editable,
            "notices": notices,
            "this_year": today.year,
            "next_year": today.year + 1,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def calendar_day_remove(request, pk: int):
    access.require(request.user, "system.manage")
    day = get_object_or_404(CalendarDay, pk=pk)
    services.calendar_day_remove(actor=request.user, day=day)
    messages.success(request, _("已删除该日调整。"))
    return redirect("calendar_days")


@login_required
def holiday_notice(request):
    """The year's State Council notice in one form: header, holiday periods, make-up days.
    `?year=` opens a year already entered, to correct it."""
    access.require(request.user, "system.manage")
    if not services.calendar_editable(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year + 1))
    except ValueError:
        year = today.year + 1
    notice = HolidayNotice.objects.filter(year=year).first()
    entry = HolidayNoticeEntry(request.POST or None, today=today, notice=notice)
    if request.method == "POST" and entry.is_valid():
        try:
            saved = services.holiday_notice_save(actor=request.user, **entry.cleaned())
        except (ValidationError, StaleEdit) as exc:
            add_service_errors(entry.form, exc)
        else:
            messages.success(
                request,
                _("%(year)s年节假日安排已保存，计算期限时按此执行。") % {"year": saved.year},
            )
            return redirect("calendar_year", year=saved.year)
    return render(
        request,
        "core/holiday_notice.html",
        {"entry": entry, "notice": notice},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def calendar_year(request, year: int):
    """The working-day calendar of one year as deadlines are counted: for all staff."""
    if not access.is_staff_user(request.user):
        raise PermissionDenied
    if not 2000 <= year <= 2100:
        raise Http404
    notice = HolidayNotice.objects.filter(year=year).select_related("entered_by").first()
    return render(
        request,
        "core/calendar_year.html",
        {
            "year": year,
            "months": calendar.year_months(year),
            "notice": notice,
            "library_knows": calendar.library_knows_swaps(year),
            "editable": services.calendar_editable(request.user),
            "weekdays": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
        },
    )


@login_required
def organisations(request):
    access.require(request.user, "system.manage")
    form = OrganisationForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.organisation_add(
                actor=request.user,
                name=data["name"],
                level=data["level"],
                parent=data["parent"],
                code=data["code"],
            )
        except (ValidationError, services.Refused) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("组织已新建。"))
            return redirect("organisations")
    orgs = access.organisations(request.user, "system.manage").order_by("path")
    rows = [{"org": org, "depth": max(org.path.count(".") - 1, 0)} for org in orgs]
    return render(
        request,
        "core/organisations.html",
        {"form": form, "rows": rows},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def organisation_edit(request, pk: int):
    """One organisation: its name and code, and 撤销 (close) or 恢复 (reopen) it. A refused
    change shows the page again with what was typed."""
    access.require(request.user, "system.manage")
    org = get_object_or_404(
        access.organisations(request.user, "system.manage").select_related("parent"), pk=pk
    )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    edit_form = OrganisationEditForm(
        request.POST if action == "edit" else None,
        prefix="edit",
        initial={"name": org.name, "code": org.code, "version": org.version},
    )
    close_form = OrganisationCloseForm(request.POST if action == "close" else None, prefix="close")
    reopen_form = OrganisationCloseForm(
        request.POST if action == "reopen" else None, prefix="reopen"
    )
    reopen_form.fields["reason"].required = False
    reopen_form.fields["reason"].label = _("恢复原因")
    reopen_form.fields["reason"].help_text = _("选填，记入审计日志。")
    form, run, done = {
        "edit": (
            edit_form,
            lambda d: orgs_services.organisation_update(
                actor=request.user,
                organisation=org,
                name=d["name"],
                code=d["code"],
                expected_version=d.get("version"),
            ),
            _("组织名称和代码已保存。"),
        ),
        "close": (
            close_form,
            lambda d: orgs_services.organisation_close(
                actor=request.user, organisation=org, reason=d["reason"]
            ),
            _("组织已撤销。"),
        ),
        "reopen": (
            reopen_form,
            lambda d: orgs_services.organisation_reopen(
                actor=request.user, organisation=org, reason=d["reason"]
            ),
            _("组织已恢复。"),
        ),
    }.get(action, (None, None, ""))
    if form is not None and form.is_valid():
        try:
            run(form.cleaned_data)
        except (ValidationError, StaleEdit) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("organisation_edit", pk=org.pk)
    return render(
        request,
        "core/organisation_edit.html",
        {
            "org": org,
            "edit_form": edit_form,
            "close_form": close_form,
            "reopen_form": reopen_form,
            "blockers": orgs_services.close_blockers(org) if org.is_active else None,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- The office: the official order of the handling units ----------------------------------


def _order_organisation(request) -> tuple[Organisation, list[Organisation]]:
    """The organisation whose departments are shown (`?org=`, else the user's highest one
    that has departments) and the ones the user may choose between."""
    access.require(request.user, "orgs.department_order")
    choices = list(
        access.organisations(request.user, "orgs.department_order")
        .filter(departments__isnull=False)
        .distinct()
        .order_by("path")
    )
    if not choices:
        # No units yet (a city whose proposals have gone only to the districts' units):
        # the page says so rather than "not found".
        choices = list(
            access.organisations(request.user, "orgs.department_order").order_by("path")[:1]
        )
    wanted = request.POST.get("org") or request.GET.get("org") or ""
    chosen = next((o for o in choices if str(o.pk) == wanted), choices[0])
    return chosen, choices


@login_required
def department_order(request):
    """承办单位排序: the order departments are listed in everywhere (pickers, lists), set by
    position numbers, or one step up or down at a time."""
    org, choices = _order_organisation(request)
    departments = list(Department.objects.filter(organisation=org).order_by("sort_order", "name"))
    form = DepartmentOrderForm(request.POST or None, departments=departments)
    if request.method == "POST":
        ids = [d.pk for d in departments]
        move = request.POST.get("move", "")
        pk, _sep, direction = move.partition(":")
        if move:
            if not pk.isdigit() or int(pk) not in ids or direction not in ("up", "down"):
                raise Http404
            i = ids.index(int(pk))
            j = i - 1 if direction == "up" else i + 1
            if 0 <= j < len(ids):
                ids[i], ids[j] = ids[j], ids[i]
            order = ids
        elif form.is_valid():
            order = form.order()
        else:
            order = None
        if order is not None:
            changed = orgs_services.department_order_set(
                organisation=org, order=order, actor=request.user
            )
            if changed:
                messages.success(request, _("承办单位排序已保存。"))
            url = reverse("department_order")
            anchor = f"#dept-{pk}" if move else ""
            return redirect(f"{url}?org={org.pk}{anchor}")
    return render(
        request,
        "core/department_order.html",
        {"form": form, "org": org, "choices": choices},
        status=400 if request.method == "POST" else 200,
    )


# --- Audit log ---------------------------------------------------------------------------

EVENTS_PER_PAGE = 50
EXPORT_LIMIT = audit_export_.EXPORT_LIMIT


def _event_scope(user, perm: str) -> Q:
    """Events of organisations in the user's subtree; events that belong to no organisation
    (failed logins of unknown names, backups, audit verifications, paused addresses) for
    the highest holders: at a root, or with nobody holding the duty above them (a district
    deployment under bare city and province nodes), so that someone reviews them."""
    q = access.org_filter(user, perm)
    if not q:  # an empty Q: no limit (the superuser); OR-ing to it would narrow it
        return q
    if access.is_top_level(user, perm):
        q |= Q(organisation__isnull=True)
    return q


def visible_events(user):
    """三员分立, "nobody audits themselves": the audit administrator sees everyone's events
    except those of audit administrators; the security administrator (audit.view_admins)
    sees only the audit administrators' events. Both within their organisation scope."""
    auditors = RoleAssignment.objects.filter(role=Role.AUDIT_ADMIN).values("user_id")
    q = Q(pk__in=[])
    if access.can(user, "audit.view"):
        q |= _event_scope(user, "audit.view") & ~Q(actor_id__in=auditors)
    if access.can(user, "audit.view_admins"):
        q |= _event_scope(user, "audit.view_admins") & Q(actor_id__in=auditors)
    return Event.objects.filter(q)


def _audit_organisations(user):
    perms = [p for p in ("audit.view", "audit.view_admins") if access.can(user, p)]
    qs = Organisation.objects.none()
    for perm in perms:
        qs = qs | access.organisations(user, perm)
    return qs.order_by("path")


def _filtered_events(request, form: AuditFilterForm):
    qs = visible_events(request.user)
    if not form.is_bound:
        return qs
    if not form.is_valid():
        # A rejected filter lists nothing: the whole log under the error would read as if
        # it were the filtered one (and its export would hand out the whole log).
        return qs.none()
    data = form.cleaned_data
    start, end = form.date_bounds()
    tz = timezone.get_current_timezone()
    if start:
        qs = qs.filter(created_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz))
    if end:
        end_next = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        qs = qs.filter(created_at__lt=end_next)
    if data.get("actor"):
        # The name shown, or the login name the auditor knows the account by (exact).
        by_login = User.objects.filter(username__iexact=data["actor"]).values_list("pk", flat=True)
        qs = qs.filter(Q(actor_name__icontains=data["actor"]) | Q(actor_id__in=list(by_login)))
    verb = data.get("verb")
    if verb:
        qs = qs.filter(verb__startswith=verb) if verb.endswith(".") else qs.filter(verb=verb)
    if data.get("organisation"):
        qs = qs.filter(organisation__path__startswith=data["organisation"].path)
    if data.get("q"):
        text = data["q"].strip()
        found = Q(object_repr__icontains=text) | Q(note__icontains=text)
        found |= Q(actor_name__icontains=text)
        if _ip_address(text):
            found |= Q(ip_address=text)  # what was done from one address
        qs = qs.filter(found)
    return qs


def _ip_address(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _require_audit_reader(user) -> None:
    if not (access.can(user, "audit.view") or access.can(user, "audit.view_admins")):
        raise PermissionDenied


@login_required
def audit_log(request):
    _require_audit_reader(request.user)
    form = AuditFilterForm(request.GET or None, organisations=_audit_organisations(request.user))
    qs = _filtered_events(request, form).select_related("organisation")
    page = paginate(request, qs.order_by("-created_at", "-id"), EVENTS_PER_PAGE)
    for event in page:
        event.from_text, event.to_text = audit_export_.states(event)
    return render(
        request,
        "core/audit_log.html",
        {
            "form": form,
            "page": page,
            "can_export": access.can(request.user, "audit.export")
            or access.can(request.user, "audit.view_admins"),
            "admins_only": not access.can(request.user, "audit.view"),
            "integrity": audit_seal.latest_check(),
        },
    )


@login_required
@require_safe
def audit_export(request):
    """The filtered log as an Excel file; the export itself is audited (audit.export). A
    large one becomes a background job with a progress page and a download link."""
    user = request.user
    if not audit_export_.may_export(user):
        raise PermissionDenied
    if not audit_export_.filter_valid(user, request.GET):
        # The page explains the rejected filter and keeps what was typed.
        messages.error(request, _("筛选条件有误，未导出。请改正后再导出。"))
        return redirect(f"{reverse('audit_log')}?{request.GET.urlencode()}")
    total = audit_export_.events(user, request.GET).count()
    if total > jobs.export_threshold():
        job = jobs.start(
            kind=audit_export_.KIND,
            owner=user,
            organisation=access.home_organisation(user),
            params={"query": request.GET.urlencode()},
            total=total,
        )
        return redirect("job", pk=job.pk)
    content = audit_export_.workbook(user, request.GET)
    return xlsx_response(content, audit_export_.file_name(), fallback=audit_export_.fallback_name())
