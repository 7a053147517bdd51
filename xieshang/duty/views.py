from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from xieshang.core import access, page_keys
from xieshang.core import exports as core_exports
from xieshang.core.audit import StaleEdit, TransitionError, history
from xieshang.core.forms import SAVE_AGAIN, add_service_errors, refuse_stale, refused_first
from xieshang.core.params import id_param, paginate, year_param
from xieshang.core.pdf import heading, pdf_response, render_pdf
from xieshang.core.text import chinese_date
from xieshang.core.years import closing_year
from xieshang.members.contacts import contacts_of_member
from xieshang.members.models import Member
from xieshang.orgs.models import Level

from . import exports, policies, selectors, services
from .forms import (
    CaseDecisionForm,
    CertificateForm,
    CommitteeChoiceForm,
    EntryDecisionForm,
    ExitDecisionForm,
    ManualEntryForm,
    ScoreRuleForm,
    VerifyForm,
)
from .models import Certificate, DisciplineCase, DutyKind, DutyRecord, ExitProposal
from .sources import link_sources

EVALUATION_PER_PAGE = 30
CASES_PER_PAGE = 50


def _year(request) -> int:
    return year_param(request, default=timezone.localdate().year)


def _evaluation_year(request) -> int:
    # Until the end of February the office is evaluating the year just ended (scores,
    # grades, commendation), not the new one with a few weeks of records (`core.years`).
    return year_param(request, default=closing_year())


def _evaluated_year(request, org) -> tuple[int, int | None]:
    """The evaluation's year (`_evaluation_year`), refused (400, as a year that is no
    number) when it is before the committee's first term (`term_of_year` is None): no one
    sat that year, and an empty list would not say why. With the year of the first term
    (None without any), which the year selector starts at and the message names."""
    year = _evaluation_year(request)
    first = selectors.first_term_year(org)
    if first is not None and year < first and not request.GET.get("year", "").strip():
        # A committee whose first term was seated this January opens on this year.
        return first, first
    if first is not None and year < first:
        raise BadRequest(
            _("%(org)s%(year)s年尚无届次，没有可考核的委员：年份应不早于%(first)s年。")
            % {"org": org.name, "year": year, "first": first}
        )
    return year, first


def _office_org(request):
    org = policies.office_organisation(request.user)
    if org is None:
        raise PermissionDenied
    return org


def _file_context(request, member, year):
    years, first_term_year = selectors.report_years(member.organisation, year)
    score = selectors.scores(member.organisation, year, [member.pk])[member.pk]
    # A member who left during the year keeps the file, but not a grade the evaluation
    # never gives them.
    selectors.leave_out(score, selectors.left_seat(member, year), year)
    start, end = selectors.year_range(year)
    records = list(
        DutyRecord.objects.filter(member=member, date__gte=start, date__lte=end)
        .order_by("kind", "-date", "-id")
        .prefetch_related("attachments")
    )
    # Each record links its source's page (a meeting, a proposal…) when the reader may open it.
    link_sources(request.user, records)
    labels = dict(DutyKind.choices)
    groups = []
    for kind in DutyKind.values:
        rows = [r for r in records if r.kind == kind]
        if rows:
            qty, points = score.by_kind.get(kind, (0, 0))
            groups.append({"label": labels[kind], "records": rows, "points": points})
    return {
        "member": member,
        "year": year,
        "years": years,
        # A year before the committee's first term: no seat, so no grade (not 不称职).
        "first_term_year": first_term_year,
        "score": score,
        "groups": groups,
        "cases": member.discipline_cases.all()[:20],
        # Talks and visits about this member only (C3.3), in the chosen year like the rest
        # of the file.
        "contacts": contacts_of_member(member).filter(date__gte=start, date__lte=end)[:50],
    }


@login_required
def my_file(request):
    member = policies.member_of(request.user)
    if member is None:
        if policies.office_organisation(request.user) is not None:
            return redirect("duty:evaluation")
        raise Http404
    context = _file_context(request, member, _year(request))
    context["own"] = True
    return render(request, "duty/file.html", context)


@login_required
def member_file(request, pk: int):
    member = Member.objects.select_related("organisation").filter(pk=pk).first()
    if member is None or not policies.can_view_member(request.user, member):
        raise Http404
    context = _file_context(request, member, _year(request))
    context["own"] = policies.member_of(request.user) == member
    context["can_record"] = not context["own"] and policies.can_manage(
        request.user, member.organisation
    )
    return render(request, "duty/file.html", context)


