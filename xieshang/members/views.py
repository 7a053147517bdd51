"""Members pages: list, detail, create/edit, exits, Excel import and export, checks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from xieshang.core import access, jobs, pii, regions
from xieshang.core.audit import StaleEdit, TransitionError, verb_label
from xieshang.core.excel import xlsx_response
from xieshang.core.forms import add_service_errors
from xieshang.core.jobs import Job
from xieshang.core.params import paginate
from xieshang.core.text import labelled
from xieshang.orgs.forms import chosen_committee

from . import excel, exports, imports, selectors, services
from .forms import ImportForm, MemberFilterForm, MemberForm, StatusForm
from .models import Gender, Membership

PAGE_SIZE = 50


def _pii_checker(user):
    """A function member → may this user see their personal data unmasked? (No queries:
    access caches the user's roles.)"""
    return lambda member: access.can(user, "members.view_pii", member.organisation)


def _xlsx(content: bytes, name: str) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d")
    return xlsx_response(content, f"{name}-{stamp}.xlsx", fallback=f"members-{stamp}.xlsx")


def _get_member(user, pk: int, perm: str = "members.view"):
    member = selectors.member_for_user(user, pk, perm)
    if member is None:
        raise Http404
    return member


@login_required
def member_list(request):
    access.require(request.user, "members.view")
    user = request.user

    def build():
        form = MemberFilterForm(request.GET or None, user=user)
        filters = form.to_filter() if form.is_bound else selectors.MemberFilter()
        rows = selectors.membership_pages(user, filters, categories=False)
        page = paginate(
            request,
            rows,
            PAGE_SIZE,
            count=lambda: selectors.membership_count(user, filters),
        )
        shows = _pii_checker(user)
        unmasked = 0
        for seat in page.object_list:
            # Joined here, not by a loop in the template: the same text, a fraction of the
            # work for 50 rows.
            seat.committee_names = _("、").join(c.name for c in seat.committees.all()) or "—"
            if shows(seat.member):
                seat.phone_display = seat.member.phone
                unmasked += 1 if seat.member.phone else 0
            else:
                seat.phone_display = pii.mask_phone(seat.member.phone)
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_edit": access.can(user, "members.edit"),
            "can_import": access.can(user, "members.import"),
            "can_export": access.can(user, "members.export"),
            "export_is_own_only": not access.same_scope(user, "members.export", "members.view"),
        }
        # A filter the form refuses (group=-1e30) is the caller's mistake: the page still
        # shows, with the form's message, but answers 400 like every other odd query.
        status = 400 if form.is_bound and not form.is_valid() else 200
        return "members/_list.html", context, {"unmasked": unmasked, "status": status}

    # The rows, the form and the counts are kept by core.regions while nothing is written;
    # the phone numbers shown unmasked are audited on every request, kept or not.
    region = regions.cached(request, "members.list", build, templates=LIST_TEMPLATES)
    if region.extra["unmasked"]:
        pii.log_access(
            actor=user,
            action="view",
            fields=["phone"],
            count=region.extra["unmasked"],
            organisation=access.home_organisation(user),
            note=_("委员名单"),
        )
    return render(request, "members/list.html", {"region": region}, status=region.extra["status"])


LIST_TEMPLATES = ("members/_list.html", "includes/pagination.html")


@login_required
@require_safe
def member_export(request):
    """The list as Excel; a large one becomes a background job with a progress page."""
    access.require(request.user, "members.export")
    rows = exports.rows(request.user, request.GET)
    total = rows.count()
    if total > jobs.export_threshold():
        job = jobs.start(
            kind=exports.KIND,
            owner=request.user,
            organisation=access.home_organisation(request.user),
            params={"query": request.GET.urlencode()},
            total=total,
        )
        return redirect("job", pk=job.pk)
    content = exports.workbook(request.user, list(rows))
    return _xlsx(content, "委员名单")


FIELD_LABELS = {
    "name": gettext_lazy("姓名"),
    "gender": gettext_lazy("性别"),
    "ethnicity": gettext_lazy("民族"),
    "birth_date": gettext_lazy("出生日期"),
    "id_number": gettext_lazy("身份证号"),
    "phone": gettext_lazy("手机号码"),
    "address": gettext_lazy("家庭住址"),
    "employer": gettext_lazy("工作单位及职务"),
    "education": gettext_lazy("学历"),
    "email": gettext_lazy("电子邮箱"),
    "street": gettext_lazy("居住街道"),
    "sector": gettext_lazy("界别"),
    "party": gettext_lazy("党派"),
    "activity_group": gettext_lazy("活动小组"),
    "is_standing": gettext_lazy("常委"),
    "position": gettext_lazy("政协职务"),
    "start_date": gettext_lazy("任职开始日期"),
    "committees": gettext_lazy("所在专委会"),
    "categories": gettext_lazy("联系类别"),
}


