"""Pages of consultation work: the office dashboard, topics and the annual plan.

Activities, outcomes and party-consultation plans are in `views_activities.py`. Every
action is a POST that validates a form and calls one service; a refused action re-renders
the page (status 400) with what the user typed and the service's message. Rows outside the
user's scope answer 404, the same as rows that do not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from xieshang.core import access, page_keys, pii
from xieshang.core.audit import StaleEdit, TransitionError, history
from xieshang.core.forms import add_service_errors, refusal_message
from xieshang.core.params import id_param, int_param, paginate, year_param

from . import exports, policies, selectors, services, summary
from .forms import (
    ApproveForm,
    BulkRejectForm,
    CommentForm,
    MergeForm,
    ModerateForm,
    NoteForm,
    PlanCreateForm,
    PlanHeaderForm,
    PlanItemForm,
    SendBackForm,
    TopicForm,
)
from .models import ConsultationPlan, FocusArea, Outcome, PlanItem, Topic
from .picker_sources import CPPCC_LEVELS, topic_areas, topic_organisations

PAGE_SIZE = 50
PS = ConsultationPlan.Status


def cppcc_organisations(user, perm: str):
    return access.organisations(user, perm).filter(level__in=CPPCC_LEVELS).order_by("path")


def _paginate(request, qs):
    return paginate(request, qs, PAGE_SIZE)


# --- Dashboard ------------------------------------------------------------------------------


@login_required
def dashboard(request):
    orgs = list(cppcc_organisations(request.user, "consultation.view")[:1])
    if not orgs:
        if access.can(request.user, "consultation.topic_submit"):
            return redirect("consultation:topics")
        raise PermissionDenied
    org = orgs[0]
    today = timezone.localdate()
    year = year_param(request, default=today.year)
    # The figures are the year's summary's (consultation.summary): the same numbers.
    report = summary.work_report(org, year, as_of=today)
    plan = report.own_plan
    context = {
        "organisation": org,
        "year": year,
        "plan": plan,
        "today": today,
        "pending_count": selectors.moderation_queue(request.user).count()
        if policies.can_manage(request.user, org)
        else 0,
        "areas": selectors.topics_by_area(org, year),
        "awaiting": selectors.outcome_list(request.user)
        .filter(
            status__in=[
                Outcome.Status.SUBMITTED,
                Outcome.Status.IN_DECISION,
                Outcome.Status.AWAITING_FEEDBACK,
            ]
        )
        .order_by("submitted_on", "id")[:20],
        "overdue": selectors.overdue_outcome_tasks(request.user, today)[:20],
    }
    if plan is not None:
        items = selectors.plan_items(plan)
        context.update(
            progress=report.progress(plan.pk),
            checks=selectors.plan_checks(plan, items),
            key_items=selectors.key_items(plan),
        )
        from .charts import progress_chart

        context["progress_chart"] = progress_chart(context["progress"])
    return render(request, "consultation/dashboard.html", context)


# --- Topics ---------------------------------------------------------------------------------


@login_required
def topics(request):
    filters = exports.topic_filters(request)
    qs = exports.topic_rows(request, filters)
    areas = FocusArea.objects.filter(
        access.org_filter(request.user, "consultation.view"), is_active=True
    ).order_by("organisation__path", "sort_order")
    return render(
        request,
        "consultation/topics.html",
        {
            "page": _paginate(request, qs),
            "status": filters["status"],
            "source": filters["source"],
            "area": filters["area"],
            "query": filters["query"],
            "statuses": [c for c in Topic.Status.choices if c[0] != Topic.Status.PENDING],
            "sources": Topic.Source.choices,
            "areas": areas,
            "can_submit": access.can(request.user, "consultation.topic_submit"),
            "can_manage": access.can(request.user, "consultation.manage"),
        },
    )


# The new-topic page's key (core.page_keys): which topic the page already submitted.
TOPIC_PAGE_KEY = "consultation.topic_new"


@login_required
def topic_new(request):
    orgs, street = topic_organisations(request.user)
    sources = policies.topic_sources(request.user)
    if not orgs or not sources:
        raise PermissionDenied
    if request.method == "POST" and (saved := page_keys.saved(request, TOPIC_PAGE_KEY)):
        if Topic.objects.filter(pk=saved[0]).exists():
            # The page already submitted its topic (the back button brought it back with the
            # text typed in). A topic is submitted as it is made, with no edit page of its
            # own: the member is shown that topic, not a second copy for the office to merge.
            messages.info(request, _("本页填写的议题已经提交过，没有重复提交。"))
            return redirect("consultation:topic", saved[0])
    services.focus_areas_ensure_all(orgs)
    areas = topic_areas(orgs)
    kwargs = {"organisations": orgs, "areas": areas, "sources": sources}
    member = getattr(request.user, "member", None)
    initial = {"proposer_name": request.user.display_name, "source": sources[0]}
    form = TopicForm(request.POST or None, initial=initial, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        department = next(
            (ra.department for ra in access.assignments(request.user) if ra.department_id), None
        )
        try:
            topic = services.topic_create(
                organisation=data["organisation"],
                actor=request.user,
                title=data["title"],
                description=data["description"],
                source=data["source"],
                topic_type=data["topic_type"],
                focus_area=data["focus_area"],
                proposer_name=data["proposer_name"],
                proposer_member=member,
                proposer_department=department,
                street=street if data["source"] == Topic.Source.GRASSROOTS else None,
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(
                form, exc if isinstance(exc, ValidationError) else ValidationError("")
            )
        else:
            page_keys.remember(request, TOPIC_PAGE_KEY, topic.pk, 0)
            messages.success(request, _("议题“%(t)s”已提交。") % {"t": topic.title})
            return redirect("consultation:topic", topic.pk)
    status = 400 if form.is_bound else 200
    # Empty on a fresh page: proposals.js fills it in (core.page_keys).
    context = {"form": form, "draft_key": page_keys.posted(request)}
    return render(request, "consultation/topic_form.html", context, status=status)


def _get_topic(request, pk: int) -> Topic:
    topic = (
        Topic.objects.select_related("organisation", "focus_area", "merged_into")
        .filter(pk=pk)
        .first()
    )
    if topic is None or not policies.can_view_topic(request.user, topic):
        raise Http404
    return topic


def _render_topic(request, topic, *, moderate_form=None, merge_form=None, status=200):
    can_manage = policies.can_manage(request.user, topic.organisation)
    similar = selectors.similar_topics(topic) if can_manage else []
    areas = services.focus_areas_ensure(topic.organisation)
    candidates = selectors.merge_targets(topic)
    # The resident's number is masked, and shown whole on request with the look logged, as
    # on a resident's issue (SPEC: who viewed personal data is recorded). So are the phone
    # and ID numbers typed into the title or description: a portal suggestion is the
    # resident's own words, read by the office and, once accepted, by the committees.
    title, description = pii.mask_numbers(topic.title), pii.mask_numbers(topic.description)
    typed = [
        field
        for field, shown in (("title", title), ("description", description))
        if shown != getattr(topic, field)
    ]
    phone_shown = (
        can_manage and bool(topic.contact_phone or typed) and request.GET.get("phone") == "1"
    )
    if phone_shown:
        fields = (["contact_phone"] if topic.contact_phone else []) + typed
        pii.log_access(actor=request.user, action="view", subject=topic, fields=fields)
    context = {
        "topic": topic,
        "can_manage": can_manage,
        "phone": topic.contact_phone if phone_shown else pii.mask_phone(topic.contact_phone),
        "phone_shown": phone_shown,
        "title": topic.title if phone_shown else title,
        "description": topic.description if phone_shown else description,
        "typed_numbers": bool(typed),
        "similar": [(t, round(score * 100)) for t, score in similar],
        "moderate_form": moderate_form
        or ModerateForm(areas=areas, initial={"topic_type": topic.topic_type}),
        "merge_form": merge_form or MergeForm(candidates=candidates, topic=topic),
        "plan_items": topic.plan_items.select_related("plan"),
        "merged_topics": topic.merged_topics.all(),
        "events": history(topic).select_related("actor"),
    }
    return render(request, "consultation/topic_detail.html", context, status=status)


@login_required
def topic_detail(request, pk: int):
    return _render_topic(request, _get_topic(request, pk))


MARKS = {
    "": None,
    "spam": {"screen_spam": True},
    "held": {"screen_held": True, "screen_spam": False},
    "clear": {"screen_held": False},
}


def _moderation_page(request, *, form=None, status=200):
    mark = request.GET.get("mark", "")
    if mark not in MARKS:
        raise BadRequest(_("筛选条件（mark）不正确。"))
    queue = selectors.moderation_queue(request.user)
    counts = {
        "all": queue.count(),
        "spam": queue.filter(screen_spam=True).count(),
        "held": queue.filter(screen_held=True, screen_spam=False).count(),
        "clear": queue.filter(screen_held=False).count(),
    }
    shown = queue.filter(**MARKS[mark]) if MARKS[mark] else queue
    page = _paginate(request, shown)
    orgs = {t.organisation for t in page}
    reasons = _bulk_reasons(orgs)
    if form is None:
        form = BulkRejectForm(topic_ids=[t.pk for t in page], reasons=reasons)
    return render(
        request,
        "consultation/moderation.html",
        {
            "page": page,
            "mark": mark,
            "counts": counts,
            "bulk_form": form,
            "perms_screening": access.can(request.user, "portal.screening"),
        },
        status=status,
    )


def _bulk_reasons(orgs) -> list[str]:
    """The standard reasons of the organisations on the page, in order, without repeats."""
    from xieshang.orgs import config

    from .rules import BULK_REJECT_REASONS

    reasons: list[str] = []
    for org in sorted(orgs, key=lambda o: o.path) or [None]:
        for reason in config.get(org, BULK_REJECT_REASONS):
            if reason not in reasons:
                reasons.append(reason)
    return reasons


@login_required
def moderation(request):
    if not access.can(request.user, "consultation.manage"):
        raise PermissionDenied
    return _moderation_page(request)


@login_required
@require_POST
def moderation_bulk_reject(request):
    """Reject the ticked submissions with one reason; each is audited on its own."""
    if not access.can(request.user, "consultation.manage"):
        raise PermissionDenied
    queue = selectors.moderation_queue(request.user)
    orgs = {t.organisation for t in queue.select_related("organisation")}
    form = BulkRejectForm(
        request.POST,
        topic_ids=list(queue.values_list("pk", flat=True)),
        reasons=_bulk_reasons(orgs),
    )
    if form.is_valid():
        try:
            rejected, skipped = services.topic_bulk_reject(
                topic_ids=form.cleaned_data["topics"],
                actor=request.user,
                note=form.cleaned_data["final_note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if skipped:
                messages.warning(
                    request,
                    _("已将%(n)s条征题审核为不予采纳；%(s)s条已由他人处理或无权处理，未改动。")
                    % {"n": rejected, "s": skipped},
                )
            else:
                messages.success(request, _("已将%(n)s条征题审核为不予采纳。") % {"n": rejected})
            target = reverse("consultation:moderation")
            mark = request.POST.get("mark", "")
            return redirect(f"{target}?mark={mark}" if mark in MARKS and mark else target)
    return _moderation_page(request, form=form, status=400)


@login_required
@require_POST
def topic_moderate(request, pk: int):
    topic = _get_topic(request, pk)
    if not policies.can_manage(request.user, topic.organisation):
        raise Http404
    form = ModerateForm(request.POST, areas=services.focus_areas_ensure(topic.organisation))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.topic_moderate(
                topic=topic,
                actor=request.user,
                accept=data["decision"] == "accept",
                note=data["note"],
                focus_area=data["focus_area"],
                topic_type=data["topic_type"],
            )
        except (ValidationError, TransitionError) as exc:
            add_service_errors(form, exc)
        else:
            if data["decision"] == "accept":
                messages.success(request, _("已采纳为议题。"))
            else:
                messages.success(request, _("已审核，不予采纳。"))
            return redirect("consultation:moderation")
    return _render_topic(request, topic, moderate_form=form, status=400)


@login_required
@require_POST
def topic_merge(request, pk: int):
    topic = _get_topic(request, pk)
    if not policies.can_manage(request.user, topic.organisation):
        raise Http404
    candidates = selectors.merge_targets(topic)
    form = MergeForm(request.POST, candidates=candidates, topic=topic)
    if form.is_valid():
        try:
            services.topic_merge(
                topic=topic,
                into=form.cleaned_data["into"],
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except (ValidationError, TransitionError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("议题已合并。"))
            return redirect("consultation:topic", form.cleaned_data["into"].pk)
    return _render_topic(request, topic, merge_form=form, status=400)


# --- Plans ----------------------------------------------------------------------------------


@login_required
def plans(request):
    if not access.can(request.user, "consultation.view"):
        raise PermissionDenied
    orgs = cppcc_organisations(request.user, "consultation.plan_draft")
    form = PlanCreateForm(request.POST or None, organisations=orgs) if orgs.exists() else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = services.plan_create(
                    organisation=data["organisation"],
                    year=data["year"],
                    title=data["title"],
                    actor=request.user,
                )
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(
                    form, exc if isinstance(exc, ValidationError) else ValidationError("")
                )
            else:
                messages.success(request, _("已创建计划草案。"))
                return redirect("consultation:plan", plan.pk)
    return render(
        request,
        "consultation/plans.html",
        {"plans": selectors.plan_list(request.user), "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _get_plan(request, pk: int) -> ConsultationPlan:
    plan = ConsultationPlan.objects.select_related("organisation").filter(pk=pk).first()
    if plan is None or not policies.can_view(request.user, plan.organisation):
        raise Http404
    return plan


def _render_plan(request, plan, status=200, **forms):
    items = selectors.plan_items(plan)
    user = request.user
    can_edit = policies.can_edit_plan(user, plan)
    versions = selectors.mark_hand_overs(plan, list(plan.versions.select_related("created_by")))
    comments = list(plan.comments.all())
    context = {
        "plan": plan,
        "items": items,
        "checks": selectors.plan_checks(plan, items),
        "can_edit": can_edit,
        "can_arrange": policies.can_arrange(user, plan),
        "can_forward": policies.can_forward(user, plan),
        "can_send_back": policies.can_send_back(user, plan),
        "can_comment": policies.can_comment(user, plan),
        "is_approval": plan.status == PS.APPROVAL,
        "header_form": forms.get("header_form")
        or PlanHeaderForm(
            initial={"title": plan.title, "preface": plan.preface, "version": plan.version}
        ),
        "forward_form": forms.get("forward_form") or NoteForm(prefix="forward"),
        "approve_form": forms.get("approve_form")
        or ApproveForm(prefix="approve", initial={"approved_on": timezone.localdate()}),
        "send_back_form": forms.get("send_back_form") or SendBackForm(prefix="back"),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "comments": comments,
        "sent_back": selectors.sent_back_with(plan, comments, versions),
        "versions": versions,
        "events": history(plan).select_related("actor"),
        "next_label": dict(PS.choices).get(policies.NEXT.get(plan.status, ""), ""),
    }
    return render(request, "consultation/plan_detail.html", context, status=status)


@login_required
def plan_detail(request, pk: int):
    return _render_plan(request, _get_plan(request, pk))


@login_required
@require_POST
def plan_edit(request, pk: int):
    plan = _get_plan(request, pk)
    form = PlanHeaderForm(request.POST)
    if form.is_valid():
        try:
            services.plan_edit(
                plan=plan,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                title=form.cleaned_data["title"],
                preface=form.cleaned_data["preface"],
            )
        except (ValidationError, TransitionError, StaleEdit, PermissionDenied) as exc:
            add_service_errors(
                form, exc if not isinstance(exc, PermissionDenied) else _no_right(plan)
            )
        else:
            messages.success(request, _("计划已保存。"))
            return redirect("consultation:plan", plan.pk)
    return _render_plan(request, plan, status=400, header_form=form)


def _no_right(plan) -> ValidationError:
    # Names the step the plan is at now: a second tab whose plan was sent back or handed
    # on meanwhile reads what happened, not only that it may not act.
    return ValidationError(
        _("计划现为“%(state)s”环节。您在当前环节无权进行此操作。")
        % {"state": plan.get_status_display()}
    )


@login_required
def plan_item(request, pk: int, item_pk: int | None = None):
    plan = _get_plan(request, pk)
    item = None
    if item_pk is not None:
        item = PlanItem.objects.filter(pk=item_pk, plan=plan).first()
        if item is None:
            raise Http404
    if not policies.can_edit_plan(request.user, plan):
        raise PermissionDenied
    services.focus_areas_ensure(plan.organisation)
    initial = {"version": plan.version}
    if item is not None:
        initial.update(
            topic=item.topic_id,
            title=item.title,
            form=item.form,
            topic_type=item.topic_type,
            focus_area=item.focus_area_id,
            month=item.month,
            lead_leader=item.lead_leader,
            committee=item.committee_id,
            departments=list(item.departments.all()),
            co_organisers=list(item.co_organisers.all()),
            is_key=item.is_key,
        )
    elif (topic := id_param(request, "topic")) is not None:
        initial["topic"] = topic
    form = PlanItemForm(request.POST or None, initial=initial, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_save(
                plan=plan,
                actor=request.user,
                data=form.service_data(),
                expected_version=form.cleaned_data["version"],
                item=item,
            )
        except (ValidationError, TransitionError, StaleEdit) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("计划事项已保存。"))
            return redirect(reverse("consultation:plan", args=[plan.pk]) + "#plan-items")
    items = selectors.plan_items(plan)
    return render(
        request,
        "consultation/plan_item_form.html",
        {
            "plan": plan,
            "item": item,
            "form": form,
            "checks": selectors.plan_checks(plan, items),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def plan_item_remove(request, pk: int, item_pk: int):
    plan = _get_plan(request, pk)
    item = PlanItem.objects.filter(pk=item_pk, plan=plan).first()
    back = redirect(reverse("consultation:plan", args=[plan.pk]) + "#plan-items")
    if item is None and policies.can_edit_plan(request.user, plan):
        # Deleted in another window or by a colleague: the plan says so to whoever edits
        # it (a 404 read as if the plan itself were gone or closed to the reader).
        messages.info(request, _("该计划事项已不在计划中，可能已在其他窗口删除。"))
        return back
    if item is None:
        raise Http404
    version = request.POST.get("version", "")
    try:
        services.plan_item_remove(
            plan=plan,
            item=item,
            actor=request.user,
            expected_version=int(version) if version.isdigit() else -1,
        )
    except (ValidationError, TransitionError, StaleEdit) as exc:
        messages.error(request, refusal_message(exc))
    else:
        messages.success(request, _("已删除计划事项。"))
    return redirect(reverse("consultation:plan", args=[plan.pk]) + "#plan-items")


@login_required
@require_POST
def plan_forward(request, pk: int):
    plan = _get_plan(request, pk)
    # The form is the one the page showed (its prefix), not the one the plan's step offers
    # now: a plan moved on meanwhile refuses it below, with the note kept.
    is_approval = any(key.startswith("approve-") for key in request.POST)
    if is_approval:
        form = ApproveForm(request.POST, prefix="approve", plan=plan)
    else:
        form = NoteForm(request.POST, prefix="forward")
    form_name = "approve_form" if is_approval else "forward_form"
    if not policies.can_forward(request.user, plan) or is_approval != (plan.status == PS.APPROVAL):
        form.is_valid()
        add_service_errors(form, _no_right(plan))
    elif form.is_valid():
        data = form.cleaned_data
        seen = request.POST.get("plan_version", "")
        try:
            services.plan_forward(
                plan=plan,
                actor=request.user,
                note=data.get("note", ""),
                approved_on=data.get("approved_on"),
                doc_number=data.get("doc_number", ""),
                expected_version=int(seen) if seen.isdigit() else None,
            )
        except StaleEdit as exc:
            add_service_errors(form, exc, again=_("计划已是最新内容，请核对后再报送。"))
        except (ValidationError, TransitionError) as exc:
            add_service_errors(form, exc)
        else:
            plan.refresh_from_db()
            messages.success(
                request, _("计划已进入“%(state)s”环节。") % {"state": plan.get_status_display()}
            )
            return redirect("consultation:plan", plan.pk)
    return _render_plan(request, plan, status=400, **{form_name: form})


@login_required
@require_POST
def plan_send_back(request, pk: int):
    plan = _get_plan(request, pk)
    form = SendBackForm(request.POST, prefix="back")
    if not policies.can_send_back(request.user, plan):
        # Moved on meanwhile (or never this user's step): refused with the note kept.
        form.is_valid()
        add_service_errors(form, _no_right(plan))
    elif form.is_valid():
        try:
            services.plan_send_back(plan=plan, actor=request.user, note=form.cleaned_data["note"])
        except (ValidationError, TransitionError) as exc:
            add_service_errors(form, exc)
        else:
            plan.refresh_from_db()
            messages.success(
                request, _("计划已退回“%(state)s”环节。") % {"state": plan.get_status_display()}
            )
            return redirect("consultation:plan", plan.pk)
    return _render_plan(request, plan, status=400, send_back_form=form)


@login_required
@require_POST
def plan_comment(request, pk: int):
    plan = _get_plan(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.plan_comment(plan=plan, actor=request.user, text=form.cleaned_data["text"])
        except PermissionDenied:
            add_service_errors(form, _no_right(plan))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("意见已记录。"))
            return redirect(reverse("consultation:plan", args=[plan.pk]) + "#plan-comments")
    return _render_plan(request, plan, status=400, comment_form=form)


@login_required
def plan_diff(request, pk: int):
    plan = _get_plan(request, pk)
    versions = list(plan.versions.select_related("created_by"))
    numbers = [v.number for v in versions]
    if len(numbers) < 2:
        a = b = numbers[0] if numbers else 0
    else:
        a, b = numbers[-2], numbers[-1]
    a = int_param(request, "a", default=a)
    b = int_param(request, "b", default=b)
    rows = []
    error = ""
    if versions:
        try:
            rows = services.versions_diff(plan, a, b)
        except ValidationError as exc:
            error = exc.messages[0]
    return render(
        request,
        "consultation/plan_diff.html",
        {"plan": plan, "versions": versions, "a": a, "b": b, "rows": rows, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_safe
def plan_pdf(request, pk: int):
    from . import pdf

    plan = _get_plan(request, pk)
    if plan.status != PS.PUBLISHED:
        raise Http404
    from xieshang.core.pdf import pdf_response

    return pdf_response(pdf.plan_pdf(plan), pdf.plan_filename(plan))