@login_required
def entry_new(request):
    member = policies.member_of(request.user)
    if member is None:
        raise Http404
    return _entry_page(
        request,
        member,
        services.manual_entry_submit,
        _("已报送，办公室审核确认后计入履职档案。"),
        done=redirect("duty:my_file"),
    )


@login_required
def entry_for_member(request, pk: int):
    """代录: the office enters a member's duty fact, confirmed at once."""
    member = Member.objects.select_related("organisation").filter(pk=pk).first()
    if member is None or not policies.can_manage(request.user, member.organisation):
        raise Http404
    return _entry_page(
        request,
        member,
        services.manual_entry_record,
        _("已登记，计入该委员的履职档案。"),
        done=redirect("duty:member_file", pk=member.pk),
        for_member=member,
    )


# The entry page's key (core.page_keys): which record the page already sent.
ENTRY_PAGE_KEY = "duty.entry"


def _entry_page(request, member, save, success: str, *, done, for_member=None):
    """The one duty-entry form: a member's own report, or the office's entry for them."""
    if request.method == "POST" and (saved := page_keys.saved(request, ENTRY_PAGE_KEY)):
        if DutyRecord.objects.filter(pk=saved[0], member=member).exists():
            # The page already sent its entry (the back button brought it back with the
            # text typed in): one fact is one record, not two for the office to confirm.
            messages.info(request, _("本页填写的履职记录已经报送过，没有重复报送。"))
            return done
    form = ManualEntryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = save(member=member, actor=request.user, **form.entry())
        except ValidationError as exc:
            if "confirm_duplicate" in getattr(exc, "error_dict", {}):
                # The fact is in the file already: said on top, 仍要提交 asked at the button.
                form.add_error(None, exc.message_dict["confirm_duplicate"])
                form.ask_duplicate()
            elif hasattr(exc, "error_dict"):  # the files, refused by the service
                add_service_errors(form, exc)
            else:  # the year is settled
                form.add_error("date", exc.messages)
        else:
            page_keys.remember(request, ENTRY_PAGE_KEY, entry.pk, 0)
            messages.success(request, success)
            return done
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "for_member": for_member, "draft_key": page_keys.posted(request)}
    return render(request, "duty/entry_form.html", context, status=status)


def _entries_page(request, org, *, refused=None, refused_form=None):
    """The office's queue of members' own entries. `refused` is an entry whose decision was
    refused (a colleague decided it meanwhile, say): its row comes first, with the reason
    and the note that was typed, whatever its state now; the page answers 400."""
    pending = refused_first(
        DutyRecord.objects.filter(organisation=org, status=DutyRecord.Status.PENDING)
        .select_related("member")
        .prefetch_related("attachments")
        .order_by("date", "id"),
        refused,
    )
    # 疑似重复: a row telling a fact the member's file holds already (another row here, or
    # a record confirmed before), flagged with a link to it so it is not confirmed twice.
    repeats = selectors.duplicate_records(pending)
    listed = {e.pk for e in pending}
    for e in pending:
        e.repeats = repeats.get(e.pk, [])
        for other in e.repeats:
            other.listed = other.pk in listed
    return render(
        request,
        "duty/entries.html",
        {
            "entries": pending,
            "form": EntryDecisionForm(),
            "refused": refused,
            "refused_form": refused_form,
        },
        status=400 if refused is not None else 200,
    )


@login_required
def entries(request):
    return _entries_page(request, _office_org(request))


