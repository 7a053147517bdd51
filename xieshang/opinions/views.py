from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_POST, require_safe

from xieshang.core import access, page_keys
from xieshang.core.audit import StaleEdit, TransitionError, deleted_by, history
from xieshang.core.forms import add_service_errors, refusal_message
from xieshang.core.params import choice_param, paginate, year_param
from xieshang.core.pdf import pdf_response, render_pdf
from xieshang.core.text import chinese_date
from xieshang.core.years import closing_year
from xieshang.followups.services import can_report_further_up

from . import policies, selectors, services
from .forms import (
    AdoptionEditForm,
    AdoptionForm,
    AdoptionVoidForm,
    IssueForm,
    NoteForm,
    OpinionForm,
    ReportForm,
)
from .models import Adoption, AdoptionLevel, Issue, Opinion
from .similarity import similar_opinions

S = Opinion.Status
STATES = [
    (S.SUBMITTED.value, gettext_lazy("待审核")),
    (S.ACCEPTED.value, gettext_lazy("待编发")),
    (S.PUBLISHED.value, gettext_lazy("已编发")),
    (S.REPORTED.value, pgettext_lazy("opinion status", "已报送")),
    (S.RETURNED.value, gettext_lazy("退回修改")),
    (S.REJECTED.value, gettext_lazy("不予录用")),
    (S.MERGED.value, gettext_lazy("已合并")),
]


def _get(request, pk: int) -> Opinion:
    opinion = Opinion.objects.select_related(
        "organisation", "issue", "reported_to", "merged_into"
    ).filter(pk=pk)
    opinion = opinion.first()
    # Same answer for "no such item" and "not yours": existence does not leak.
    if opinion is None or not policies.can_view(request.user, opinion):
        raise Http404
    return opinion


def _member_org(request):
    member = policies.member_of(request.user)
    if member is not None:
        return member.organisation
    orgs = access.organisations(request.user, "opinions.submit")
    org = access.home_organisation(request.user)
    if org is None or not orgs.filter(pk=org.pk).exists():
        raise PermissionDenied
    return org


@login_required
def mine(request):
    # A former member still reads their own items (no new one: `can_submit`).
    can_write = policies.can_submit(request.user)
    if not can_write and policies.member_of(request.user) is None:
        raise PermissionDenied
    page = paginate(request, selectors.my_opinions(request.user), 30)
    return render(request, "opinions/mine.html", {"page": page, "can_write": can_write})


@login_required
def received(request):
    """报送党委 / 报送政府: what the CPPCC office sent the Party committee's or the
    government's office this user works in."""
    if not policies.receives(request.user):
        raise PermissionDenied
    page = paginate(request, selectors.received(request.user), 30)
    return render(request, "opinions/received.html", {"page": page})


# The new-item page's key (core.page_keys).
PAGE_KEY = "opinions.create"


@login_required
def create(request):
    if not policies.can_submit(request.user):
        raise PermissionDenied
    # This page already created its item (the back button brought the page back with the
    # text typed in): the post goes into that item, not into a second one.
    if (
        request.method == "POST"
        and (response := page_keys.post_into_saved(request, PAGE_KEY, Opinion, edit)) is not None
    ):
        return response
    organisation = _member_org(request)
    staff = access.can(request.user, "opinions.manage", organisation)
    form = OpinionForm(request.POST or None, organisation=organisation, staff=staff)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            opinion = services.opinion_create(organisation=organisation, actor=request.user, **data)
            page_keys.remember(request, PAGE_KEY, opinion.pk, opinion.version)
            if request.POST.get("action") == "submit":
                services.opinion_submit(opinion=opinion, actor=request.user)
                messages.success(request, _("已提交，请等待政协办公室审核。"))
            else:
                _say_saved(request, opinion, _("草稿已保存。"))
            return redirect("opinions:detail", opinion.pk)
        except (ValidationError, TransitionError) as exc:
            form.add_error(None, refusal_message(exc))
    # Empty on a fresh page: proposals.js fills it in (core.page_keys).
    draft_key = page_keys.posted(request)
    return _new_item_page(request, form, draft_key, 400 if request.method == "POST" else 200)


