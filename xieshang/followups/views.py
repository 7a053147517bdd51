from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xieshang.core import access
from xieshang.core.audit import TransitionError, history
from xieshang.core.forms import add_service_errors, refused_first, run_action
from xieshang.core.params import choice_param, paginate, year_param
from xieshang.core.text import reader_date
from xieshang.orgs.forms import chosen_committee

from . import policies, selectors, services, subjects
from .forms import DecisionForm, ExtensionForm, FeedbackForm, InstructionForm, ReopenForm
from .instructions import targets as instruction_targets
from .models import Extension, Instruction, Referral, Task
from .picker_sources import recordable_item
from .referrals import kind_by_key as referral_kind_by_key
from .referrals import kinds as referral_kinds

STATES = [
    ("open", gettext_lazy("办理中")),
    ("overdue", gettext_lazy("已逾期")),
    ("extension", gettext_lazy("待审批延期")),
    ("submitted", gettext_lazy("已反馈待确认")),
    ("closed", gettext_lazy("已办结")),
]


def _refuse_outsiders(request) -> None:
    if not policies.works_on_followups(request.user):
        raise PermissionDenied


@login_required
def queue(request):
    _refuse_outsiders(request)
    # `status` is the name other list pages give their status filter: the same filter here.
    # A value the tabs do not offer is a 400, not silently the 办理中 tab.
    state = choice_param(
        request, "state", STATES, default="open", label=_("状态"), aliases=("status",)
    )
    records_for_leaders = policies.records_for_leaders(request.user)
    # A Party committee's or government's office decides the tasks set by the instructions it
    # recorded, and oversees the rest of its organisation's: on the tabs asking for a
    # decision it first sees its own (本机关交办), the whole list one click away (全部).
    scoped = (
        records_for_leaders
        and state in selectors.DECIDING_STATES
        and not access.can(request.user, "followups.manage")
    )
    own_office = scoped and request.GET.get("scope") != "all"
    # A city's or province's staff read the committees' below too (含下级政协) or only their own
    # committee's and its streets' (仅本级, where their home page's card leads).
    reaches_below = selectors.reaches_below(request.user)
    own_level = reaches_below and request.GET.get("level") == "own"
    page = paginate(
        request,
        selectors.task_queue(request.user, state=state, own_office=own_office, below=not own_level),
        50,
    )
    selectors.mark_time_left(page.object_list)
    return render(
        request,
        "followups/queue.html",
        {
            "page": page,
            "state": state,
            "states": STATES,
            "scoped": scoped,
            "own_office": own_office,
            "reaches_below": reaches_below,
            "own_level": own_level,
            "records_for_leaders": records_for_leaders,
        },
    )


def _get_task(request, pk: int) -> Task:
    task = (
        Task.objects.select_related("department", "organisation", "content_type", "requested_by")
        .filter(pk=pk)
        .first()
    )
    # Same answer for "no such task" and "not yours": existence does not leak.
    if task is None or not policies.can_view(request.user, task):
        raise Http404
    return task


def _subject(request, task):
    """What the task is about, when this user may open its page: the item itself, or the
    item a leader's instruction was given on."""
    subject = task.subject
    if isinstance(subject, Instruction):
        subject = subject.item
    return subject if subject is not None and subjects.openable(request.user, subject) else None


def _office_label(user, organisation):
    from xieshang.orgs.models import Role

    role = services.recording_role(user, organisation) if user is not None else ""
    return Role(role).label if role else ""


def _deciding_office(task):
    from xieshang.orgs.models import Role

    recorded = policies.recorded_by(task)
    return Role(recorded[0]).label if recorded else ""


