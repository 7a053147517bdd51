"""Pages of consultation activities, their outcomes and the party-consultation plans."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.core import access
from xieshang.core.audit import StaleEdit, TransitionError, history
from xieshang.core.forms import add_service_errors, refusal_message, refuse_stale
from xieshang.core.params import id_param
from xieshang.followups.selectors import mark_time_left

from . import exports, policies, selectors, services
from .forms import (
    ActivityCreateForm,
    ActivityEditForm,
    AttachmentForm,
    AttendanceForm,
    DecisionForm,
    LeaderAccountForm,
    NoteForm,
    OutcomeEditForm,
    OutcomeForm,
    ParticipantsForm,
    PartyCommentForm,
    PartyPlanForm,
    SpeechForm,
)
from .models import Activity, Outcome, Participant, PartyPlan
from .views import _paginate, cppcc_organisations

REFUSALS = (ValidationError, TransitionError, StaleEdit)

# --- Activities -------------------------------------------------------------------------------


@login_required
def activities(request):
    if not access.can(request.user, "consultation.view"):
        raise PermissionDenied
    year = exports.activity_year(request)
    return render(
        request,
        "consultation/activities.html",
        {
            "page": _paginate(request, exports.activity_rows(request, year)),
            "year": year,
            "can_create": access.can(request.user, "consultation.activities"),
        },
    )


@login_required
def activity_new(request):
    orgs = cppcc_organisations(request.user, "consultation.activities")
    if not orgs.exists():
        raise PermissionDenied
    form = ActivityCreateForm(request.POST or None, organisations=orgs)
    if not form.is_bound and (item_id := id_param(request, "item")) is not None:
        # Arranged from the plan (its 安排活动 link): the item's organisation, title and
        # form are filled in, as the plan has them; the clerk adds the date and place.
        item = form.fields["plan_item"].queryset.filter(pk=item_id).first()
        if item is not None:
            form.initial.update(
                plan_item=item.pk,
                organisation=item.plan.organisation_id,
                title=item.title,
                form=item.form,
            )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = data["plan_item"]
        try:
            activity = services.activity_create(
                organisation=data["organisation"],
                actor=request.user,
                title=data["title"],
                form=data["form"],
                date=data["date"],
                place=data["place"],
                agenda=data["agenda"],
                plan_item=item,
                sector=data["sector"],
                co_organisers=list(data["co_organisers"]),
            )
        except REFUSALS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已安排协商活动。"))
            return redirect("consultation:activity", activity.pk)
    return render(
        request,
        "consultation/activity_form.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def _get_activity(request, pk: int, *, participant_may_read: bool = False) -> Activity:
    activity = (
        Activity.objects.select_related("organisation", "plan_item", "plan_item__plan", "sector")
        .filter(pk=pk)
        .first()
    )
    if activity is None:
        raise Http404
    allowed = (
        policies.can_view_activity if participant_may_read else _can_view_organisation_activity
    )
    if not allowed(request.user, activity):
        raise Http404
    return activity


def _can_view_organisation_activity(user, activity) -> bool:
    return policies.can_view(user, activity.organisation)


def _render_activity(request, activity, status=200, **forms):
    participants = list(
        activity.participants.select_related("member", "department", "user").prefetch_related(
            selectors.staff_roles("user__role_assignments")
        )
    )
    can_run = policies.can_run_activities(request.user, activity.organisation)
    org = activity.organisation
    # A participant without the committee's reading right sees the activity as taken part
    # in: no staff navigation, history or panels, no one else's details or attendance. Only
    # the staff who draft outcomes see the ones still in drafting.
    staff_view = policies.can_view(request.user, org)
    outcomes = activity.outcomes.all()
    if not policies.can_view_draft_outcomes(request.user, org):
        outcomes = outcomes.exclude(status=Outcome.Status.DRAFT)
    context = {
        "activity": activity,
        "participants": participants,
        "co_organisers": list(activity.co_organisers.all()),
        "speeches": activity.speeches.all(),
        "attachments": activity.attachments.all(),
        "outcomes": outcomes,
        "can_run": can_run,
        "staff_view": staff_view,
        "events": history(activity).select_related("actor") if staff_view else [],
    }
    if not staff_view:
        # A member, an invited department head or Party/government leader: their own row.
        context["mine"] = policies.own_participation(request.user, activity)
    if can_run:
        context.update(
            participants_form=forms.get("participants_form") or ParticipantsForm(organisation=org),
            attendance_form=forms.get("attendance_form")
            or AttendanceForm(participants=participants, initial={"minutes": activity.minutes}),
            speech_form=forms.get("speech_form") or SpeechForm(),
            attachment_form=forms.get("attachment_form") or AttachmentForm(),
            outcome_form=forms.get("outcome_form")
            or OutcomeForm(
                organisation=org, initial={"kind": services.default_outcome_kind(activity)}
            ),
        )
        context.update(
            _leader_account_rows(activity, participants, forms.get("leader_account_form"))
        )
    return render(request, "consultation/activity_detail.html", context, status=status)


def _leader_account_rows(activity, participants, bound=None) -> dict:
    """The invited leaders' rows with their account, a form to link or change it and, for an
    unlinked one, the namesake staff accounts to confirm with a click; a refused form is
    shown again in its own row (or above the rows when its row is not one of them)."""
    suggestions = selectors.leader_account_suggestions(activity, participants)
    bound_pk = str(bound.data.get("participant", "")) if bound is not None else ""
    rows = []
    for p in participants:
        if p.kind != Participant.Kind.LEADER:
            continue
        mine = bound is not None and bound_pk == str(p.pk)
        rows.append(
            {
                "participant": p,
                "account": selectors.leader_account_label(p.user) if p.user else "",
                "form": bound if mine else LeaderAccountForm(activity=activity, participant=p),
                "suggestions": [
                    (a.pk, selectors.leader_account_label(a)) for a in suggestions.get(p.pk, [])
                ],
            }
        )
    orphan = bound if bound is not None and not any(r["form"] is bound for r in rows) else None
    return {"leader_rows": rows, "leader_account_errors": orphan}


@login_required
def activity_detail(request, pk: int):
    return _render_activity(request, _get_activity(request, pk, participant_may_read=True))


def _require_run(request, activity):
    if not policies.can_run_activities(request.user, activity.organisation):
        raise PermissionDenied


@login_required
def activity_edit(request, pk: int):
    """Correct a planned activity's arrangements; a held one is refused (its date is in
    the duty files), and a colleague's save in between is not overwritten silently."""
    activity = _get_activity(request, pk)
    _require_run(request, activity)
    if activity.status != Activity.Status.PLANNED and request.method != "POST":
        messages.error(request, _("活动已举行，活动安排不能再修改。"))
        return redirect("consultation:activity", activity.pk)
    initial = {
        "title": activity.title,
        "form": activity.form,
        "sector": activity.sector_id,
        "date": activity.date,
        "place": activity.place,
        "agenda": activity.agenda,
        "co_organisers": list(activity.co_organisers.all()),
        "version": activity.version,
    }
    form = ActivityEditForm(request.POST or None, initial=initial, activity=activity)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        data["co_organisers"] = list(data["co_organisers"])
        try:
            services.activity_edit(
                activity=activity,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **data,
            )
        except StaleEdit as exc:
            refuse_stale(form, exc)
        except (ValidationError, TransitionError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("活动安排已保存。"))
            return redirect("consultation:activity", activity.pk)
    return render(
        request,
        "consultation/activity_edit.html",
        {"form": form, "activity": activity},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def activity_participants(request, pk: int):
    activity = _get_activity(request, pk)
    _require_run(request, activity)
    form = ParticipantsForm(request.POST, organisation=activity.organisation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            added = services.activity_add_participants(
                activity=activity,
                actor=request.user,
                members=list(data["members"]),
                committee=data["committee"],
                sector=data["sector"],
                group=data["group"],
                department_heads=[(d, "") for d in data["departments"]],
                leaders=data["leaders"],
                leader_accounts=list(data["leader_accounts"]),
            )
        except REFUSALS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已邀请%(n)s人。") % {"n": added})
            return redirect("consultation:activity", activity.pk)
    return _render_activity(request, activity, status=400, participants_form=form)


@login_required
@require_POST
def activity_leader_account(request, pk: int):
    """Link, change or (posted with `unlink`) unlink an invited leader's platform account,
    at any stage of the activity."""
    activity = _get_activity(request, pk)
    _require_run(request, activity)
    form = LeaderAccountForm(request.POST, activity=activity)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if form.unlink:
                row = services.participant_unlink_account(
                    activity=activity, actor=request.user, participant=data["participant"]
                )
            else:
                row = services.participant_link_account(
                    activity=activity,
                    actor=request.user,
                    participant=data["participant"],
                    account=data["account"],
                )
        except REFUSALS as exc:
            add_service_errors(form, exc)
        else:
            if form.unlink:
                done = _(
                    "已解除%(name)s的平台账号关联；重新关联账号前，该领导不能在平台上查看本活动。"
                )
            else:
                done = _("已为%(name)s关联平台账号。")
            messages.success(request, done % {"name": row.name})
            return redirect(
                reverse("consultation:activity", args=[activity.pk]) + "#leader-accounts"
            )
    return _render_activity(request, activity, status=400, leader_account_form=form)


@login_required
@require_POST
def activity_hold(request, pk: int):
    activity = _get_activity(request, pk)
    _require_run(request, activity)
    participants = list(activity.participants.all())
    form = AttendanceForm(request.POST, participants=participants)
    if form.is_valid():
        try:
            services.activity_hold(
                activity=activity,
                actor=request.user,
                attendance=form.attendance(),
                minutes=form.cleaned_data["minutes"],
            )
        except REFUSALS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记出席情况。"))
            return redirect("consultation:activity", activity.pk)
    return _render_activity(request, activity, status=400, attendance_form=form)


@login_required
@require_POST
def activity_speech(request, pk: int):
    activity = _get_activity(request, pk)
    _require_run(request, activity)
    form = SpeechForm(request.POST)
    if form.is_valid():
        services.speech_add(activity=activity, actor=request.user, **form.cleaned_data)
        messages.success(request, _("已记录发言。"))
        return redirect("consultation:activity", activity.pk)
    return _render_activity(request, activity, status=400, speech_form=form)


@login_required
@require_POST
def activity_attachment(request, pk: int):
    activity = _get_activity(request, pk)
    _require_run(request, activity)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        services.attachment_add(
            activity=activity,
            actor=request.user,
            name=form.cleaned_data["name"],
            file=form.cleaned_data["file"],
        )
        messages.success(request, _("已上传附件。"))
        return redirect("consultation:activity", activity.pk)
    return _render_activity(request, activity, status=400, attachment_form=form)


@login_required
@require_POST
def outcome_new(request, pk: int):
    activity = _get_activity(request, pk)
    _require_run(request, activity)
    form = OutcomeForm(request.POST, organisation=activity.organisation)
    if form.is_valid():
        try:
            outcome = services.outcome_create(
                activity=activity, actor=request.user, **form.outcome()
            )
        except REFUSALS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已起草协商成果。"))
            return redirect("consultation:outcome", outcome.pk)
    return _render_activity(request, activity, status=400, outcome_form=form)


# --- Outcomes ---------------------------------------------------------------------------------


@login_required
def outcomes(request):
    if not access.can(request.user, "consultation.view"):
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in Outcome.Status.values:
        status = ""
    page = _paginate(request, selectors.outcome_list(request.user, status=status))
    tasks = selectors.outcome_tasks([o.pk for o in page])
    today = timezone.localdate()
    rows = []
    for outcome in page:
        own = tasks.get(outcome.pk, [])
        rows.append(
            {
                "outcome": outcome,
                "tasks": len(own),
                "answered": sum(1 for t in own if t.status in ("submitted", "closed")),
                "overdue": sum(1 for t in own if t.is_overdue(today)),
            }
        )
    return render(
        request,
        "consultation/outcomes.html",
        {"page": page, "rows": rows, "status": status, "statuses": Outcome.Status.choices},
    )


def _get_outcome(request, pk: int) -> Outcome:
    outcome = (
        Outcome.objects.select_related("organisation", "activity", "activity__plan_item")
        .filter(pk=pk)
        .first()
    )
    if outcome is None or not policies.can_view_outcome(request.user, outcome):
        raise Http404
    return outcome


def _render_outcome(request, outcome, status=200, **forms):
    org = outcome.organisation
    tasks = selectors.outcome_tasks([outcome.pk]).get(outcome.pk, [])
    mark_time_left(tasks)
    context = {
        "outcome": outcome,
        "departments": list(outcome.departments.all()),
        "tasks": tasks,
        # Closing waits for every unit's written feedback (services.outcome_close): until
        # then the page says so instead of offering a button that is refused.
        "feedback_pending": len(selectors.unfinished_feedback(tasks)),
        "today": timezone.localdate(),
        "can_manage": policies.can_manage(request.user, org),
        # Whoever drafts outcomes (a special committee's staff too) revises the draft; the
        # office alone sends it.
        "can_run": policies.can_run_activities(request.user, org),
        "can_decide": policies.can_decide(request.user, org),
        # A unit asked for feedback reads the outcome, not the committee's activity pages.
        "activity_openable": policies.can_view(request.user, org),
        # One form per action, so that a refused one is shown again in its own place; each
        # has its own ids, so every label points at its own textarea.
        "submit_form": forms.get("submit_form") or NoteForm(id_prefix="submit_form"),
        "in_decision_form": forms.get("in_decision_form") or NoteForm(id_prefix="in_decision_form"),
        "close_form": forms.get("close_form") or NoteForm(id_prefix="close_form"),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "events": history(outcome).select_related("actor"),
    }
    return render(request, "consultation/outcome_detail.html", context, status=status)


@login_required
def outcome_detail(request, pk: int):
    return _render_outcome(request, _get_outcome(request, pk))


@login_required
def outcome_edit(request, pk: int):
    """Revise a draft outcome; once sent it is the record of what was sent."""
    outcome = _get_outcome(request, pk)
    _require_run(request, outcome.activity)
    if outcome.status != Outcome.Status.DRAFT:
        messages.error(request, _("协商成果已报送，不能再修改。"))
        return redirect("consultation:outcome", outcome.pk)
    initial = {
        "kind": outcome.kind,
        "title": outcome.title,
        "body": outcome.body,
        "departments": list(outcome.departments.all()),
        "to_party_office": outcome.to_party_office,
        "to_government_office": outcome.to_government_office,
        "version": outcome.version,
    }
    form = OutcomeEditForm(request.POST or None, organisation=outcome.organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_update(
                outcome=outcome,
                actor=request.user,
                version=form.cleaned_data["version"],
                **form.outcome(),
            )
        except REFUSALS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存协商成果。"))
            return redirect("consultation:outcome", outcome.pk)
    return render(
        request,
        "consultation/outcome_form.html",
        {"form": form, "outcome": outcome},
        status=400 if request.method == "POST" else 200,
    )


# The step each action's form is offered at (outcome_detail.html shows it there).
OUTCOME_FORM_STEP = {
    "submit_form": Outcome.Status.DRAFT,
    "in_decision_form": Outcome.Status.SUBMITTED,
    "decision_form": Outcome.Status.IN_DECISION,
    "close_form": Outcome.Status.AWAITING_FEEDBACK,
}


def _outcome_action(request, pk, run, allowed, success, form_name, form_class=NoteForm):
    outcome = _get_outcome(request, pk)
    if not allowed(request.user, outcome.organisation):
        raise PermissionDenied
    form = form_class(request.POST, id_prefix=form_name)
    if form.is_valid():
        try:
            run(outcome, form.cleaned_data)
        except REFUSALS as exc:
            outcome.refresh_from_db()
            if outcome.status != OUTCOME_FORM_STEP[form_name]:
                # The outcome moved on meanwhile (decided in another tab): the page shows
                # where it is now with the reason, not the form of a step it has left; what
                # was typed is quoted, not lost.
                typed = "；".join(
                    v.strip()
                    for v in form.cleaned_data.values()
                    if isinstance(v, str) and v.strip()
                )
                reason = refusal_message(exc)
                if typed:
                    reason = _("%(reason)s 您填写的内容未保存：%(typed)s") % {
                        "reason": reason,
                        "typed": typed,
                    }
                messages.error(request, reason)
                return _render_outcome(request, outcome, status=400)
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("consultation:outcome", outcome.pk)
    return _render_outcome(request, outcome, status=400, **{form_name: form})


@login_required
@require_POST
def outcome_submit(request, pk: int):
    return _outcome_action(
        request,
        pk,
        lambda o, d: services.outcome_submit(outcome=o, actor=request.user),
        policies.can_manage,
        _("协商成果已报送。"),
        "submit_form",
    )


@login_required
@require_POST
def outcome_in_decision(request, pk: int):
    return _outcome_action(
        request,
        pk,
        lambda o, d: services.outcome_enter_decision(outcome=o, actor=request.user, note=d["note"]),
        policies.can_decide,
        _("已进入决策程序。"),
        "in_decision_form",
    )


@login_required
@require_POST
def outcome_decide(request, pk: int):
    return _outcome_action(
        request,
        pk,
        lambda o, d: services.outcome_decide(
            outcome=o, actor=request.user, decision=d["decision"], decided_on=d["decided_on"]
        ),
        policies.can_decide,
        _("决策结果已记录。"),
        "decision_form",
        form_class=DecisionForm,
    )


@login_required
@require_POST
def outcome_close(request, pk: int):
    return _outcome_action(
        request,
        pk,
        lambda o, d: services.outcome_close(outcome=o, actor=request.user, note=d["note"]),
        policies.can_manage,
        _("协商成果已办结。"),
        "close_form",
    )


# --- Party-consultation plans (C4.1) ------------------------------------------------------------


def _party_plan_orgs(user):
    return cppcc_organisations(user, "consultation.party_plan")


@login_required
def party_plans(request):
    writer_orgs = _party_plan_orgs(request.user)
    q = access.org_filter(request.user, "consultation.party_plan") | access.org_filter(
        request.user, "consultation.party_plan_comment"
    )
    visible = PartyPlan.objects.filter(q).select_related("organisation")
    if not writer_orgs.exists() and not access.can(request.user, "consultation.party_plan_comment"):
        raise PermissionDenied
    # The CPPCC sees a plan once it has been sent for comments, not the Party's drafts.
    if not writer_orgs.exists():
        visible = visible.exclude(status=PartyPlan.Status.DRAFT)
    form = None
    if writer_orgs.exists():
        form = PartyPlanForm(request.POST or None, organisations=writer_orgs)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            plan = services.party_plan_create(
                organisation=data["organisation"],
                actor=request.user,
                year=data["year"],
                title=data["title"],
                body=data["body"],
            )
            messages.success(request, _("已起草政党协商计划。"))
            return redirect("consultation:party_plan", plan.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "consultation/party_plans.html",
        {"plans": visible.order_by("-year", "-id"), "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _get_party_plan(request, pk: int) -> PartyPlan:
    plan = PartyPlan.objects.select_related("organisation").filter(pk=pk).first()
    if plan is None:
        raise Http404
    org = plan.organisation
    if policies.can_write_party_plan(request.user, org):
        return plan
    if policies.can_comment_party_plan(request.user, org) and plan.status != "draft":
        return plan
    raise Http404


def _render_party_plan(request, plan, status=200, comment_form=None):
    org = plan.organisation
    context = {
        "plan": plan,
        "comments": plan.comments.select_related("author"),
        "can_write": policies.can_write_party_plan(request.user, org),
        "can_comment": policies.can_comment_party_plan(request.user, org)
        and plan.status == PartyPlan.Status.SENT,
        "comment_form": comment_form or PartyCommentForm(),
        "events": history(plan).select_related("actor"),
    }
    return render(request, "consultation/party_plan_detail.html", context, status=status)


@login_required
def party_plan_detail(request, pk: int):
    return _render_party_plan(request, _get_party_plan(request, pk))


@login_required
@require_POST
def party_plan_action(request, pk: int, action: str):
    plan = _get_party_plan(request, pk)
    try:
        if action == "send":
            services.party_plan_send(plan=plan, actor=request.user)
            messages.success(request, _("已送政协征求意见。"))
        elif action == "finalise":
            services.party_plan_finalise(plan=plan, actor=request.user)
            messages.success(request, _("已定稿。"))
        elif action == "comment":
            form = PartyCommentForm(request.POST)
            if not form.is_valid():
                return _render_party_plan(request, plan, status=400, comment_form=form)
            try:
                services.party_plan_comment(
                    plan=plan, actor=request.user, text=form.cleaned_data["text"]
                )
            except REFUSALS as exc:
                # Shown again with the reason and what was typed (the plan was finalised
                # meanwhile, say), not flashed over an empty form.
                add_service_errors(form, exc)
                return _render_party_plan(request, plan, status=400, comment_form=form)
            messages.success(request, _("意见建议已记录。"))
        else:
            raise Http404
    except REFUSALS as exc:
        messages.error(request, refusal_message(exc))
    return redirect("consultation:party_plan", plan.pk)