def _history_rows(events) -> list[dict]:
    statuses = dict(Membership.Status.choices)
    gender = dict(Gender.choices)
    rows = []
    for e in events:
        changes = []
        for key, pair in (e.data or {}).get("changed", {}).items():
            old, new = (pair + ["", ""])[:2]
            if key == "gender":
                old, new = gender.get(old, old), gender.get(new, new)
            changes.append((FIELD_LABELS.get(key, key), old, new))
        rows.append(
            {
                "event": e,
                "label": verb_label(e.verb),
                "from": statuses.get(e.from_state, e.from_state),
                "to": statuses.get(e.to_state, e.to_state),
                "changes": changes,
            }
        )
    return rows


@login_required
def member_detail(request, pk: int):
    return _detail_page(request, _get_member(request.user, pk))


def _detail_page(request, member, *, refused_seat_pk=None, refused_form=None):
    """The member's page. `refused_form` is a refused exit of the seat `refused_seat_pk` (a
    colleague recorded one meanwhile, say): shown again on that seat with its reason and
    what was typed, whatever the seat's state now; the page answers 400."""
    memberships = selectors.memberships_of(member)
    show_pii = access.can(request.user, "members.view_pii", member.organisation)
    personal = pii.personal_data(actor=request.user, subject=member, show=show_pii)
    can_edit = access.can(request.user, "members.edit", member.organisation)
    status_form = StatusForm() if can_edit else None
    for seat in memberships:
        seat.exit_form = refused_form if seat.pk == refused_seat_pk else status_form
    return render(
        request,
        "members/detail.html",
        {
            "member": member,
            "memberships": memberships,
            "personal": personal,
            "show_pii": show_pii,
            "history": _history_rows(selectors.member_history(member, memberships)[:100]),
            "can_edit": can_edit,
            "status_form": status_form,
            "active": Membership.Status.ACTIVE,
        },
        status=400 if refused_form is not None else 200,
    )


@login_required
def member_create(request):
    access.require(request.user, "members.edit")
    form = MemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        org = form.cleaned_data["organisation"]
        access.require(request.user, "members.edit", org)
        try:
            member = services.member_create(
                organisation=org, term=form.term, data=form.to_input(), actor=request.user
            )
        except IntegrityError:
            form.add_error("id_number", _("该身份证号已登记在本政协的其他委员名下。"))
        else:
            messages.success(request, _("已新增委员“%(name)s”。") % {"name": member.name})
            return redirect("members:detail", pk=member.pk)
    # A refused POST (invalid, duplicate ID) answers 400 like every other form.
    status = 400 if request.method == "POST" else 200
    return render(request, "members/form.html", {"form": form, "member": None}, status=status)