def _render_detail(request, task, **forms):
    subject = _subject(request, task)
    extensions = list(task.extensions.select_related("requested_by", "decided_by"))
    selectors.mark_time_left([task])
    answer_page = services.own_answer_page(task)
    context = {
        "task": task,
        "feedback_list": task.feedback.select_related("author"),
        "extensions": extensions,
        # One request at a time: while one waits, the page says so instead of a second form.
        "extension_pending": any(e.status == Extension.Status.PENDING for e in extensions),
        "events": history(task).select_related("actor"),
        "can_answer": policies.can_answer(request.user, task),
        # A proposal's part (or a co-handler's view) is answered on the proposal's handling
        # page, not by a feedback typed here: the page says so instead of offering the form.
        "feedback_elsewhere": services.feedback_page_refusal(task, answer_page),
        "answer_page": answer_page,
        # What the feedback becomes, when its subject's owner says (a resident's issue).
        "feedback_note": subjects.feedback_note(task.subject),
        "can_manage": policies.can_manage(request.user, task),
        # A task set by an instruction the Party committee's or government's office recorded:
        # that office decides on it too (its extension requests, its feedback).
        "deciding_office": _deciding_office(task),
        "can_urge": policies.can_urge(request.user, task),
        # What the task is about, when it has a page (an outcome, a proposal, an issue):
        # the unit answers it with the text in front of it.
        "subject": subject,
        "subject_url": subjects.url_of(subject) if subject is not None else "",
        # Who asked, and as which office (a leader's instruction recorded by the Party
        # committee's office, a matter the CPPCC office handed on): whom the unit answers.
        "requester_office": _office_label(task.requested_by, task.organisation),
        "feedback_form": forms.get("feedback_form") or FeedbackForm(),
        "extension_form": forms.get("extension_form") or ExtensionForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        # The extension whose refused decision `decision_form` holds.
        "refused_extension": forms.get("refused_extension"),
    }
    status = 400 if forms else 200
    return render(request, "followups/detail.html", context, status=status)


@login_required
def detail(request, pk: int):
    return _render_detail(request, _get_task(request, pk))


def _act(request, task, action, form=None, form_name=None, success=""):
    return run_action(
        request,
        action,
        success=success,
        done=reverse("followups:detail", args=[task.pk]),
        form=form,
        rerender=lambda: _render_detail(request, task, **{form_name: form}),
    )


@login_required
@require_POST
def feedback(request, pk: int):
    task = _get_task(request, pk)
    form = FeedbackForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, task, feedback_form=form)
    return _act(
        request,
        task,
        lambda: services.feedback_from_page(
            task=task,
            text=form.cleaned_data["text"],
            document=form.cleaned_data.get("document"),
            actor=request.user,
        ),
        form,
        "feedback_form",
        success=_("书面反馈已提交。"),
    )


