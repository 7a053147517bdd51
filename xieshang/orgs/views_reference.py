"""基础数据: the pages where a CPPCC committee's office (or the system administrator) sets up
its terms and sessions, handling units, sectors and special committees. The right is
`orgs.department_order` in the organisation whose data it is; only CPPCC committees have
these data (others: 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.audit import StaleEdit
from xieshang.core.forms import add_service_errors

from . import reference
from .forms_reference import SessionForm, TermForm
from .models import Organisation, Session, Term

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


# --- 届次与会次 ------------------------------------------------------------------------------


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