def _say_saved(request, opinion: Opinion, saved: str) -> None:
    """ "Saved", and for a draft over the length limit how much to cut before submitting
    (saved all the same: the limit is the submission's)."""
    if too_long := services.over_limit(opinion):
        messages.warning(request, f"{saved}{too_long}")
    else:
        messages.success(request, saved)


def _new_item_page(request, form, draft_key: str, status: int):
    """The new-item page (it posts to 新建 whichever address showed it)."""
    return render(
        request,
        "opinions/form.html",
        {
            "form": form,
            "title": _("撰写社情民意信息"),
            "can_submit_now": True,
            "draft_key": draft_key,
            "new_page": True,
        },
        status=status,
    )


def _deleted_draft_form(request):
    """The author saved a draft they had deleted in another window meanwhile: the typed text
    comes back as a new item's page, saved only when the author says so (not a 404 that
    would lose it)."""
    if not policies.can_submit(request.user):
        raise Http404
    organisation = _member_org(request)
    staff = access.can(request.user, "opinions.manage", organisation)
    data = request.POST.copy()
    data.pop("version", None)
    form = OpinionForm(data, organisation=organisation, staff=staff)
    form.is_valid()
    form.add_error(
        None, _("这份草稿已在其他窗口删除。您填写的内容仍在下面，保存即成为一份新草稿。")
    )
    return _new_item_page(request, form, "", 409)


def _edit_refusal(user, opinion: Opinion) -> str:
    """Why the item cannot be edited now, and what to do (the author may withdraw it)."""
    if opinion.status == S.SUBMITTED and policies.is_author(user, opinion):
        return _(
            "这篇信息已提交，正等待政协办公室审核，不能再修改；需要修改的，请先在信息页面撤回。"
        )
    return _("这篇信息当前为“%(status)s”，不能再修改。") % {"status": opinion.get_status_display()}


@login_required
def edit(request, pk: int):
    try:
        opinion = _get(request, pk)
    except Http404:
        # Only when the item is not there: an ordinary save does not ask the audit trail.
        if request.method == "POST" and deleted_by(
            request.user, Opinion, pk, "opinion.draft_delete"
        ):
            return _deleted_draft_form(request)
        raise
    staff = policies.can_manage(request.user, opinion)
    if not (staff or policies.is_author(request.user, opinion)):
        raise Http404
    # A POST still goes to the service, which refuses it with the text kept (the item was
    # submitted from another window meanwhile, say); a page that could not be saved is not
    # offered.
    if request.method != "POST" and not policies.can_edit(request.user, opinion):
        messages.error(request, _edit_refusal(request.user, opinion))
        return redirect("opinions:detail", opinion.pk)
    form = OpinionForm(
        request.POST or None,
        instance=opinion if request.method != "POST" else Opinion.objects.get(pk=opinion.pk),
        organisation=opinion.organisation,
        staff=staff,
        initial={"version": opinion.version},
    )
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            # The item as saved: the length warning below describes the text just stored.
            opinion = services.opinion_update(
                opinion=opinion,
                actor=request.user,
                expected_version=form.cleaned_data.get("version") or 0,
                **values,
            )
            if request.POST.get("action") == "submit":
                services.opinion_submit(opinion=opinion, actor=request.user)
                messages.success(request, _("已提交，请等待政协办公室审核。"))
            else:
                _say_saved(request, opinion, _("已保存。"))
            return redirect("opinions:detail", opinion.pk)
        except PermissionDenied:
            # Submitted from another window meanwhile, say: what was typed stays on the page.
            current = Opinion.objects.get(pk=opinion.pk)
            form.add_error(
                None,
                [_edit_refusal(request.user, current), _("本页填写的内容仍保留，尚未保存。")],
            )
        except StaleEdit as exc:
            add_service_errors(form, exc)
        except (ValidationError, TransitionError) as exc:
            form.add_error(None, refusal_message(exc))
    return render(
        request,
        "opinions/form.html",
        {
            "form": form,
            "opinion": opinion,
            "title": _("修改社情民意信息"),
            "can_submit_now": opinion.status in (S.DRAFT, S.RETURNED)
            and policies.is_author(request.user, opinion),
        },
        status=400 if request.method == "POST" else 200,
    )


