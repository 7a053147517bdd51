"""规则设置: the configurable rules of one organisation, generated from the registry
(orgs.config). Everyone with a role in the organisation (or above it) reads them; the system
administrator of the organisation or of one above it changes them (`orgs.rules`)."""

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.core import access
from xieshang.core.audit import StaleEdit
from xieshang.core.forms import StyledForm, add_service_errors

from . import config, services
from .forms import OrganisationSwitchForm, RestoreForm, RuleForm
from .models import Department, Organisation

PERM = "orgs.rules"


def may_read(user, organisation: Organisation) -> bool:
    return bool(access.roles(user, organisation)) or access.can(user, PERM, organisation)


def _group_label(module: str) -> str:
    try:
        return str(apps.get_app_config(module).verbose_name)
    except LookupError:
        return module


def _groups(organisation, states, editable: bool, bound: dict | None = None):
    """Rules grouped by module, each with its form (the bound one for the rule just
    rejected, so what was typed stays)."""
    bound = bound or {}
    groups: dict[str, dict] = {}
    for state in sorted(states, key=lambda s: s.rule.key):
        module = state.rule.module
        group = groups.setdefault(
            module, {"module": module, "label": _group_label(module), "rules": []}
        )
        if editable:
            state.form = bound.get(state.rule.key) or RuleForm(
                rule=state.rule, value=state.value, version=state.version
            )
        group["rules"].append(state)
    return sorted(groups.values(), key=lambda g: g["module"])


@login_required
def rules_home(request):
    """The navigation's entry: the rules of the user's own (highest) organisation, or of
    `?org=` among those the user may change (the page's organisation switcher). An `org`
    the user may not change shows their own organisation's rules with the switcher's
    error."""
    organisation = access.home_organisation(request.user)
    if organisation is None:
        organisation = access.organisations(request.user, PERM).order_by("path").first()
    if organisation is None:
        raise PermissionDenied
    if "org" in request.GET or "org__q" in request.GET:
        switch = OrganisationSwitchForm(request.GET, user=request.user, perm=PERM)
        if switch.is_valid():
            return redirect("orgs:rules", org_id=switch.cleaned_data["org"].pk)
        return _rules_page(request, organisation, switch=switch, status=400)
    return redirect("orgs:rules", org_id=organisation.pk)


@login_required
def rules(request, org_id: int):
    organisation = get_object_or_404(Organisation, pk=org_id)
    if not may_read(request.user, organisation):
        raise PermissionDenied
    editable = access.can(request.user, PERM, organisation)
    bound: dict = {}
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        key = request.POST.get("rule", "")
        rule = config.RULES.get(key)
        if rule is None:
            raise Http404
        anchor = reverse("orgs:rules", args=[organisation.pk]) + "#rule-" + key.replace(".", "-")
        if request.POST.get("action") == "restore":
            restore = RestoreForm(request.POST)
            if not restore.is_valid():
                raise Http404
            try:
                note = config.restore_inherited(
                    organisation,
                    key,
                    actor=request.user,
                    effective_from=restore.cleaned_data["effective_from"],
                    expected_version=restore.cleaned_data["version"],
                )
            except (StaleEdit, ValidationError) as exc:
                messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
                return redirect(anchor)
            messages.success(request, note)  # what was restored or withdrawn, in words
            return redirect(anchor)
        form = RuleForm(request.POST, rule=rule)
        if form.is_valid():
            data = form.cleaned_data
            try:
                config.set_value(
                    organisation,
                    key,
                    data["value"],
                    actor=request.user,
                    effective_from=data["effective_from"],
                    expected_version=data["version"],
                )
            except (StaleEdit, ValidationError) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("“%(label)s”已保存。") % {"label": rule.label})
                return redirect(anchor)
        bound[key] = form
        status = 400
    return _rules_page(request, organisation, bound=bound, status=status)


def _rules_page(request, organisation, *, bound=None, switch=None, status=200):
    editable = access.can(request.user, PERM, organisation)
    states = config.rule_states(organisation)
    ancestors = {o.pk: o for o in Organisation.objects.filter(pk__in=organisation.ancestor_ids())}
    for state in states:
        state.source_org = ancestors.get(state.source_org_id)
        state.anchor = state.rule.key.replace(".", "-")
        state.shown = state.rule.display(state.value)
        state.default_shown = state.rule.display(state.rule.default)
        state.scheduled_shown = [
            {
                "date": date,
                "text": _("恢复继承") if inherit else state.rule.display(value),
            }
            for date, inherit, value in state.scheduled
        ]
        state.restorable = state.own or any(not inherit for _d, inherit, _v in state.scheduled)
    return render(
        request,
        "orgs/rules.html",
        {
            "organisation": organisation,
            "groups": _groups(organisation, states, editable, bound),
            "editable": editable,
            # The organisation switcher, showing the one whose rules these are.
            "switch": (
                switch
                or OrganisationSwitchForm(
                    initial={"org": organisation}, user=request.user, perm=PERM
                )
            )
            if editable
            else None,
        },
        status=status,
    )


class RemitForm(StyledForm, forms.Form):
    remit = forms.CharField(
        label=gettext_lazy("主要职责"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "按本单位“三定”方案填写主要职责，分办时据此和以往交办推荐主办单位。"
        ),
    )


@login_required
def department_remit(request, pk: int):
    """承办单位职责: the remit of one department, set by whoever sets the departments' order
    (`orgs.department_order`); the department suggestion reads it."""
    department = get_object_or_404(Department.objects.select_related("organisation"), pk=pk)
    if not access.can(request.user, "orgs.department_order", department.organisation):
        raise Http404
    form = RemitForm(request.POST or None, initial={"remit": department.remit})
    if request.method == "POST" and form.is_valid():
        if services.department_remit_set(
            department=department, remit=form.cleaned_data["remit"], actor=request.user
        ):
            messages.success(request, _("%(name)s的主要职责已保存。") % {"name": department.name})
        url = reverse("department_order")
        return redirect(f"{url}?org={department.organisation_id}#dept-{department.pk}")
    return render(
        request,
        "orgs/department_remit.html",
        {"form": form, "department": department},
        status=400 if request.method == "POST" else 200,
    )
