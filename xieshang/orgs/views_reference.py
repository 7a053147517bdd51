"""基础数据: the pages where a CPPCC committee's office (or the system administrator) sets up
its terms and sessions, handling units, sectors and special committees. The right is
`orgs.department_order` in the organisation whose data it is; only CPPCC committees have
these data (others: 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.audit import StaleEdit
from xieshang.core.forms import add_service_errors

from . import reference
from .forms_reference import CommitteeForm, DepartmentForm, SectorForm, SessionForm, TermForm
from .models import Committee, Department, Organisation, Sector, Session, Term

PERM = "orgs.department_order"


def _organisation(request, org_id: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=org_id)
    if not access.can(request.user, PERM, organisation):
        raise PermissionDenied
    if not organisation.is_cppcc:
        raise Http404
    return organisation


@login_required
def home(request):
    """The navigation's entry: the user's own (highest) CPPCC committee's reference data."""
    access.require(request.user, PERM)
    organisation = (
        access.organisations(request.user, PERM)
        .filter(level__in=["province", "city", "district"])
        .order_by("path")
        .first()
    )
    if organisation is None:
        raise PermissionDenied
    return redirect("orgs:terms", org_id=organisation.pk)


# --- 届次与全体会议 ------------------------------------------------------------------------------


@login_required
def terms(request, org_id: int):
    organisation = _organisation(request, org_id)
    status = 200
    if request.method == "POST":
        form = TermForm(request.POST)
        if form.is_valid():
            try:
                term = reference.term_create(
                    organisation,
                    actor=request.user,
                    number=form.cleaned_data["number"],
                    start_date=form.cleaned_data["start_date"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(term)s已添加。") % {"term": term})
                return redirect("orgs:terms", org_id=organisation.pk)
        status = 400
    else:
        form = TermForm(initial={"number": reference.next_term_number(organisation)})
    rows = organisation.terms.order_by("-number").prefetch_related("sessions")
    return render(
        request,
        "orgs/reference/terms.html",
        {"organisation": organisation, "terms": rows, "form": form, "tab": "terms"},
        status=status,
    )


def _session_page(request, organisation, term, form, session=None, status=200):
    return render(
        request,
        "orgs/reference/session_form.html",
        {
            "organisation": organisation,
            "term": term,
            "session": session,
            "form": form,
            "tab": "terms",
        },
        status=status,
    )


@login_required
def session_add(request, term_pk: int):
    term = get_object_or_404(Term, pk=term_pk)
    organisation = _organisation(request, term.organisation_id)
    if request.method == "POST":
        form = SessionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = reference.session_create(
                    term,
                    actor=request.user,
                    number=data["number"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    proposal_deadline=data["proposal_deadline"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(s)s已添加。") % {"s": session})
                return redirect("orgs:terms", org_id=organisation.pk)
        return _session_page(request, organisation, term, form, status=400)
    last = term.sessions.order_by("-number").first()
    form = SessionForm(initial={"number": (last.number + 1) if last else 1})
    return _session_page(request, organisation, term, form)


@login_required
def session_edit(request, pk: int):
    session = get_object_or_404(Session.objects.select_related("term"), pk=pk)
    term = session.term
    organisation = _organisation(request, term.organisation_id)
    if request.method == "POST":
        form = SessionForm(request.POST, instance=session)
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = reference.session_update(
                    session.pk,
                    actor=request.user,
                    expected=form.expected(),
                    number=data["number"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    proposal_deadline=data["proposal_deadline"],
                )
            except (StaleEdit, ValidationError) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(s)s已保存。") % {"s": session})
                return redirect("orgs:terms", org_id=organisation.pk)
        return _session_page(request, organisation, term, form, session=session, status=400)
    form = SessionForm(instance=session)
    return _session_page(request, organisation, term, form, session=session)


# --- 承办单位、界别、专门委员会 ----------------------------------------------------------


class _Kind:
    def __init__(self, model, form, tab, create, update, columns):
        self.model, self.form, self.tab = model, form, tab
        self.create, self.update, self.columns = create, update, columns


KINDS = {
    "departments": _Kind(
        Department,
        DepartmentForm,
        "departments",
        reference.department_create,
        reference.department_update,
        ("name", "phone", "leader_name"),
    ),
    "sectors": _Kind(
        Sector,
        SectorForm,
        "sectors",
        reference.sector_create,
        reference.sector_update,
        ("sort_order", "name"),
    ),
    "committees": _Kind(
        Committee,
        CommitteeForm,
        "committees",
        reference.committee_create,
        reference.committee_update,
        ("sort_order", "name", "kind"),
    ),
}


def _values(form, obj=None) -> dict:
    data = {name: form.cleaned_data[name] for name in form.guarded}
    if "sort_order" in data and data["sort_order"] is None:
        data["sort_order"] = obj.sort_order if obj is not None else None
    for name in ("phone", "leader_name"):
        if name in data:
            data[name] = data[name] or ""
    return data


def _kind(kind: str) -> _Kind:
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


@login_required
def listing(request, org_id: int, kind: str):
    """The organisation's units, sectors or committees, with the form to add one."""
    spec = _kind(kind)
    organisation = _organisation(request, org_id)
    status = 200
    form = spec.form()
    if request.method == "POST":
        form = spec.form(request.POST)
        if form.is_valid():
            try:
                obj = spec.create(organisation, actor=request.user, **_values(form))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("“%(name)s”已添加。") % {"name": obj.name})
                return redirect(f"orgs:{kind}", org_id=organisation.pk)
        status = 400
    rows = spec.model.objects.filter(organisation=organisation).order_by("sort_order", "pk")
    return render(
        request,
        f"orgs/reference/{kind}.html",
        {
            "organisation": organisation,
            "rows": rows,
            "form": form,
            "tab": kind,
            "edit_name": f"orgs:{kind[:-1]}_edit",
        },
        status=status,
    )


@login_required
def edit(request, kind: str, pk: int):
    spec = _kind(kind)
    obj = get_object_or_404(spec.model, pk=pk)
    organisation = _organisation(request, obj.organisation_id)
    status = 200
    if request.method == "POST":
        form = spec.form(request.POST, instance=obj)
        if form.is_valid():
            try:
                obj = spec.update(
                    obj.pk, actor=request.user, expected=form.expected(), **_values(form, obj)
                )
            except (StaleEdit, ValidationError) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("“%(name)s”已保存。") % {"name": obj.name})
                return redirect(f"orgs:{kind}", org_id=organisation.pk)
        status = 400
    else:
        form = spec.form(instance=obj)
    return render(
        request,
        "orgs/reference/edit.html",
        {
            "organisation": organisation,
            "obj": obj,
            "form": form,
            "tab": kind,
            "back": reverse(f"orgs:{kind}", args=[organisation.pk]),
        },
        status=status,
    )


@login_required
def department_active(request, pk: int):
    """停用 / 重新启用 a unit (POST `active` = 1 or 0)."""
    if request.method != "POST":
        raise Http404
    department = get_object_or_404(Department, pk=pk)
    organisation = _organisation(request, department.organisation_id)
    active = request.POST.get("active") == "1"
    try:
        reference.department_set_active(department.pk, actor=request.user, active=active)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request,
            (_("“%(name)s”已重新启用。") if active else _("“%(name)s”已停用，不再用于新的交办。"))
            % {"name": department.name},
        )
    return redirect("orgs:departments", org_id=organisation.pk)