# The item's long texts: an edit of one shows its two versions folded on the history.
LONG_TEXTS = ("facts", "analysis", "suggestions")


def _with_changes(events) -> list:
    """The events, each edit (opinion.edit) with `changes`: (label, before, after, long) per
    field in the form's order, labels in the reader's language. An edit recorded with only
    its fields' names (a draft's, or before the earlier text was kept) has no versions."""
    events = list(events)
    sources = dict(Opinion.SourceType.choices)
    for event in events:
        changed = (event.data or {}).get("changed") if event.verb == "opinion.edit" else None
        if not isinstance(changed, dict):
            continue
        rows = []
        for name in services.EDITABLE_FIELDS:
            if name not in changed:
                continue
            old, new = (list(changed[name]) + ["", ""])[:2]
            if name == "source_type":
                old, new = sources.get(old, old), sources.get(new, new)
            label = Opinion._meta.get_field(name).verbose_name
            rows.append((label, old, new, name in LONG_TEXTS))
        event.changes = rows
    return events


def _render_detail(request, opinion, status=200, **forms):
    manage = policies.can_manage(request.user, opinion)
    upward = policies.can_manage_upward(request.user, opinion)
    local = policies.reports_locally(request.user, opinion)
    similar = []
    if manage and opinion.status == S.SUBMITTED:
        similar = similar_opinions(opinion.organisation, opinion.full_text, exclude_pk=opinion.pk)
    adoptions = list(opinion.adoptions.all())
    if manage or upward:
        # Each adoption's 更正 and 撤销 forms; the one refused is shown again as typed.
        for adoption in adoptions:
            adoption.edit_form = forms.get(f"edit{adoption.pk}") or AdoptionEditForm.of(adoption)
            adoption.void_form = forms.get(f"void{adoption.pk}") or AdoptionVoidForm.of(adoption)
    context = {
        "opinion": opinion,
        "authors": opinion.authors.all(),
        "adoptions": adoptions,
        "events": _with_changes(history(opinion).select_related("actor")),
        "reads_record": policies.reads_record(request.user, opinion),
        "is_author": policies.is_author(request.user, opinion),
        "can_manage": manage,
        "can_record": manage or upward,
        # One action per destination: the item's own office reports to its Party committee
        # and government here, and up the tree with the 上报情况 panel; an office above
        # reports further up here only once nothing waits at its node (the panel's buttons
        # decide what does).
        "can_report": (local and manage and opinion.status in (S.PUBLISHED, S.REPORTED))
        or (upward and not local and can_report_further_up(request.user, opinion)),
        "reports_locally": local,
        "similar": similar,
        "merge_states": services.MERGE_TARGET_STATES,
        "note_form": forms.get("note_form") or NoteForm(),
        "submit_form": forms.get("submit_form"),
        "report_form": forms.get("report_form") or ReportForm(local=local),
        "adoption_form": forms.get("adoption_form") or AdoptionForm(),
        "today": timezone.localdate(),
    }
    return render(request, "opinions/detail.html", context, status=status)


@login_required
def detail(request, pk: int):
    return _render_detail(request, _get(request, pk))


def _run(request, opinion, action, success: str, form=None, form_name: str = ""):
    try:
        action()
    except PermissionDenied:
        raise
    except (ValidationError, TransitionError) as exc:
        if form is not None:
            form.add_error(None, refusal_message(exc))
            return _render_detail(request, opinion, status=400, **{form_name: form})
        messages.error(request, refusal_message(exc))
        return redirect("opinions:detail", opinion.pk)
    messages.success(request, success)
    return redirect("opinions:detail", opinion.pk)


def _merge_target(request, opinion: Opinion) -> Opinion:
    """The item to merge into, one of the same organisation the user may see (else 404)."""
    try:
        pk = int(request.POST.get("into", ""))
    except ValueError:
        raise Http404 from None
    into = Opinion.objects.filter(pk=pk, organisation=opinion.organisation).first()
    if into is None or not policies.can_view(request.user, into):
        raise Http404
    return into


