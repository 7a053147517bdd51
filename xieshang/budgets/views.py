"""Pages of the activity budgets: the yearly sheet (and its Excel), a line with its
spending, and the office's forms. Every page goes through `policies`; a line the user may
not see answers 404, whatever the reason."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from xieshang.core.audit import StaleEdit, history
from xieshang.core.forms import add_service_errors
from xieshang.core.params import id_param, year_param

from . import excel, policies, selectors, services
from .forms import LineEditForm, LineForm, SpendForm, VoidForm
from .models import BudgetLine, Category, SpendingEntry

REFUSALS = (ValidationError, StaleEdit)


def _sheet_params(request):
    """The organisation (?org=, default the user's highest) and year (?year=) of a sheet."""
    if not policies.can_use(request.user):
        raise PermissionDenied
    organisations = list(policies.viewable_organisations(request.user))
    wanted = id_param(request, "org", label=_("组织"))
    organisation = next(
        (o for o in organisations if wanted is None or o.pk == wanted),
        None,
    )
    if organisation is None:
        raise Http404
    year = year_param(request, default=timezone.localdate().year)
    return organisations, organisation, year


@login_required
def sheet(request):
    organisations, organisation, year = _sheet_params(request)
    return render(
        request,
        "budgets/sheet.html",
        {
            "sheet": selectors.year_sheet(organisation, year),
            "organisations": organisations,
            "organisation": organisation,
            "year": year,
            "can_manage": policies.can_manage(request.user, organisation),
        },
    )


@login_required
@require_safe
def sheet_xlsx(request):
    _organisations, organisation, year = _sheet_params(request)
    content = excel.sheet_bytes(selectors.year_sheet(organisation, year))
    return excel.response(
        content,
        _("%(org)s%(year)s年经费预算.xlsx") % {"org": organisation.name, "year": year},
        fallback=f"budgets-{organisation.pk}-{year}.xlsx",
    )


def _line(request, pk: int) -> BudgetLine:
    line = (
        BudgetLine.objects.select_related(
            "organisation", "activity", "training", "liaison_room", "created_by"
        )
        .filter(pk=pk)
        .first()
    )
    if line is None or not policies.can_view(request.user, line.organisation):
        raise Http404
    return line


def _target_initial(request) -> dict:
    """?activity=, ?training= or ?room= from the target page's "编制预算" link."""
    initial = {"year": timezone.localdate().year}
    for param, field, category in (
        ("activity", "activity", Category.ACTIVITY),
        ("training", "training", Category.TRAINING),
        ("room", "liaison_room", Category.LIAISON_ROOM),
    ):
        value = id_param(request, param)
        if value is not None:
            initial.update({field: value, "category": category})
    return initial


@login_required
def line_create(request):
    organisations = policies.manageable_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    initial = _target_initial(request)
    initial.setdefault("organisation", organisations.first())
    form = LineForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            line = services.line_create(actor=request.user, **data)
        except REFUSALS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已编制预算。"))
            return redirect("budgets:line", line.pk)
    return render(
        request,
        "budgets/form.html",
        {"form": form, "title": _("编制预算")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def line_edit(request, pk: int):
    line = _line(request, pk)
    if not policies.can_manage(request.user, line.organisation):
        raise PermissionDenied
    initial = {
        "item": line.item,
        "category": line.category,
        "planned": line.planned,
        "note": line.note,
        "version": line.version,
    }
    form = LineEditForm(request.POST or None, line=line, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.line_update(
                line=line,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **values,
            )
        except REFUSALS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("budgets:line", line.pk)
    return render(
        request,
        "budgets/form.html",
        {"form": form, "title": _("修改预算"), "line": line},
        status=400 if request.method == "POST" else 200,
    )


def _render_line(request, line, status=200, **forms):
    manage = policies.can_manage(request.user, line.organisation)
    spent = selectors.spent_of(line)
    context = {
        "line": line,
        "figures": selectors.Figures(line.planned, spent),
        "entries": selectors.entries_of(line),
        "can_manage": manage,
        "events": history(line).select_related("actor")[:50],
    }
    if manage:
        context["spend_form"] = forms.get("spend_form") or SpendForm(
            initial={"date": min(timezone.localdate(), _year_end(line.year))}
        )
        context["void_form"] = forms.get("void_form") or VoidForm()
        context["void_entry"] = forms.get("void_entry")
    return render(request, "budgets/line.html", context, status=status)


def _year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


@login_required
def line_detail(request, pk: int):
    return _render_line(request, _line(request, pk))


@login_required
@require_POST
def spend(request, pk: int):
    line = _line(request, pk)
    if not policies.can_manage(request.user, line.organisation):
        raise PermissionDenied
    form = SpendForm(request.POST, request.FILES, year=line.year)
    if form.is_valid():
        try:
            services.spending_add(line=line, actor=request.user, **form.cleaned_data)
        except REFUSALS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记支出。"))
            return redirect("budgets:line", line.pk)
    return _render_line(request, line, status=400, spend_form=form)


@login_required
@require_POST
def void(request, pk: int, entry_pk: int):
    line = _line(request, pk)
    if not policies.can_manage(request.user, line.organisation):
        raise PermissionDenied
    entry = SpendingEntry.objects.filter(pk=entry_pk, line=line).first()
    if entry is None:
        raise Http404
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            services.spending_void(entry=entry, actor=request.user, **form.cleaned_data)
        except REFUSALS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已作废该支出记录。"))
            return redirect("budgets:line", line.pk)
    return _render_line(request, line, status=400, void_form=form, void_entry=entry.pk)
