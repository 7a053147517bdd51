from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import access
from .audit import record_event
from .models import Notification


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        record_event(actor=user, verb="auth.password_changed", subject=user)
        messages.success(self.request, _("密码已修改。"))
        return response


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request):
    return render(
        request,
        "core/home.html",
        {"assignments": access.assignments(request.user)},
    )


@login_required
def inbox(request):
    items = Notification.objects.filter(recipient=request.user)[:200]
    return render(request, "core/inbox.html", {"items": items})


@login_required
@require_POST
def inbox_read(request, pk: int):
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    if note.url and note.url.startswith("/"):
        return redirect(note.url)
    return redirect("inbox")


@login_required
def audit_log(request):
    if not (
        access.can(request.user, "audit.view") or access.can(request.user, "audit.view_admins")
    ):
        raise PermissionDenied
    return render(request, "core/audit_log.html", {"events": []})