@login_required
@require_POST
def entry_decide(request, pk: int):
    org = _office_org(request)
    entry = DutyRecord.objects.filter(pk=pk, organisation=org).first()
    if entry is None:
        raise Http404
    form = EntryDecisionForm(request.POST)
    approve = request.POST.get("action") == "approve"
    if form.is_valid():
        try:
            services.manual_entry_decide(
                entry_id=entry.pk,
                actor=request.user,
                approve=approve,
                note=form.cleaned_data["note"],
            )
        except (TransitionError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已确认。") if approve else _("已退回。"))
            return redirect("duty:entries")
    entry = DutyRecord.objects.select_related("member").get(pk=entry.pk)
    return _entries_page(request, org, refused=entry, refused_form=form)


def _evaluation_committee(request) -> tuple[CommitteeChoiceForm, object]:
    """The committee whose evaluation is read: the office's own, or one below it that an
    office above chooses (`?organisation=`, read only: duty.view reaches down)."""
    own = _office_org(request)
    form = CommitteeChoiceForm(request.GET, user=request.user, own=own)
    return form, form.committee()


def _evaluation_filter(request) -> dict:
    """The evaluation's filters, the same for the page and its export: one sector
    (`?sector=`) and/or only the members below the minimum duty requirements
    (`?minimum=unmet`)."""
    return {
        "sector_id": id_param(request, "sector", label=_("界别")),
        "unmet": request.GET.get("minimum") == "unmet",
    }


def _evaluation_sort(request) -> str:
    """score (the default), name (surname strokes, the official order) or pinyin."""
    sort = request.GET.get("sort")
    return sort if sort in selectors.EVALUATION_NAME_SORTS else "score"


@login_required
def evaluation(request):
    form, org = _evaluation_committee(request)
    year, first = _evaluated_year(request, org)
    sort = _evaluation_sort(request)
    chosen = _evaluation_filter(request)
    # Scores are computed for the whole term in a fixed number of queries (the sort needs
    # them all); only the page's rows are rendered, so a phone never gets a 20,000 px page.
    # The filters are applied to those rows in memory: no query more.
    term_rows = selectors.evaluation_rows(org, year, sort)
    rows = selectors.filter_evaluation(term_rows, **chosen)
    page = paginate(request, rows, EVALUATION_PER_PAGE)
    from .charts import score_distribution

    return render(
        request,
        "duty/evaluation.html",
        {
            "page": page,
            "distribution": score_distribution(org, rows) if rows else None,
            "year": year,
            "sort": sort,
            "sectors": selectors.evaluation_sectors(term_rows),
            "sector_id": chosen["sector_id"],
            "unmet": chosen["unmet"],
            "filtered": chosen["sector_id"] is not None or chosen["unmet"],
            "organisation": org,
            "own": org.pk == form.own.pk,
            # A city or province office reads the evaluation of the committees below.
            "committee_form": form if form.own.level in (Level.PROVINCE, Level.CITY) else None,
            # The year is still running: scores so far, no grades yet (issue 11).
            "provisional": not selectors.year_ended(year),
            "minimum_labels": [label for _k, label in selectors.minimum_duty_labels(org)],
            # The last five years, none before the committee's first term.
            "years": selectors.report_years(org, year, first=first)[0],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def evaluation_export(request):
    from xieshang.core.excel import Book, append_row, xlsx_response

    form, org = _evaluation_committee(request)
    if form.errors:
        raise PermissionDenied
    year, _first = _evaluated_year(request, org)
    # In the page's order: sorted by name on the page, by name in the file.
    sort = _evaluation_sort(request)
    rows = selectors.filter_evaluation(
        selectors.evaluation_rows(org, year, sort), **_evaluation_filter(request)
    )
    minimum = [label for _k, label in selectors.minimum_duty_labels(org)]
    book = Book()
    ws = book.sheet(
        _("履职考核"),
        [_("姓名"), _("界别"), _("得分"), _("等级"), _("得分段"), *minimum, _("最低履职要求")],
    )
    # The bands of the page's chart, half-open: 80 is in ≥80且<90 only.
    bands = selectors.score_bands(rows[0][1].thresholds) if rows else []
    for membership, score in rows:
        append_row(
            ws,
            [
                membership.member.name,
                membership.sector.name if membership.sector else "",
                float(score.total),
                score.grade,
                selectors.band_label(bands, score.total),
                *[_("是") if met else _("否") for _label, met in score.minimum],
                _("达到") if score.minimum_met else _("未达到"),
            ],
        )
    return xlsx_response(
        book.to_bytes(),
        _("%(org)s%(year)s年委员履职考核.xlsx") % {"org": org.name, "year": year},
        fallback=f"duty-evaluation-{year}.xlsx",
    )


def _stale_rows(forms) -> tuple[list, str]:
    """A score table saved meanwhile, in another tab or by someone else. Each row both
    changed says what it is now and carries its current version, so that saving again,
    having looked, keeps what this user typed (`core.forms.refuse_stale`). The rows this
    user did not touch are shown afresh as they are now."""
    from .models import ScoreRule

    current = {r.pk: r for r in ScoreRule.objects.filter(pk__in=[rule.pk for rule, _f in forms])}
    shown = []
    for rule, form in forms:
        now = current.get(rule.pk, rule)
        if not form.touched():
            form = _rule_form(now)
        elif now.version != form.cleaned_data["version"]:
            refuse_stale(form, StaleEdit(current_version=now.version))
            # Saved meanwhile in another tab as often as by someone else: never "他人".
            form.stale_note = _("现已保存为：每项%(points)s分，上限%(cap)s。") % {
                "points": now.points,
                "cap": now.cap if now.cap is not None else _("不限"),
            }
        shown.append((now, form))
    # The table shows no form's own errors: the shared wording goes on top of the page.
    return shown, f"{StaleEdit()} {SAVE_AGAIN}"


def _rule_form(rule, data=None):
    return ScoreRuleForm(
        data,
        prefix=f"r{rule.pk}",
        initial={"points": rule.points, "cap": rule.cap, "version": rule.version},
    )


@login_required
def rules_edit(request):
    org = _office_org(request)
    year = _year(request)
    table = selectors.ensure_rules(org, year)
    bound = request.method == "POST"
    forms = [(rule, _rule_form(rule, request.POST if bound else None)) for rule in table]
    settled = policies.settling_commendation(org.pk, year)
    if settled is not None and not bound:
        for _rule, form in forms:  # shown as they stand, not as something to edit
            for field in form.fields.values():
                field.disabled = True
    error = ""
    if bound:
        if all(f.is_valid() for _r, f in forms):
            changes = {
                rule.pk: (
                    f.cleaned_data["version"],
                    f.cleaned_data["points"],
                    f.cleaned_data["cap"],
                )
                for rule, f in forms
                if f.touched()
            }
            try:
                n = services.rules_update(
                    organisation=org, year=year, actor=request.user, changes=changes
                )
            except StaleEdit:
                forms, error = _stale_rows(forms)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, _("已保存%(n)d项修改。") % {"n": n})
                return redirect(f"{request.path}?year={year}")
        else:
            error = _("请更正下列错误。")
    from xieshang.core.models import Event

    events = Event.objects.filter(organisation=org, verb="duty.rules_update").select_related(
        "actor"
    )[:20]
    return render(
        request,
        "duty/rules.html",
        {
            "forms": forms,
            "year": year,
            "error": error,
            "events": events,
            "settled": settled,
        },
        status=400 if error else 200,
    )


@login_required
def cases(request):
    org = policies.office_organisation(request.user)
    status = request.GET.get("status", "")
    if org is not None:
        qs = exports.case_rows(request)
    else:
        # A member reads their own cases; the chairman's meeting the cases of the
        # organisations it confirms revocations for (`policies.can_view_case`), read only.
        member = policies.member_of(request.user)
        confirming = access.grant_paths(request.user, "duty.award_approve")
        if member is None and not confirming:
            raise Http404
        qs = DisciplineCase.objects.none()
        if confirming:
            qs = access.scope(DisciplineCase.objects.all(), request.user, "duty.award_approve")
        if member is not None:
            qs = qs | DisciplineCase.objects.filter(member=member)
        qs = qs.order_by("-created_at", "-id")
    if status not in DisciplineCase.Status.values:
        status = ""
    page = paginate(request, qs.select_related("member"), CASES_PER_PAGE)
    return render(
        request,
        "duty/cases.html",
        {
            "page": page,
            "cases": page.object_list,
            "manage": org is not None,
            "status": status,
            "statuses": DisciplineCase.Status.choices,
        },
    )


@login_required
@require_safe
def cases_export(request):
    return core_exports.respond(request, "duty.cases")


def _get_case(request, pk):
    case = DisciplineCase.objects.select_related("member", "organisation").filter(pk=pk).first()
    if case is None:
        raise Http404
    if not policies.can_view_case(request.user, case):
        raise Http404
    return case


def _render_case(request, case, *, form=None, exit_form=None, status=200):
    manage = policies.can_manage(request.user, case.organisation)
    proposal = (
        ExitProposal.objects.filter(case=case)
        .select_related("membership__term", "meeting", "decided_by")
        .first()
    )
    events = list(history(case).select_related("actor"))
    if proposal is not None:
        # The exit's own events, and the seat's revocation once the meeting confirmed it.
        seat = history(proposal.membership).filter(verb="membership.revoke")
        events = sorted(
            events + list(history(proposal).select_related("actor")) + list(seat),
            key=lambda e: (e.created_at, e.pk),
            reverse=True,
        )
    may_decide_exit = (
        manage
        and proposal is not None
        and proposal.status == ExitProposal.Status.PENDING
        and access.can(request.user, "members.edit", case.organisation)
    )
    if may_decide_exit and exit_form is None:
        exit_form = ExitDecisionForm(
            organisation=case.organisation, initial={"decided_on": timezone.localdate()}
        )
    return render(
        request,
        "duty/case.html",
        {
            "case": case,
            "manage": manage,
            "form": form or CaseDecisionForm(),
            "proposal": proposal,
            # A refused decision (passed in) is shown again with its reason and what was
            # typed, though a proposal decided meanwhile offers no form any more.
            "exit_form": exit_form,
            "events": events,
        },
        status=status,
    )


@login_required
def case_detail(request, pk: int):
    case = _get_case(request, pk)
    manage = policies.can_manage(request.user, case.organisation)
    form = CaseDecisionForm(request.POST or None)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.case_decide(
                    case_id=case.pk,
                    actor=request.user,
                    decision=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                )
            except TransitionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已记录处理结果。"))
                return redirect("duty:case", case.pk)
    return _render_case(request, case, form=form, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def case_exit(request, pk: int):
    """The office records the chairman's meeting's decision on the revocation proposal of a
    case (C5.10): confirmed, the seat ends; declined, nothing changes."""
    case = _get_case(request, pk)
    if not (
        policies.can_manage(request.user, case.organisation)
        and access.can(request.user, "members.edit", case.organisation)
    ):
        raise PermissionDenied
    proposal = ExitProposal.objects.filter(case=case).first()
    if proposal is None:
        raise Http404
    form = ExitDecisionForm(request.POST, organisation=case.organisation)
    if form.is_valid():
        try:
            services.exit_decide(
                proposal_id=proposal.pk,
                actor=request.user,
                confirm=form.cleaned_data["decision"] == "confirm",
                decided_on=form.cleaned_data["decided_on"],
                note=form.cleaned_data["note"],
                meeting=form.cleaned_data["meeting"],
            )
        except TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已记录主席会议决定。"))
            return redirect("duty:case", case.pk)
    return _render_case(request, case, exit_form=form, status=400)


@login_required
def certificate(request):
    member = policies.member_of(request.user)
    if member is None:
        raise Http404
    return _certificate(request, member)


@login_required
def member_certificate(request, pk: int):
    """A member's certificate issued by the office of the member's organisation, from the
    member's file: the employer or the member asks the office, often for a member who is not
    at a computer. Anyone else (an office of another committee) finds no such page."""
    member = Member.objects.select_related("organisation").filter(pk=pk).first()
    if member is None or not policies.can_issue_certificate(request.user, member):
        raise Http404
    return _certificate(request, member)


def _certificate(request, member):
    own = policies.member_of(request.user) == member
    today = timezone.localdate()
    form = CertificateForm(
        request.POST or None,
        initial={"start_date": today.replace(month=1, day=1), "end_date": today},
    )
    if request.method == "POST" and form.is_valid():
        start, end = form.cleaned_data["start_date"], form.cleaned_data["end_date"]
        cert, records = services.certificate_issue(
            member=member, actor=request.user, start=start, end=end
        )
        # An official document is Chinese whatever language the member browses in: its
        # title is built in Chinese too, not only the template.
        with translation.override(settings.LANGUAGE_CODE):
            content = render_pdf(
                "duty/certificate_pdf.html",
                {
                    **heading(member.organisation.name, _("参加政协活动证明"), today),
                    "member": member,
                    "cert": cert,
                    "records": records,
                    "start": chinese_date(start),
                    "end": chinese_date(end),
                    "verify_url": request.build_absolute_uri("/portal/verify/"),
                },
            )
        # Named as the annual report is: an employer's clerk files several members' at once.
        name = _("参加政协活动证明-%(name)s.pdf") % {"name": member.name}
        return pdf_response(content, name, inline=False)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "duty/certificate_form.html",
        {"form": form, "member": member, "own": own},
        status=status,
    )


def verify(request):
    """Public: check a certificate code. Shows the name, period and count, nothing else."""
    form = VerifyForm(request.GET or None)
    cert = None
    checked = False
    if form.is_bound and form.is_valid():
        checked = True
        cert = (
            Certificate.objects.select_related("member", "organisation")
            .filter(code=form.cleaned_data["code"])
            .first()
        )
    return render(request, "duty/verify.html", {"form": form, "cert": cert, "checked": checked})
