from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import access, api_tokens, login_guard, services
from .audit import record_event
from .clientip import client_ip
from .forms import ApiTokenForm, LoginForm, OtpForm, PasswordChangeForm
from .middleware import password_expired
from .models import ApiToken, Notification


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True
    authentication_form = LoginForm

    def post(self, request, *args, **kwargs):
        address = client_ip(request)
        if login_guard.blocked(address):
            login_guard.record_block(address)
            return render(
                request,
                "registration/locked_out.html",
                {"cooloff_timedelta": login_guard.cooloff(), "address_blocked": True},
                status=429,
            )
        login_guard.note_account_lock(request)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        # A warning before the lockout: django-axes counts the failures of the username typed
        # (known or not, so the warning says nothing of whether it exists) and has just set
        # the count on the request; none when the password was not even checked (a blank).
        failures = getattr(self.request, "axes_failures_since_start", None)
        warning = ""
        if form.has_error(NON_FIELD_ERRORS, "inactive"):
            # No lockout to warn of: trying again cannot help, the administrator can. The
            # right password is no failure: reactivated, the account is not found locked.
            from axes.utils import reset

            reset(username=form.cleaned_data.get("username"))
            failures = None
        if failures is not None and not getattr(self.request, "axes_locked_out", False):
            left = settings.AXES_FAILURE_LIMIT - failures
            if left > 0:
                minutes = round(settings.AXES_COOLOFF_TIME * 60)
                warning = ngettext(
                    "再输错%(n)s次，该账号将被锁定%(minutes)s分钟。",
                    "再输错%(n)s次，该账号将被锁定%(minutes)s分钟。",
                    left,
                ) % {"n": left, "minutes": minutes}
        return self.render_to_response(self.get_context_data(form=form, lockout_warning=warning))


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["password_expired"] = password_expired(self.request.user)
        context["max_age_days"] = settings.PASSWORD_MAX_AGE_DAYS
        return context

    def form_valid(self, form):
        # Cleared before the form saves the new password: one the user chose, which the
        # password history records (a temporary one, still to be changed, it does not).
        form.user.must_change_password = False
        response = super().form_valid(form)
        user = form.user
        record_event(
            actor=user,
            verb="auth.password_changed",
            subject=user,
            organisation=access.home_organisation(user),
        )
        messages.success(self.request, _("密码已修改。"))
        return response


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


# --- Home: what this user can do --------------------------------------------------------


# (title, description, url name, permissions any of which shows the link); lazy, because
# the list is built at import time and must follow the language of each request.
@login_required
def home(request):
    from .dashboard import cards_for

    return render(
        request,
        "core/home.html",
        {"assignments": access.assignments(request.user), "cards": cards_for(request.user)},
    )


@login_required
def inbox(request):
    from .notifications import unread_count

    items = Notification.objects.filter(recipient=request.user)[:200]
    # A number, not the layout's lazy value: `blocktranslate count` needs one.
    return render(
        request,
        "core/inbox.html",
        {"items": items, "unread_count": unread_count(request.user)},
    )


@login_required
@require_POST
def inbox_read(request, pk: int):
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    # Only follow links inside this site: "//evil.example" also starts with a slash.
    if note.url and url_has_allowed_host_and_scheme(
        note.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(note.url)
    return redirect("inbox")


@login_required
@require_POST
def inbox_read_all(request):
    from .notifications import mark_read

    mark_read(request.user)
    return redirect("inbox")


# --- Staff second factor ------------------------------------------------------------------


@login_required
def api_token_list(request):
    """接口令牌: the user's own JSON API tokens; a new one is shown in clear on this
    response only (not stored, not in a message, not cached). Only for those who may use
    the API (`api_tokens.may_use`): a member is refused the page, as the menu does not offer it."""
    if not api_tokens.may_use(request.user):
        raise PermissionDenied
    form = ApiTokenForm(request.POST or None)
    issued = raw = None
    if request.method == "POST" and form.is_valid():
        try:
            issued, raw = api_tokens.issue(
                actor=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
            )
        except api_tokens.Refused as exc:
            form.add_error(None, str(exc))
        else:
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")[:50]
    response = render(
        request,
        "core/api_tokens.html",
        {"form": form, "tokens": tokens, "issued": issued, "raw": raw},
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)
    if not api_tokens.may_revoke(request.user, token):
        raise Http404
    reason = request.POST.get("reason", "").strip()[:200]
    api_tokens.revoke(actor=request.user, token=token, reason=reason)
    messages.success(request, _("令牌“%(name)s”已撤销。") % {"name": token.name})
    if token.user_id != request.user.pk:
        return redirect("user_detail", pk=token.user_id)
    return redirect("api_tokens")


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _otp_passed(request) -> HttpResponse:
    request.session[services.OTP_SESSION_KEY] = True
    request.session.cycle_key()
    return redirect(_next_url(request))


def _otp_failed(request, form) -> HttpResponse | None:
    if services.otp_locked(request.user):
        logout(request)
        messages.error(
            request,
            _("动态口令错误次数过多，账号已锁定%(minutes)s分钟，或请安全管理员解锁。")
            % {"minutes": round(settings.AXES_COOLOFF_TIME * 60)},
        )
        return redirect("login")
    form.add_error("code", _("动态口令不正确或已使用，请等待下一个口令后重试。"))
    return None


@login_required
def otp_setup(request):
    user = request.user
    if not services.otp_required(user) or request.session.get(services.OTP_SESSION_KEY):
        return redirect(_next_url(request))
    if services.otp_device(user) is not None:
        return redirect(reverse("otp_verify") + "?" + request.GET.urlencode())
    device = services.otp_pending_device(user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.otp_check(user=user, code=form.cleaned_data["code"], enrol=True):
            messages.success(request, _("动态口令已启用。"))
            return _otp_passed(request)
        failed = _otp_failed(request, form)
        if failed:
            return failed
    secret = device.secret
    return render(
        request,
        "registration/otp_setup.html",
        {
            "form": form,
            "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "otp_uri": services.otp_uri(device),
            "next": _next_url(request),
        },
    )


@login_required
def otp_verify(request):
    user = request.user
    if not services.otp_required(user) or request.session.get(services.OTP_SESSION_KEY):
        return redirect(_next_url(request))
    if services.otp_device(user) is None:
        return redirect(reverse("otp_setup") + "?" + request.GET.urlencode())
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.otp_check(user=user, code=form.cleaned_data["code"]):
            return _otp_passed(request)
        failed = _otp_failed(request, form)
        if failed:
            return failed
    return render(
        request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)}
    )


def favicon(request):
    """Browsers ask for /favicon.ico whatever the pages link; send them to the static icon
    instead of logging a 404 on every new session."""
    return redirect(static("xs/favicon.svg"))