@login_required
@require_POST
def decide(request, pk: int, action: str):
    opinion = _get(request, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    user = request.user
    actions = {
        "submit": (
            lambda: services.opinion_submit(opinion=opinion, actor=user),
            _("已提交，请等待政协办公室审核。"),
        ),
        "withdraw": (
            lambda: services.opinion_withdraw(opinion=opinion, actor=user),
            _("已撤回，可修改后重新提交。"),
        ),
        "accept": (
            lambda: services.opinion_accept(opinion=opinion, actor=user, note=note),
            _("已录用。"),
        ),
        "return": (
            lambda: services.opinion_return(opinion=opinion, actor=user, note=note),
            _("已退回修改。"),
        ),
        "reject": (
            lambda: services.opinion_reject(opinion=opinion, actor=user, reason=note),
            _("已作不予录用处理。"),
        ),
    }
    if action == "delete":
        try:
            services.opinion_delete_draft(opinion=opinion, actor=user)
        except TransitionError as exc:
            messages.error(request, refusal_message(exc))
            return redirect("opinions:detail", opinion.pk)
        messages.success(request, _("草稿已删除。"))
        return redirect("opinions:mine")
    if action == "merge":
        into = _merge_target(request, opinion)
        actions["merge"] = (
            lambda: services.opinion_merge(opinion=opinion, into=into, actor=user, note=note),
            _("已合并至《%(title)s》。") % {"title": into.title},
        )
    if action not in actions:
        raise Http404
    run, success = actions[action]
    # The author's submit has a form of its own on the page (its button), apart from the review.
    form_name = "submit_form" if action in ("submit", "withdraw") else "note_form"
    return _run(request, opinion, run, success, form, form_name)


@login_required
@require_POST
def report(request, pk: int):
    opinion = _get(request, pk)
    form = ReportForm(request.POST, local=policies.reports_locally(request.user, opinion))
    if not form.is_valid():
        return _render_detail(request, opinion, status=400, report_form=form)
    data = form.cleaned_data
    return _run(
        request,
        opinion,
        lambda: services.opinion_report(
            opinion=opinion,
            actor=request.user,
            upward=data.get("upward", False),
            party=data.get("party", False),
            government=data.get("government", False),
        ),
        _("已报送。"),
        form,
        "report_form",
    )


@login_required
@require_POST
def adopt(request, pk: int):
    opinion = _get(request, pk)
    form = AdoptionForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, opinion, status=400, adoption_form=form)
    try:
        services.adoption_record(opinion=opinion, actor=request.user, **form.cleaned_data)
    except (ValidationError, TransitionError) as exc:
        # A date out of range lands on the date field, the rest on top of the form.
        add_service_errors(form, exc)
        return _render_detail(request, opinion, status=400, adoption_form=form)
    messages.success(request, _("采用情况已记录。"))
    return redirect("opinions:detail", opinion.pk)


def _adoption_of(request, pk: int, adoption_pk: int) -> tuple[Opinion, Adoption]:
    opinion = _get(request, pk)
    adoption = Adoption.objects.filter(pk=adoption_pk, opinion=opinion).first()
    if adoption is None:
        raise Http404
    return opinion, adoption


def _correct(request, opinion, adoption, form, key: str, action, success: str):
    """Run a correction of an adoption; refused, the page again with the form as typed."""
    if form.is_valid():
        try:
            action(form.cleaned_data.get("version") or 0)
        except PermissionDenied:
            raise
        except (ValidationError, TransitionError, StaleEdit) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("opinions:detail", opinion.pk)
    return _render_detail(request, opinion, status=400, **{key: form})


@login_required
@require_POST
def adoption_edit(request, pk: int, adoption_pk: int):
    """更正 a recorded adoption (its date, level, mode or unit), with a reason."""
    opinion, adoption = _adoption_of(request, pk, adoption_pk)
    form = AdoptionEditForm.of(adoption, request.POST)

    def action(version):
        values = {k: form.cleaned_data[k] for k in services.ADOPTION_FIELDS}
        services.adoption_update(
            adoption=adoption,
            actor=request.user,
            expected_version=version,
            reason=form.cleaned_data["reason"],
            **values,
        )

    return _correct(
        request, opinion, adoption, form, f"edit{adoption.pk}", action, _("采用情况已更正。")
    )