@login_required
@require_POST
def extension(request, pk: int):
    task = _get_task(request, pk)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, task, extension_form=form)
    return _act(
        request,
        task,
        lambda: services.extension_request(
            task=task,
            requested_due=form.cleaned_data["requested_due"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        ),
        form,
        "extension_form",
        success=_("延期申请已提交，等待审批。"),
    )


@login_required
@require_POST
def extension_decision(request, pk: int, ext_pk: int):
    task = _get_task(request, pk)
    ext = Extension.objects.filter(pk=ext_pk, task=task).first()
    if ext is None:
        raise Http404
    form = DecisionForm(request.POST)

    def again():
        # Refused (no reason for a refusal, a date gone by, decided meanwhile): the page
        # again, this request's buttons with the reason and the note kept.
        return _render_detail(request, task, decision_form=form, refused_extension=ext.pk)

    if not form.is_valid():
        return again()
    approve = form.cleaned_data["decision"] == "approve"
    return run_action(
        request,
        lambda: services.extension_decide(
            extension=ext, approve=approve, actor=request.user, note=form.cleaned_data["note"]
        ),
        success=_("已同意延期，办理期限改为%(due)s。") % {"due": reader_date(ext.requested_due)}
        if approve
        else _("已不同意延期，理由已告知承办单位。"),
        done=reverse("followups:detail", args=[task.pk]),
        form=form,
        rerender=again,
    )


@login_required
@require_POST
def close(request, pk: int):
    task = _get_task(request, pk)
    return _act(
        request,
        task,
        lambda: services.task_close(
            task=task,
            actor=request.user,
            note=request.POST.get("note", ""),
            expected_version=_posted_version(request),
        ),
        success=_("督办事项已办结。"),
    )


@login_required
@require_POST
def urge(request, pk: int):
    task = _get_task(request, pk)
    return _act(
        request,
        task,
        lambda: services.task_urge(
            task=task, actor=request.user, note=request.POST.get("note", "")[:500]
        ),
        success=_("已催办，承办单位将收到提醒。"),
    )


@login_required
@require_POST
def reopen(request, pk: int):
    task = _get_task(request, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, task, reopen_form=form)
    return _act(
        request,
        task,
        lambda: services.task_reopen(
            task=task,
            actor=request.user,
            note=form.cleaned_data["note"],
            working_days=form.cleaned_data["working_days"],
            expected_version=_posted_version(request),
        ),
        form,
        "reopen_form",
    )


def _posted_version(request) -> int | None:
    """The task's version the page showed (办结 and 退回 decide on the feedback read there);
    None from an older page, which is not checked."""
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


# --- Leaders' instructions (批示, C4.7) ------------------------------------------------------


def _get_item(request, target_key: str, pk: int):
    # The same gate as the form's department picker (picker_sources.recordable_item).
    return recordable_item(request.user, target_key, pk)


@login_required
def instruction_new(request, target: str, pk: int):
    """Record a leader's instruction on any registered item; on success back to the item's
    page (where the instructions panel shows it), on a refusal this page with what was
    typed."""
    target_obj, item = _get_item(request, target, pk)
    days = target_obj.working_days(item) if target_obj.working_days else None
    status = 200
    if request.method == "POST":
        form = InstructionForm(
            request.POST, target=target_obj, item=item, user=request.user, initial_days=days
        )
        if form.is_valid():
            try:
                services.instruction_record(item=item, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("领导批示已记录，并已交办落实单位。"))
                return redirect(target_obj.url(item.pk))
        status = 400
    else:
        form = InstructionForm(target=target_obj, item=item, user=request.user, initial_days=days)
    return render(
        request,
        "followups/instruction_form.html",
        {
            "form": form,
            "action": request.path,
            "item_url": target_obj.url(item.pk),
            "item_title": target_obj.title(item),
            "kind_label": target_obj.label,
        },
        status=status,
    )


INSTRUCTION_STATES = [
    ("", gettext_lazy("全部")),
    ("open", gettext_lazy("落实中")),
    ("overdue", gettext_lazy("已逾期")),
    ("answered", gettext_lazy("已反馈")),
]


@login_required
def instructions(request):
    """The supervising office's list of instructions and their units' task states."""
    _refuse_outsiders(request)
    year = year_param(request)
    state = choice_param(request, "state", INSTRUCTION_STATES, label=_("状态"))
    kinds = {t.key: t for t in instruction_targets()}
    kind = choice_param(
        request, "kind", [(key, t.label) for key, t in kinds.items()], label=_("事项类别")
    )
    content_type = ContentType.objects.get_for_model(kinds[kind].model) if kind else None
    qs = selectors.instruction_list(request.user, year=year, state=state, content_type=content_type)
    # Each item with its organisation: its owner's "may this user open it" reads it.
    items = GenericPrefetch(
        "item", [t.model.objects.select_related("organisation") for t in kinds.values()]
    )
    page = paginate(request, qs.prefetch_related(items), 50)
    tasks = services.instruction_tasks(page.object_list)
    labels = {ContentType.objects.get_for_model(t.model).pk: t.label for t in kinds.values()}
    answered = policies.answered_items(
        request.user, [(i.content_type_id, i.object_id) for i in page.object_list]
    )
    for instruction in page.object_list:
        instruction.kind_label = labels.get(instruction.content_type_id, "")
        # The office overseeing the units reads the list, not every item behind it (a 社情民意
        # item or a meeting of another office's): no link that 404s, as for the tasks. A unit
        # asked to answer reads the item (every owner's rule), without asking the owner.
        item = instruction.item
        openable = item is not None and (
            (instruction.content_type_id, instruction.object_id) in answered
            or subjects.openable(request.user, item)
        )
        instruction.item_url = subjects.url_of(item) if openable else ""
        instruction.task_list = tasks.get(instruction.pk, [])
        # A unit named beside others reads its own task, not theirs: no link that 404s.
        for task in instruction.task_list:
            task.openable = policies.can_view(request.user, task)
    selectors.mark_time_left(task for task_list in tasks.values() for task in task_list)
    this_year = timezone.localdate().year
    return render(
        request,
        "followups/instructions.html",
        {
            "page": page,
            "year": year,
            "years": range(this_year, this_year - 5, -1),
            "state": state,
            "states": INSTRUCTION_STATES,
            "kind": kind,
            "kinds": [(key, t.label) for key, t in kinds.items()],
            "records_for_leaders": policies.records_for_leaders(request.user),
        },
    )


RECEIVED_STATES = [
    ("", gettext_lazy("全部")),
    ("pending", gettext_lazy("本机关未记录批示")),
    ("instructed", gettext_lazy("本机关已记录批示")),
]


@login_required
def received(request):
    """报送本机关 · 待批示: the Party committee's or government's office finds what was sent
    or reported to it (key proposals, consultation reports, 社情民意 items), and records its
    leaders' instructions on each with the one form."""
    if not policies.records_for_leaders(request.user):
        raise PermissionDenied
    state = choice_param(request, "state", RECEIVED_STATES, label=_("状态"))
    kinds = {t.key: t for t in instruction_targets() if t.received is not None}
    kind = choice_param(
        request, "kind", [(key, t.label) for key, t in kinds.items()], label=_("事项类别")
    )
    year = year_param(request)
    rows = selectors.received_items(request.user, state=state, kind=kind, year=year)
    page = paginate(request, rows, 50)
    openable = subjects.openable_many(request.user, [row.item for row in page.object_list])
    for row in page.object_list:
        item = row.item
        row.title = row.target.title(item)
        row.url = subjects.url_of(item) if (type(item), item.pk) in openable else ""
        row.record_url = ""
        if row.target.can_record(request.user, item) and not row.target.check(item):
            row.record_url = reverse("followups:instruction_new", args=[row.target.key, item.pk])
    return render(
        request,
        "followups/received.html",
        {
            "page": page,
            "state": state,
            "states": RECEIVED_STATES,
            "kind": kind,
            "kinds": [(key, t.label) for key, t in kinds.items()],
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        },
    )


@login_required
def assessment(request):
    """The department assessment report (督查考核, C2.6 and C4.7): per department, the
    tasks due in the year, answered on time, late, missing; as a page, Excel or PDF."""
    _refuse_outsiders(request)
    this_year = timezone.localdate().year
    year = year_param(request, default=this_year)
    # A province office oversees thousands of units; one committee's are a page.
    org, switch = chosen_committee(request, "followups.view")
    title = _("%(year)s年度承办单位督办落实情况") % {"year": year}
    fmt = request.GET.get("format", "")
    if fmt == "pdf":
        from xieshang.core.pdf import heading, pdf_response, render_pdf

        named = org or access.home_organisation(request.user)
        # An official document is Chinese whatever the clerk's language: its title and the
        # rows' category and unit labels are built in Chinese too, not only the template.
        with translation.override(settings.LANGUAGE_CODE):
            units = selectors.assessment(request.user, year=year, organisation=org)
            doc_title = _("%(year)s年度承办单位督办落实情况") % {"year": year}
            content = render_pdf(
                "followups/pdf/assessment.html",
                {
                    "units": units,
                    **heading(named.name if named else "", doc_title, timezone.localdate()),
                },
            )
        return pdf_response(content, f"{title}.pdf")
    units = selectors.assessment(request.user, year=year, organisation=org)
    if fmt == "xlsx":
        return _assessment_xlsx(units, title, year)
    return render(
        request,
        "followups/assessment.html",
        {
            "units": units,
            "year": year,
            "years": range(this_year, this_year - 5, -1),
            "title": title,
            "switch": switch,
            "org": org,
        },
    )


def _assessment_xlsx(units, title: str, year: int):
    from xieshang.core.excel import Book, append_row, xlsx_response

    book = Book()
    ws = book.sheet(title, ASSESSMENT_HEADERS)
    for unit in units:
        append_row(ws, _assessment_cells(unit["name"], _("合计"), unit["total"]), bold=True)
        for category, counts in unit["categories"]:
            append_row(ws, _assessment_cells(unit["name"], category, counts))
    return xlsx_response(book.to_bytes(), f"{title}.xlsx", fallback=f"assessment-{year}.xlsx")


ASSESSMENT_HEADERS = [
    gettext_lazy("承办单位"),
    gettext_lazy("类别"),
    gettext_lazy("年度到期"),
    gettext_lazy("按时反馈"),
    gettext_lazy("逾期反馈"),
    gettext_lazy("逾期未反馈"),
    gettext_lazy("未到期"),
    gettext_lazy("按时反馈率（%）"),
]


def _assessment_cells(name, category, counts) -> list:
    return [
        name,
        category,
        counts["due"],
        counts["on_time"],
        counts["late"],
        counts["missing"],
        counts["pending"],
        counts["on_time_rate"] if counts["on_time_rate"] is not None else "",
    ]


REFERRAL_ACTIONS = {
    "adopt": (services.referral_adopt, gettext_lazy("已采用。")),
    "merge": (services.referral_merge, gettext_lazy("已编入本级刊物。")),
    "forward": (services.referral_forward, gettext_lazy("已转报上级政协。")),
    "return": (services.referral_return, gettext_lazy("已退回。")),
}


@login_required
def referrals(request):
    """上报 queue (C2.9) of the office of a node: what lower nodes sent up to it, with the
    buttons to adopt, merge, forward or return; and, on the other tab, what it sent up."""
    _refuse_outsiders(request)
    return _referrals_page(request)


# The queue's two tabs: what lower nodes sent up here, and what this node sent up.
DIRECTIONS = [("in", gettext_lazy("下级上报")), ("out", gettext_lazy("本级上报"))]


def _referrals_page(request, refused: Referral | None = None):
    """The queue; `refused` is a referral whose decision was refused (a colleague decided it
    meanwhile, say), carrying `refused_action`, `refused_note` and `refused_error`: its row
    comes first with its buttons, the reason and the note typed, whatever its state now;
    the page answers 400."""
    direction = choice_param(request, "direction", DIRECTIONS, default="in", label=_("方向"))
    # The 下级上报 tab opens on 待处理; its 全部 (an empty state) is every state.
    opens_on = "submitted" if direction == "in" and "state" not in request.GET else ""
    state = choice_param(
        request, "state", Referral.State.choices, default=opens_on, label=_("状态")
    )
    kinds = {k.key: k for k in referral_kinds()}
    kind = choice_param(
        request, "kind", [(key, k.label) for key, k in kinds.items()], label=_("事项类别")
    )
    content_type = ContentType.objects.get_for_model(kinds[kind].model) if kind else None
    qs = selectors.referral_queue(
        request.user, direction=direction, state=state, content_type=content_type
    )
    page = paginate(request, qs, 50)
    rows = refused_first(page.object_list, refused)
    labels = {ContentType.objects.get_for_model(k.model).pk: k for k in kinds.values()}
    for r in rows:
        k = labels.get(r.content_type_id)
        r.kind_label = k.label if k else ""
        r.item_url = k.url(r.object_id) if k else ""
        r.can_decide = bool(
            k and r.state == Referral.State.SUBMITTED and k.can_act(request.user, r.to_organisation)
        )
        r.can_forward = r.can_decide and bool(
            r.to_organisation.parent_id and r.to_organisation.parent.is_cppcc
        )
    return render(
        request,
        "followups/referrals.html",
        {
            "page": page,
            "rows": rows,
            "direction": direction,
            "state": state,
            "states": Referral.State.choices,
            "kind": kind,
            "kinds": [(key, k.label) for key, k in kinds.items()],
        },
        status=400 if refused is not None else 200,
    )


@login_required
@require_POST
def referral_new(request, kind: str, pk: int):
    """上报 a registered item to the parent CPPCC node; back to the item's page."""
    kind_obj = referral_kind_by_key(kind)
    item = kind_obj.model._default_manager.filter(pk=pk).first() if kind_obj else None
    if item is None or not kind_obj.applies(item):
        raise Http404
    if not kind_obj.can_act(request.user, kind_obj.organisation(item)):
        raise Http404
    try:
        services.referral_submit(item=item, actor=request.user)
    except (ValidationError, TransitionError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("已上报上级政协。"))
    return redirect(kind_obj.url(item.pk))


@login_required
@require_POST
def referral_decide(request, pk: int, action: str):
    """Adopt, merge, forward or return a referral (the receiving node's office)."""
    if action not in REFERRAL_ACTIONS:
        raise Http404
    referral = (
        Referral.objects.select_related("to_organisation", "content_type").filter(pk=pk).first()
    )
    if referral is None:
        raise Http404
    ct = referral.content_type
    kind_obj = referral_kind_by_key(f"{ct.app_label}.{ct.model}")
    if kind_obj is None or not kind_obj.can_act(request.user, referral.to_organisation):
        raise Http404
    service, done = REFERRAL_ACTIONS[action]
    note = request.POST.get("note", "")
    kwargs = {"reason": note} if action == "return" else {"note": note}
    back = request.POST.get("next", "")
    try:
        service(referral=referral, actor=request.user, **kwargs)
    except (ValidationError, TransitionError) as exc:
        # The queue again, this referral's row first with the reason and the note kept; also
        # from an item's own page, which cannot show a refused form of another app's panel.
        referral.refresh_from_db()
        referral.refused_action, referral.refused_note = action, note
        referral.refused_error = " ".join(getattr(exc, "messages", [str(exc)]))
        return _referrals_page(request, refused=referral)
    messages.success(request, str(done))
    if back == "item":
        return redirect(kind_obj.url(referral.object_id))
    return redirect("followups:referrals")
