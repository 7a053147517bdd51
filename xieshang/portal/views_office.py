"""The office's page for the screening lexicon (公众表单筛查词库): list, add, deactivate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.core import access
from xieshang.core.forms import add_service_errors
from xieshang.core.params import paginate

from . import services
from .forms import TermFilterForm, TermForm
from .models import ScreeningTerm

PAGE_SIZE = 100


def _require(user):
    if not (access.can(user, services.PERM) or access.can(user, "system.manage")):
        raise PermissionDenied


def _visible(user):
    """Deployment-wide terms and those of the organisations in the user's scope."""
    own = access.scope(ScreeningTerm.objects.all(), user, services.PERM)
    return ScreeningTerm.objects.filter(Q(organisation__isnull=True) | Q(pk__in=own.values("pk")))


def _add_form(request, data=None):
    return TermForm(
        data,
        organisations=access.organisations(request.user, services.PERM).order_by("path"),
        allow_global=access.can(request.user, "system.manage"),
    )


def _render(request, form, status=200):
    filters = TermFilterForm(request.GET or None)
    if filters.is_bound and not filters.is_valid():
        raise BadRequest(_("筛选条件不正确。"))
    data = filters.cleaned_data if filters.is_bound else {}
    qs = _visible(request.user).select_related("organisation")
    active = data.get("active", "")
    if active == "":
        qs = qs.filter(is_active=True)
    elif active == "0":
        qs = qs.filter(is_active=False)
    if data.get("category"):
        qs = qs.filter(category=data["category"])
    if data.get("q"):
        qs = qs.filter(term__icontains=data["q"])
    page = paginate(request, qs.order_by("category", "severity", "term", "id"), PAGE_SIZE)
    for term in page:
        term.can_manage = services.can_manage_term(request.user, term.organisation)
    return render(
        request,
        "portal/screening_terms.html",
        {"page": page, "form": form, "filters": filters},
        status=status,
    )


@login_required
def terms(request):
    _require(request.user)
    if request.method == "POST":
        form = _add_form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                term = services.term_add(
                    actor=request.user,
                    organisation=data["organisation"],
                    term=data["term"],
                    category=data["category"],
                    severity=data["severity"],
                )
            except (ValidationError, PermissionDenied) as exc:
                if isinstance(exc, PermissionDenied):
                    exc = ValidationError({"organisation": _("无权管理该范围的筛查词。")})
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已添加筛查词“%(t)s”，即时生效。") % {"t": term.term})
                return redirect("screening:terms")
        return _render(request, form, status=400)
    return _render(request, _add_form(request))


@login_required
@require_POST
def term_toggle(request, pk: int):
    _require(request.user)
    term = _visible(request.user).filter(pk=pk).first()
    if term is None:
        raise Http404
    active = request.POST.get("active") == "1"
    try:
        services.term_set_active(actor=request.user, term=term, active=active)
    except PermissionDenied:
        raise Http404 from None
    if active:
        messages.success(request, _("已启用筛查词“%(t)s”。") % {"t": term.term})
    else:
        messages.success(request, _("已停用筛查词“%(t)s”。") % {"t": term.term})
    return redirect("screening:terms")