@login_required
def member_edit(request, pk: int):
    member = _get_member(request.user, pk)
    access.require(request.user, "members.edit", member.organisation)
    form = MemberForm(request.POST or None, user=request.user, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(
                member=member,
                term=form.term,
                expected_version=form.cleaned_data["version"],
                data=form.to_input(),
                actor=request.user,
            )
        except StaleEdit as exc:
            add_service_errors(form, exc)
        except IntegrityError:
            form.add_error("id_number", _("该身份证号已登记在本政协的其他委员名下。"))
        else:
            messages.success(request, _("已保存委员“%(name)s”的信息。") % {"name": member.name})
            return redirect("members:detail", pk=member.pk)
    # A refused POST, a stale version included, answers 400 with the input kept.
    status = 400 if request.method == "POST" else 200
    return render(request, "members/form.html", {"form": form, "member": member}, status=status)


@login_required
@require_POST
def membership_status(request, pk: int, membership_pk: int):
    member = _get_member(request.user, pk)
    access.require(request.user, "members.edit", member.organisation)
    seat = member.memberships.filter(pk=membership_pk).first()
    if seat is None:
        raise Http404
    form = StatusForm(request.POST)
    if form.is_valid():
        service = services.EXIT_SERVICES[form.cleaned_data["to"]]
        try:
            service(
                membership=seat,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                on_date=form.cleaned_data["on_date"],
            )
        except TransitionError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已记录委员状态变更。"))
            return redirect("members:detail", pk=member.pk)
    else:
        errors = _("；").join(
            labelled(form.fields[k].label, " ".join(v)) for k, v in form.errors.items()
        )
        form.add_error(None, _("状态未变更：%(e)s") % {"e": errors})
    # Refused (the seat ended meanwhile, say): the page again, the reason and input kept.
    return _detail_page(request, member, refused_seat_pk=seat.pk, refused_form=form)


@login_required
def member_import(request):
    """Check the upload quickly and queue it; the worker reads and writes the rows."""
    access.require(request.user, "members.import")
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        org = form.cleaned_data["organisation"]
        access.require(request.user, "members.import", org)
        term = selectors.current_term(org)
        if term is None:
            form.add_error(None, _("该政协尚未设置届次，请先由系统管理员添加本届。"))
        else:
            job = imports.import_start(
                organisation=org,
                term=term,
                upload=form.cleaned_data["file"],
                rows_total=form.rows_total,
                actor=request.user,
            )
            return redirect("members:import_job", pk=job.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "members/import.html", {"form": form}, status=status)


@login_required
def import_job(request, pk: int):
    """The job's progress (polled by htmx until it ends), then its errors or result. Only
    staff who may import into the job's organisation see it; others get 404."""
    job = Job.objects.select_related("organisation").filter(pk=pk, kind=imports.KIND).first()
    if job is None or not access.can(request.user, "members.import", job.organisation):
        raise Http404
    if not job.finished and imports.fail_stale_jobs():
        job.refresh_from_db()
    context = {
        "job": job,
        "poll_url": reverse("members:import_job", args=[job.pk]),
        "errors": job.problems if job.status == Job.Status.FAILED else [],
    }
    if request.htmx:
        return render(request, "core/_job_progress.html", context)
    return render(request, "members/import_job.html", context)


@login_required
@require_safe
def import_template(request):
    access.require(request.user, "members.import")
    org_id = request.GET.get("organisation")
    orgs = selectors.cppcc_organisations(request.user, "members.import")
    org = (orgs.filter(pk=org_id).first() if org_id and org_id.isdigit() else None) or orgs.first()
    if org is None:
        raise PermissionDenied
    return _xlsx(excel.import_template(org), "委员导入模板")


# --- Checks (C4.11, C5.6) and composition (C3.5, C5.4) -------------------------------------


def _checks_context(request):
    """(switcher, committee, its current term): one committee at a time, the user's own
    first; an office above switches to a committee below (`?org=`, searched), as on the
    follow-up assessment page. A district office has no switcher."""
    access.require(request.user, "checks.view")
    org, switch = chosen_committee(request, "checks.view", levels=selectors.CPPCC_LEVELS)
    if org is None:
        raise PermissionDenied
    term = selectors.current_term(org)
    return switch, org, term


@login_required
def checks(request):
    switch, org, term = _checks_context(request)
    context = {"switch": switch, "org": org, "term": term}
    if term is not None:
        context["no_committee"] = list(selectors.members_without_committee(term))
        comp = selectors.composition(term)
        context["composition"] = comp
        context["tables"] = [
            ("sector", _("按界别"), comp["sector"]),
            ("party", _("按党派"), comp["party"]),
            ("category", _("按联系类别"), comp["category"]),
        ]
    context["streets"] = list(selectors.streets_missing_liaison(org))
    context["street_total"] = selectors.street_count(org)
    context["below"] = selectors.streets_missing_below(org)
    # The exports follow the committee shown.
    context["query"] = f"org={org.pk}" if switch is not None else ""
    return render(request, "members/checks.html", context)


# The composition tables' exports: the sheet's name, after the committee and term in the
# file's name.
COMPOSITION_EXPORTS = {
    "sector": gettext_lazy("委员构成按界别"),
    "party": gettext_lazy("委员构成按党派"),
    "category": gettext_lazy("委员构成按联系类别"),
}


@login_required
@require_safe
def checks_export(request, table: str):
    """The checks page's tables as Excel, in the reader's language as the page itself and
    the other exports (sheet name, headers, values, 合计 and the file's name); the names of
    streets, sectors and parties are the organisation's own."""
    _switch, org, term = _checks_context(request)
    yes, no = _("有"), _("无")
    if table == "streets":
        rows = [
            [s.name, str(s.parent or ""), yes if s.has_liaison else no, yes if s.has_room else no]
            for s in selectors.streets_missing_liaison(org)
        ]
        content = excel.table_workbook(
            _("缺联络员或联络室的街道"),
            [_("街道"), _("所属"), _("联络员"), _("委员联络室")],
            rows,
        )
        return _xlsx(content, _("街道联络检查"))
    if term is None:
        raise Http404
    if table == "no_committee":
        rows = [
            [i, s.member.name, str(s.sector or ""), str(s.party or "")]
            for i, s in enumerate(selectors.members_without_committee(term), start=1)
        ]
        content = excel.table_workbook(
            _("未入专委会的委员"), [_("序号"), _("姓名"), _("界别"), _("党派")], rows
        )
        return _xlsx(content, _("未入专委会委员"))
    if table not in COMPOSITION_EXPORTS:
        raise Http404
    title = COMPOSITION_EXPORTS[table]
    comp = selectors.composition(term)
    rows = [[r["label"], r["count"], r["share"]] for r in comp[table]]
    rows.append([_("合计"), comp["total"], 100.0 if comp["total"] else 0.0])
    content = excel.table_workbook(str(title), [_("类别"), _("人数"), _("占比（%）")], rows)
    name = _("%(org)s%(term)s%(title)s") % {"org": org.name, "term": term, "title": title}
    return _xlsx(content, name)