@login_required
@require_POST
def adoption_void(request, pk: int, adoption_pk: int):
    """撤销 a recorded adoption, with a reason."""
    opinion, adoption = _adoption_of(request, pk, adoption_pk)
    form = AdoptionVoidForm.of(adoption, request.POST)

    def action(version):
        services.adoption_void(
            adoption=adoption,
            actor=request.user,
            expected_version=version,
            reason=form.cleaned_data["reason"],
        )

    return _correct(
        request, opinion, adoption, form, f"void{adoption.pk}", action, _("采用情况已撤销。")
    )


@login_required
@require_POST
def instruct(request, pk: int):
    """The old address of the instruction form: the one form of followups answers it."""
    from xieshang.followups.views import instruction_new

    return instruction_new(request, target="opinions.opinion", pk=pk)


def _accepted(request):
    return selectors.office_queue(request.user, state=S.ACCEPTED)


@login_required
def queue(request):
    if not access.can(request.user, "opinions.manage"):
        raise PermissionDenied
    state = choice_param(request, "state", STATES, default=S.SUBMITTED, label=_("状态"))
    qs = selectors.office_queue(request.user, state=state)
    page = paginate(request, qs, 50)
    issue_form = IssueForm(queryset=_accepted(request)) if state == S.ACCEPTED else None
    return render(
        request,
        "opinions/queue.html",
        {"page": page, "state": state, "states": STATES, "issue_form": issue_form},
    )


@login_required
@require_POST
def issue_create(request):
    if not access.can(request.user, "opinions.manage"):
        raise PermissionDenied
    form = IssueForm(request.POST, queryset=_accepted(request))
    if form.is_valid():
        chosen = list(form.cleaned_data["opinions"])
        orgs = {o.organisation_id for o in chosen}
        if len(orgs) != 1:
            form.add_error(None, _("一期只能编发同一政协的信息。"))
        else:
            try:
                issue = services.issue_publish(
                    organisation=chosen[0].organisation,
                    opinions=chosen,
                    actor=request.user,
                    editor_note=form.cleaned_data["editor_note"],
                )
                messages.success(request, _("已编发%(issue)s。") % {"issue": issue})
                return redirect("opinions:issue", issue.pk)
            except (ValidationError, TransitionError) as exc:
                form.add_error(None, refusal_message(exc))
    page = Paginator(_accepted(request), 50).get_page(1)
    return render(
        request,
        "opinions/queue.html",
        {
            "page": page,
            "state": S.ACCEPTED,
            "states": STATES,
            "issue_form": form,
            # The rows the editor ticked stay ticked, so only the stale one needs a look.
            "ticked": set(request.POST.getlist("opinions")),
        },
        status=400,
    )


def _get_issue(request, pk: int) -> Issue:
    issue = (
        Issue.objects.filter(access.org_filter(request.user, "opinions.view"), pk=pk)
        .select_related("organisation")
        .first()
    )
    if issue is None:
        raise Http404
    return issue


@login_required
def issues(request):
    if not access.can(request.user, "opinions.view"):
        raise PermissionDenied
    qs = Issue.objects.filter(access.org_filter(request.user, "opinions.view")).select_related(
        "organisation"
    )
    page = paginate(request, qs, 30)
    return render(request, "opinions/issues.html", {"page": page})


@login_required
def issue(request, pk: int):
    found = _get_issue(request, pk)
    items = found.opinions.prefetch_related(selectors.AUTHORS).order_by("pk")
    return render(request, "opinions/issue.html", {"issue": found, "items": items})


