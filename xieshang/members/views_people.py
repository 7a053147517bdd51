"""Pages around the members: talks and visits (C3.3), Party groups (C6.2), conveners (C5.5).

Each page is about one committee (the `organisation` query parameter for staff of several)
and its current term. Forms post to their own address; a refused form re-renders the page
with the user's input and the reasons, answering 400."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django.views.decorators.http import require_POST, require_safe

from xieshang.core import access, pii
from xieshang.core.audit import TransitionError
from xieshang.core.excel import Book, append_row, xlsx_response
from xieshang.core.forms import add_service_errors
from xieshang.core.params import paginate, year_param
from xieshang.core.phrases import Phrase

from . import contacts, conveners, partygroups, selectors
from .forms_people import (
    ActivityForm,
    AssignForm,
    ContactFilterForm,
    ContactForm,
    ConvenerForm,
    OrganisationForm,
    PartyGroupForm,
    ResidentForm,
    StreetConvenerForm,
)
from .models import ContactKind, HigherLevelMember, PartyGroupMember

PAGE_SIZE = 50


def _organisation(request, perm: str):
    access.require(request.user, perm)
    form = OrganisationForm(request.GET or None, user=request.user, perm=perm)
    org = form.selected()
    if org is None:
        raise PermissionDenied
    return form, org


def _back(name: str, org, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"organisation": org.pk, **params}.items())
    return f"{reverse(name)}?{query}"


# --- Talks and visits (C3.3) ----------------------------------------------------------------


@login_required
def contact_list(request):
    access.require(request.user, contacts.PERM)
    form = ContactFilterForm(request.GET or None, user=request.user)
    f = contacts.ContactFilter()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        f = contacts.ContactFilter(
            year=d["year"] or None,
            kind=d["kind"] or "",
            sector=d["sector"].pk if d["sector"] else None,
            q=(d["q"] or "").strip(),
        )
    rows = contacts.contact_rows(request.user, f)
    if form.is_bound and not form.is_valid():
        rows = rows.none()  # a bad filter shows nothing, not everything
    page = paginate(request, rows, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/people/contacts.html",
        {"form": form, "page": page, "query": query.urlencode(), "tab": "contacts"},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
def contact_create(request):
    access.require(request.user, contacts.PERM)
    initial = {"date": timezone.localdate(), "by_name": request.user.full_name}
    member_id = request.GET.get("member", "")
    if member_id.isdigit():
        initial["member"] = int(member_id)
    form = ContactForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            contact = contacts.contact_record(
                member=d["member"],
                kind=d["kind"],
                date=d["date"],
                by_name=d["by_name"],
                by_user=d["by_user"],
                place=d["place"],
                topic=d["topic"],
                raised=d["raised"],
                follow_up=d["follow_up"],
                followup_department=d["followup_department"],
                followup_days=d["followup_days"],
                actor=request.user,
            )
        except PermissionDenied:
            form.add_error("member", _("您不能为该委员登记记录。"))
        except (ValidationError, TransitionError) as exc:  # the follow-up engine refused
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已登记与%(name)s的%(kind)s。")
                % {"name": contact.member.name, "kind": contact.get_kind_display()},
            )
            return redirect("members:contacts")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "members/people/contact_form.html",
        {"form": form, "tab": "contacts"},
        status=status,
    )


def _report(request):
    org_form, org = _organisation(request, contacts.PERM)
    year = year_param(request, default=timezone.localdate().year)
    # The year's term: last year's report after a 换届 is about the old term's members.
    term = selectors.term_of_year(org, year)
    return org_form, org, year, term


@login_required
def contact_report(request):
    org_form, org, year, term = _report(request)
    context = {
        "org_form": org_form,
        "org": org,
        "year": year,
        "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
        "term": term,
        # A year before the first term: no one sat, and the page says so (not "no term set").
        "first_term_year": selectors.first_term_year(org) if term is None else None,
        "past": year < timezone.localdate().year,
        "tab": "report",
    }
    if term is not None:
        report = contacts.yearly_report(term, year)
        shows = access.can(request.user, "members.view_pii", org)
        for seat in report["not_contacted"]:
            seat.phone_display = seat.member.phone if shows else pii.mask_phone(seat.member.phone)
        unmasked = sum(1 for s in report["not_contacted"] if shows and s.member.phone)
        if unmasked:
            pii.log_access(
                actor=request.user,
                action="view",
                fields=["phone"],
                count=unmasked,
                organisation=org,
                # The year shown, not 本年度: the log is read in later years too.
                note=Phrase(N_("%(year)s年度未谈心谈话走访委员名单"), year=str(year)),
            )
        context["report"] = report
        context["kind_labels"] = [label for _v, label in ContactKind.choices]
    return render(request, "members/people/contact_report.html", context)


@login_required
@require_safe
def contact_report_export(request):
    org_form, org, year, term = _report(request)
    if term is None:
        raise Http404
    report = contacts.yearly_report(term, year)
    labels = [str(label) for _v, label in ContactKind.choices]
    # A past year's members are that year's (their seats may be 届满 now), not 在任.
    past = year < timezone.localdate().year
    book = Book()
    ws = book.sheet(
        _("按界别"),
        [
            _("界别"),
            *labels,
            _("合计"),
            _("该年度委员") if past else _("在任委员"),
            _("已联系委员"),
            _("覆盖率（%）"),
        ],
    )
    for row in report["sectors"]:
        append_row(
            ws,
            [
                row["label"],
                *row["counts"],
                row["total"],
                row["members"],
                row["contacted"],
                row["share"],
            ],
        )
    append_row(
        ws,
        [
            _("合计"),
            *[k["count"] for k in report["kinds"]],
            report["total"],
            report["members"],
            report["contacted"],
            round(report["contacted"] * 100 / report["members"], 1) if report["members"] else 0.0,
        ],
    )
    ws = book.sheet(
        _("该年度未联系委员") if past else _("本年度未联系委员"),
        [_("序号"), _("姓名"), _("界别"), _("党派")],
    )
    for i, seat in enumerate(report["not_contacted"], start=1):
        append_row(ws, [i, seat.member.name, str(seat.sector or ""), str(seat.party or "")])
    return xlsx_response(
        book.to_bytes(),
        _("%(year)s年领导联系委员.xlsx") % {"year": year},
        fallback=f"member-contacts-{year}.xlsx",
    )


# --- Party groups (C6.2) --------------------------------------------------------------------


def _party_page(request, org_form, org, *, group_form=None, assign_form=None, status=200):
    term = selectors.current_term(org)
    context = {"org_form": org_form, "org": org, "term": term, "tab": "party_groups"}
    if term is not None:
        seats = partygroups.coverage(term)
        gaps = sum(1 for s in seats if not s.covered)
        context.update(
            groups=list(partygroups.groups_of(term)),
            seats=seats,
            gaps=gaps,
            covered=len(seats) - gaps,
            group_form=group_form or PartyGroupForm(term=term),
            assign_form=assign_form or AssignForm(term=term),
        )
    return render(request, "members/people/party_groups.html", context, status=status)


@login_required
def party_groups(request):
    org_form, org = _organisation(request, partygroups.PERM)
    return _party_page(request, org_form, org)


def _party_post(request):
    org_form, org = _organisation(request, partygroups.PERM)
    access.require(request.user, partygroups.PERM, org)
    term = selectors.current_term(org)
    if term is None:
        raise Http404
    return org_form, org, term


@login_required
@require_POST
def party_group_create(request):
    org_form, org, term = _party_post(request)
    form = PartyGroupForm(request.POST, term=term)
    if form.is_valid():
        try:
            group = partygroups.party_group_create(
                organisation=org,
                term=term,
                name=form.cleaned_data["name"],
                leader=form.cleaned_data["leader"],
                actor=request.user,
            )
        except TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已建立党小组“%(name)s”。") % {"name": group.name})
            return redirect(_back("members:party_groups", org))
    return _party_page(request, org_form, org, group_form=form, status=400)


@login_required
@require_POST
def party_group_assign(request):
    org_form, org, term = _party_post(request)
    form = AssignForm(request.POST, term=term)
    if form.is_valid():
        seat, group = form.cleaned_data["seat"], form.cleaned_data["group"]
        try:
            partygroups.party_group_assign(group=group, seat=seat, actor=request.user)
        except TransitionError as exc:
            form.add_error("seat", str(exc))
        else:
            messages.success(
                request,
                _("已将%(name)s编入“%(group)s”。")
                % {"name": seat.member.name, "group": group.name},
            )
            return redirect(_back("members:party_groups", org))
    return _party_page(request, org_form, org, assign_form=form, status=400)


@login_required
@require_POST
def party_group_remove(request):
    org_form, org, term = _party_post(request)
    row_id = request.POST.get("row", "")
    row = (
        PartyGroupMember.objects.select_related("group", "membership__member")
        .filter(pk=int(row_id), group__term=term)
        .first()
        if row_id.isdigit() and len(row_id) < 12
        else None
    )
    if row is None:
        raise Http404
    partygroups.party_group_remove(row=row, actor=request.user)
    messages.success(
        request,
        _("已将%(name)s移出“%(group)s”。")
        % {"name": row.membership.member.name, "group": row.group.name},
    )
    return redirect(_back("members:party_groups", org))


@login_required
@require_safe
def party_groups_export(request):
    org_form, org = _organisation(request, partygroups.PERM)
    term = selectors.current_term(org)
    if term is None:
        raise Http404
    book = Book()
    ws = book.sheet(
        _("党员委员覆盖情况"), [_("序号"), _("姓名"), _("界别"), _("所在党小组"), _("是否覆盖")]
    )
    for i, seat in enumerate(partygroups.coverage(term), start=1):
        row = getattr(seat, "party_group_seat", None)
        append_row(
            ws,
            [
                i,
                seat.member.name,
                str(seat.sector or ""),
                row.group.name if row else "",
                _("已覆盖") if row else _("未编入"),
            ],
        )
    return xlsx_response(book.to_bytes(), _("委员党小组.xlsx"), fallback="party-groups.xlsx")


# --- Conveners (C5.5) -----------------------------------------------------------------------


def _convener_page(
    request,
    org_form,
    org,
    *,
    convener_form=None,
    street_form=None,
    activity_form=None,
    resident_form=None,
    status=200,
):
    term = selectors.current_term(org)
    year = timezone.localdate().year
    convener, is_default = conveners.convener_of(org, term) if term else (None, True)
    streets = list(conveners.streets_of(org))
    context = {
        "org_form": org_form,
        "org": org,
        "term": term,
        "tab": "conveners",
        "convener": convener,
        "convener_is_default": is_default,
        "residents": list(conveners.residents(org)),
        "streets": streets,
        "missing": [s for s in streets if not s.has_convener],
        "activities": list(conveners.activities(org)[:100]),
        "year": year,
        "street_form": street_form or StreetConvenerForm(organisation=org),
        "activity_form": activity_form or ActivityForm(organisation=org),
        "resident_form": resident_form or ResidentForm(organisation=org),
    }
    if term is not None:
        context["convener_form"] = convener_form or ConvenerForm(
            term=term, initial={"convener": convener.pk if convener else None}
        )
    return render(request, "members/people/conveners.html", context, status=status)


@login_required
def conveners_page(request):
    org_form, org = _organisation(request, conveners.PERM)
    return _convener_page(request, org_form, org)


def _convener_post(request):
    org_form, org = _organisation(request, conveners.PERM)
    access.require(request.user, conveners.PERM, org)
    return org_form, org


@login_required
@require_POST
def convener_set(request):
    org_form, org = _convener_post(request)
    term = selectors.current_term(org)
    if term is None:
        raise Http404
    form = ConvenerForm(request.POST, term=term)
    if form.is_valid():
        try:
            conveners.convener_set(
                organisation=org,
                term=term,
                convener=form.cleaned_data["convener"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except TransitionError as exc:
            form.add_error("convener", str(exc))
        else:
            messages.success(request, _("已设置住区上级政协委员召集人。"))
            return redirect(_back("members:conveners", org))
    return _convener_page(request, org_form, org, convener_form=form, status=400)


@login_required
@require_POST
def street_convener_set(request):
    org_form, org = _convener_post(request)
    form = StreetConvenerForm(request.POST, organisation=org)
    if form.is_valid():
        d = form.cleaned_data
        try:
            conveners.street_convener_set(
                street=d["street"],
                name=d["name"],
                title=d["title"],
                user=d["user"],
                actor=request.user,
            )
        except TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("已设置%(street)s政协工作召集人。") % {"street": d["street"].name}
            )
            return redirect(_back("members:conveners", org))
    return _convener_page(request, org_form, org, street_form=form, status=400)


@login_required
@require_POST
def convener_activity(request):
    org_form, org = _convener_post(request)
    form = ActivityForm(request.POST, organisation=org)
    if form.is_valid():
        d = form.cleaned_data
        try:
            conveners.activity_record(
                organisation=org,
                street=d["street"],
                date=d["date"],
                title=d["title"],
                place=d["place"],
                participants=d["participants"] or 0,
                summary=d["summary"],
                actor=request.user,
            )
        except TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已记录召集人活动。"))
            return redirect(_back("members:conveners", org))
    return _convener_page(request, org_form, org, activity_form=form, status=400)


@login_required
@require_POST
def resident_add(request):
    org_form, org = _convener_post(request)
    form = ResidentForm(request.POST, organisation=org)
    if form.is_valid():
        try:
            conveners.resident_add(
                organisation=org, member=form.cleaned_data["member"], actor=request.user
            )
        except TransitionError as exc:
            form.add_error("member", str(exc))
        else:
            messages.success(request, _("已添加住区上级政协委员。"))
            return redirect(_back("members:conveners", org))
    return _convener_page(request, org_form, org, resident_form=form, status=400)


@login_required
@require_POST
def resident_remove(request):
    org_form, org = _convener_post(request)
    row_id = request.POST.get("row", "")
    row = (
        HigherLevelMember.objects.select_related("member", "organisation")
        .filter(pk=int(row_id), organisation=org)
        .first()
        if row_id.isdigit() and len(row_id) < 12
        else None
    )
    if row is None:
        raise Http404
    conveners.resident_remove(row=row, actor=request.user)
    messages.success(request, _("已移出%(name)s。") % {"name": row.member.name})
    return redirect(_back("members:conveners", org))