@login_required
@require_safe
def issue_pdf(request, pk: int):
    found = _get_issue(request, pk)
    items = list(found.opinions.prefetch_related(selectors.AUTHORS).order_by("pk"))
    # Official documents are Chinese whatever the page language (core.pdf).
    with translation.override("zh-hans"):
        for item in items:
            item.author_names = _("、").join(a.name for a in item.authors.all()) or item.source_body
        context = {
            "masthead": _("社情民意"),
            "doc_number": _("%(year)s年第%(n)s期") % {"year": found.year, "n": found.number},
            "doc_title": _("社情民意信息"),
            "issuer": _("%(org)s办公室") % {"org": found.organisation.name},
            "issue_date": chinese_date(found.published_on),
            "issue": found,
            "items": items,
            **selectors.bulletin_particulars(found),
        }
    content = render_pdf("opinions/pdf/issue.html", context)
    # The committee's name first: a city office keeps its districts' issues side by side.
    return pdf_response(
        content, f"{found.organisation.name}社情民意{found.year}年第{found.number}期.pdf"
    )


@login_required
def upward(request):
    if not access.can(request.user, "opinions.manage"):
        raise PermissionDenied
    page = paginate(request, selectors.upward_queue(request.user), 50)
    return render(request, "opinions/upward.html", {"page": page})


def _year(request) -> int:
    # Year-end figures: in January and February the year just ended (`core.years`), as the
    # yearly summary linked from the page; a year asked for is kept.
    return year_param(request, default=closing_year())


@login_required
def stats(request):
    if not access.can(request.user, "opinions.view"):
        raise PermissionDenied
    year = _year(request)
    rows = selectors.statistics(request.user, year=year)
    levels = AdoptionLevel.choices
    from .charts import adoption_chart
    from .summary import user_summary

    # The chart's totals are the yearly summary's (items, not per-author credits); the
    # export's 年度合计 sheet writes the same figures.
    totals = user_summary(request.user, year)
    undisclosed = selectors.undisclosed_count(request.user, year=year)
    # Items per sector, each once in a sector (not the member rows added up).
    sectors = selectors.sector_totals(request.user, year=year)
    if request.GET.get("format") == "xlsx":
        return _stats_xlsx(rows, sectors, levels, year, totals, undisclosed)
    this_year = timezone.localdate().year
    return render(
        request,
        "opinions/stats.html",
        {
            "rows": rows,
            "sectors": sectors,
            "adoption_chart": adoption_chart(totals) if totals.received else None,
            "levels": levels,
            "undisclosed": undisclosed,
            "year": year,
            "years": range(this_year, this_year - 5, -1),
        },
    )


def _stats_xlsx(rows, sectors, levels, year: int, totals, undisclosed: int = 0) -> HttpResponse:
    from xieshang.core.excel import Book, append_row, xlsx_response

    header = [
        pgettext("one member", "委员"),
        _("界别"),
        pgettext("opinions submitted", "报送"),
        _("录用编发"),
    ]
    header += [_("%(level)s采用") % {"level": label} for _v, label in levels]
    header.append(_("获批示"))
    book = Book()
    ws = book.sheet(_("委员"), header, min_width=0)
    for row in rows:
        append_row(
            ws,
            [row["name"], row["sector"] or "", row["submitted"], row["accepted"]]
            + [row[f"adopted_{value}"] for value, _label in levels]
            + [row["instructed"]],
        )
    sector_sheet = book.sheet(_("界别"), header[1:], min_width=0)
    for row in sectors:
        append_row(
            sector_sheet,
            [row["sector"], row["submitted"], row["accepted"]]
            + [row[f"adopted_{value}"] for value, _label in levels]
            + [row["instructed"]],
        )
    # The year's totals as the page's chart and sentence give them: items, each counted once
    # however many authors it has (the 委员 sheet credits every author).
    year_sheet = book.sheet(_("年度合计"), [_("项目"), _("篇数")], min_width=0)
    for label, value in [
        (pgettext("opinions submitted", "报送"), totals.received),
        (_("录用编发"), totals.accepted),
        *[(_("%(level)s采用") % {"level": row.label}, row.items) for row in totals.levels],
        (_("获领导批示"), totals.instructed),
        # As the page says: counted above, listed in neither table.
        *([(_("其中下级政协尚未录用（不列委员）"), undisclosed)] if undisclosed else []),
    ]:
        append_row(year_sheet, [label, value])
    return xlsx_response(
        book.to_bytes(),
        _("%(year)s年社情民意信息统计.xlsx") % {"year": year},
        fallback=f"opinions-{year}.xlsx",
    )
